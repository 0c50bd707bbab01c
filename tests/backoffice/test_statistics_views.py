"""The structure's statistics page, its SVG charts and its CSV export."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.models import AppointmentStatus
from tests.factories import AppointmentFactory
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:statistics")
CSV = reverse("backoffice:statistics_csv")
MARCH = "?du=2026-03-01&au=2026-03-31"


@pytest.fixture
def figures(world):
    """World: Lina's interview today at 9:00 (confirmed, to record) with X. Added: one held
    and one no-show in March for X, one no-show for Y (another structure)."""
    AppointmentFactory(advisor=world.advisor, starts_at=paris(2026, 3, 2, 9), mode="in_person",
                       status=AppointmentStatus.DONE, domains=["studies", "job"])
    AppointmentFactory(advisor=world.colleague, starts_at=paris(2026, 3, 3, 9), mode="video",
                       status=AppointmentStatus.NO_SHOW, domains=["job"])
    AppointmentFactory(advisor=world.other, starts_at=paris(2026, 3, 4, 9),
                       status=AppointmentStatus.NO_SHOW, domains=["au_pair"])
    return world


def test_page_shows_the_structures_figures_for_the_period(client, figures,
                                                          django_assert_max_num_queries):
    client.force_login(figures.advisor.user)
    with django_assert_max_num_queries(12):
        response = client.get(PAGE + MARCH)
    page = response.content.decode()
    assert response.status_code == 200
    assert "du 1er mars 2026 au 31 mars 2026" in page
    # Held 1, no-show 1 → 50 %; Lina's interview of today is still to record.
    assert "50,0 %" in page
    assert "Présence à renseigner" in page
    assert "Emploi" in page and "Au pair" not in page  # Y's figures stay Y's
    assert f'src="{reverse("backoffice:statistics_chart", args=["entretiens"])}' in page
    assert "style=" not in page  # the CSP forbids inline styles


def test_query_count_does_not_grow_with_the_interviews(client, figures,
                                                       django_assert_num_queries):
    client.force_login(figures.advisor.user)
    client.get(PAGE + MARCH)  # warm the session
    with django_assert_num_queries(8) as first:  # session, user, advisor + 5 figures
        client.get(PAGE + MARCH)
    for day in range(5, 15):
        AppointmentFactory(advisor=figures.advisor, starts_at=paris(2026, 3, day, 9),
                           status=AppointmentStatus.DONE, domains=["studies", "exchange"])
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(PAGE + MARCH)


def test_default_period_is_this_year_and_a_wrong_period_is_explained(client, figures):
    client.force_login(figures.advisor.user)
    page = client.get(PAGE).content.decode()
    assert "du 1er janvier 2026 au 19 mars 2026" in page
    response = client.get(PAGE + "?du=2026-03-31&au=2026-03-01")
    page = response.content.decode()
    assert response.status_code == 200
    assert "La fin de la période est avant son début." in page
    assert "voici les chiffres depuis le 1er janvier" in page
    page = client.get(PAGE + "?du=2026-13-45&au=0001-01-01").content.decode()
    assert "Saisissez une date valide." in page
    assert "Choisissez une date entre 2000 et 2099." in page


def test_charts_are_svg_files(client, figures):
    client.force_login(figures.advisor.user)
    for chart in ("entretiens", "domaines"):
        response = client.get(reverse("backoffice:statistics_chart", args=[chart]) + MARCH)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<?xml")
        assert b"<svg" in response.content and b"<script" not in response.content
    empty = client.get(reverse("backoffice:statistics_chart", args=["entretiens"])
                       + "?du=2025-01-01&au=2025-01-31")
    assert empty.status_code == 200
    unknown = client.get(reverse("backoffice:statistics_chart", args=["camembert"]) + MARCH)
    assert unknown.status_code == 404
    bad = client.get(reverse("backoffice:statistics_chart", args=["entretiens"]) + "?du=x")
    assert bad.status_code == 400 and "Période invalide" in bad.content.decode()


def test_csv_export_has_the_same_figures(client, figures):
    client.force_login(figures.advisor.user)
    response = client.get(CSV + MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="statistiques-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffstructure;du;au;rubrique;")
    lines = text.splitlines()
    structure = figures.structure.public_name
    assert (f"{structure};2026-03-01;2026-03-31;présence;taux d'absence;"
            "absences / (réalisés + absences);0,5000") in lines
    assert f"{structure};2026-03-01;2026-03-31;domaines demandés;emploi;job;2" in lines
    assert "au_pair" not in text
    assert client.get(CSV + "?du=2026-03-01").status_code == 400


def test_only_advisors_see_their_structures_statistics(client, figures):
    client.force_login(figures.youth)
    assert client.get(PAGE).status_code == 403
    client.force_login(figures.coordinator)
    assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(CSV + MARCH).status_code == 302
    client.force_login(figures.other.user)
    text = client.get(CSV + MARCH).content.decode()
    assert "au_pair" in text and ";emploi;" not in text


def test_numbers_are_those_of_the_statistics_module(client, figures):
    from bookings.statistics import Filters, structure_statistics

    expected = structure_statistics(Filters(start=dt.date(2026, 3, 1),
                                            end=dt.date(2026, 3, 31),
                                            structure_ids=(figures.structure.pk,)),
                                    now=paris(2026, 3, 19, 10, 30))
    client.force_login(figures.advisor.user)
    context = client.get(PAGE + MARCH).context
    assert context["figures"] == expected


def test_rates_are_rounded_not_truncated():
    from backoffice.statistics_views import _percent

    assert (_percent(2 / 3), _percent(0.25), _percent(None)) == ("66,7 %", "25,0 %", "—")
