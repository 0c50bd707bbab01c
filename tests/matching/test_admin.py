"""A mobility profile in admin: the back-office's widgets (no raw JSON), saved through the
profile service with the history and the access log; bad input explained, nothing saved."""

import datetime as dt

import pytest
from django.urls import reverse

from matching.models import MobilityProfile
from privacy.models import StaffAccessLog
from tests.factories import CoordinatorFactory, YouthFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    return MobilityProfile.objects.create(
        user=YouthFactory(email="ines.admin@exemple.fr"), birth_date=dt.date(2003, 4, 2),
        wish_domains=["studies", "volunteering"], wish_countries=["DE"],
        languages=[{"language": "es", "level": "B2"}])


@pytest.fixture
def coordinator(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    return coordinator


def _post(profile, **changes):
    data = {"birth_date": "2003-04-02", "wish_domains": ["studies", "volunteering"],
            "wish_countries": ["DE"], "langues-TOTAL_FORMS": "2",
            "langues-INITIAL_FORMS": "1", "langues-MIN_NUM_FORMS": "0",
            "langues-MAX_NUM_FORMS": "12", "langues-0-language": "es",
            "langues-0-level": "B2", "langues-1-language": "", "langues-1-level": ""}
    data.update(changes)
    return data


def test_profile_edited_with_the_back_office_widgets(client, coordinator, profile):
    url = reverse("admin:matching_mobilityprofile_change", args=[profile.pk])
    page = client.get(url).content.decode()
    assert '["studies", "volunteering"]' not in page and "[&quot;studies" not in page
    assert 'type="checkbox" name="wish_domains" value="studies"' in page
    assert 'name="wish_countries" value="DE" id="pays-DE" checked' in page
    assert 'name="langues-0-level"' in page
    response = client.post(url, _post(profile, wish_domains=["internship"],
                                       **{"langues-1-language": "en", "langues-1-level": "C1"}))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.wish_domains == ["internship"]
    assert profile.languages == [{"language": "es", "level": "B2"},
                                 {"language": "en", "level": "C1"}]
    latest = profile.history.first()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Modifié par la coordination (administration)"
    assert StaffAccessLog.objects.filter(subject_id=profile.user_id).count() == 2


def test_bad_input_is_explained_and_nothing_saved(client, coordinator, profile):
    url = reverse("admin:matching_mobilityprofile_change", args=[profile.pk])
    response = client.post(url, _post(profile, **{"langues-0-level": ""}))
    assert response.status_code == 400
    assert "Indiquez le niveau atteint dans cette langue." in response.content.decode()
    profile.refresh_from_db()
    assert profile.languages == [{"language": "es", "level": "B2"}]
