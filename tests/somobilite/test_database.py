"""PostgreSQL connections with server-side binding (somobilite/settings/base.py): a statement a
connection runs often is prepared once on that connection and answers as before, across
rollbacks and reconnections."""

import pytest
from django.db import connection, transaction

from accounts.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _prepared_on_server() -> list[str]:
    """The statements prepared on this connection, as PostgreSQL lists them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def _user_lookup(email: str) -> list[int]:
    return list(User.objects.filter(email=email).values_list("pk", flat=True))


def test_a_statement_run_often_is_prepared_once_and_answers_as_before():
    first, second = UserFactory(email="une@exemple.fr"), UserFactory(email="deux@exemple.fr")
    answers = [_user_lookup(email) for email in ["une@exemple.fr", "deux@exemple.fr"] * 4]
    assert answers == [[first.pk], [second.pk]] * 4
    prepared = [s for s in _prepared_on_server() if '"accounts_user"."email" = $1' in s]
    assert len(prepared) == 1  # one plan for every address, not one per value
    assert _user_lookup("personne@exemple.fr") == []
    assert _user_lookup("une@exemple.fr") == [first.pk]


def test_a_rollback_or_a_new_connection_drops_the_prepared_statements_and_queries_still_work():
    user = UserFactory(email="une@exemple.fr")
    for _ in range(6):
        assert _user_lookup("une@exemple.fr") == [user.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        UserFactory(email="annulee@exemple.fr")
        raise RuntimeError("rolled back")
    # psycopg saw the ROLLBACK and deallocates every statement before the next one.
    assert _user_lookup("annulee@exemple.fr") == []
    assert _user_lookup("une@exemple.fr") == [user.pk]
    assert not any('"accounts_user"."email" = $1' in s for s in _prepared_on_server())
    for _ in range(6):
        _user_lookup("une@exemple.fr")
    connection.close()  # what a health check does after a PostgreSQL restart
    assert _prepared_on_server() == []
    for _ in range(6):
        assert _user_lookup("une@exemple.fr") == [user.pk]

