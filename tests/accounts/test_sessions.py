"""The session store (accounts/sessions.py): Django's database sessions, one statement per
write, the same behaviour."""

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts import sessions
from accounts.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_session_is_one_insert(django_assert_num_queries):
    store = SessionStore()
    store["chosen"] = "créneau"
    with django_assert_num_queries(1) as captured:
        store.save()
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert SessionStore(store.session_key)["chosen"] == "créneau"


def test_a_change_is_one_update(django_assert_num_queries):
    store = SessionStore()
    store["step"] = 1
    store.save()
    store["step"] = 2
    with django_assert_num_queries(1) as captured:
        store.save()
    assert captured.captured_queries[0]["sql"].startswith("UPDATE")
    assert SessionStore(store.session_key)["step"] == 2


def test_cycle_key_deletes_the_old_row_and_the_next_save_inserts_the_new_one(
        django_assert_num_queries):
    store = SessionStore()
    store["kept"] = "oui"
    store.save()
    old_key = store.session_key
    with django_assert_num_queries(1) as captured:
        store.cycle_key()
    assert captured.captured_queries[0]["sql"].startswith("DELETE")
    assert not Session.objects.filter(session_key=old_key).exists()
    assert store.session_key is None and store.modified and not store.is_empty()
    store["logged_in"] = "oui"
    with django_assert_num_queries(1) as captured:
        store.save()
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert store.session_key not in (None, old_key)
    assert SessionStore(store.session_key).load() == {"kept": "oui", "logged_in": "oui"}


def test_deleting_a_session_already_gone_is_quiet():
    store = SessionStore()
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()
    store.delete()
    store.delete("absent0000000000000000000000000")
    assert not Session.objects.exists()


def test_a_taken_key_is_drawn_again(monkeypatch):
    """The key is not looked up first: the insert refuses a taken key and another is drawn."""
    taken = SessionStore()
    taken["owner"] = "quelqu'un d'autre"
    taken.save()
    keys = iter([taken.session_key, "fresh" + "0" * 27])
    monkeypatch.setattr(sessions, "get_random_string", lambda length, chars: next(keys))
    store = SessionStore()
    store["owner"] = "moi"
    store.save()
    assert store.session_key == "fresh" + "0" * 27
    assert SessionStore(taken.session_key)["owner"] == "quelqu'un d'autre"
    assert SessionStore(store.session_key)["owner"] == "moi"


def test_inside_a_transaction_a_collision_leaves_it_usable(monkeypatch):
    taken = SessionStore()
    taken.save()
    keys = iter([taken.session_key, "other" + "0" * 27])
    monkeypatch.setattr(sessions, "get_random_string", lambda length, chars: next(keys))
    with transaction.atomic():
        store = SessionStore()
        store.save()
        assert Session.objects.filter(session_key="other" + "0" * 27).exists()
    assert Session.objects.count() == 2


def test_must_create_on_a_taken_key_raises_create_error():
    taken = SessionStore()
    taken.save()
    store = SessionStore(taken.session_key)
    with pytest.raises(CreateError):
        store.save(must_create=True)


def test_saving_a_session_deleted_meanwhile_raises_update_error():
    """A logout in another tab removed the row: Django's middleware turns this into its
    « session interrupted » answer, as with Django's own store."""
    store = SessionStore()
    store["step"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()
    store["step"] = 2
    with pytest.raises(UpdateError):
        store.save()


def test_logging_in_and_out_through_the_site_keeps_working():
    user = UserFactory(password="mot-de-passe-solide-42")
    client = Client()
    client.get(reverse("account_login"))
    before_login = client.session.session_key
    assert Session.objects.filter(session_key=before_login).exists()
    response = client.post(reverse("account_login"),
                           {"login": user.email, "password": "mot-de-passe-solide-42"})
    assert response.status_code == 302
    first_key = client.session.session_key
    assert first_key != before_login  # a new key at login (session fixation)
    assert not Session.objects.filter(session_key=before_login).exists()
    assert Session.objects.filter(session_key=first_key).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=first_key).exists()
    assert "_auth_user_id" not in client.session


def _stored(**data):
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


@pytest.mark.parametrize("case", ["live", "expired", "unknown", "tampered"])
def test_a_session_reads_as_django_s_own_store_reads_it(case):
    """Our hand-written read against Django's database store, on the same rows: the same
    data, and the key dropped in the same cases."""
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.utils import timezone

    key = _stored(chosen="créneau", step=2)
    if case == "expired":
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - timezone.timedelta(seconds=1))
    elif case == "unknown":
        key = "k" * 32
    elif case == "tampered":
        Session.objects.filter(session_key=key).update(session_data="pas-signé:xyz")
    ours, django_s = SessionStore(key), DjangoStore(key)
    assert ours.load() == django_s.load()
    assert ours.session_key == django_s.session_key
    if case == "live":
        assert ours.load() == {"chosen": "créneau", "step": 2}
    if case in ("live", "tampered"):  # data that does not verify reads as {}, key kept
        assert ours.session_key == key
    else:
        assert ours.session_key is None


def test_reading_a_session_is_one_statement_by_key_and_expiry(django_assert_num_queries):
    key = _stored(chosen="créneau")
    with django_assert_num_queries(1) as captured:
        assert SessionStore(key)["chosen"] == "créneau"
    sql = captured.captured_queries[0]["sql"]
    assert sql.startswith("SELECT") and "session_key" in sql and "expire_date" in sql


def test_a_logged_in_visitor_is_recognised_through_the_read(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("youth:space"))
    assert response.wsgi_request.user == user
