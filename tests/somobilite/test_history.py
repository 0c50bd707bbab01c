"""somobilite/history.py: the stamp of the next history row, and simple-history's manager
class built once (issue 17) with the same behaviour."""

import datetime as dt

import pytest
import time_machine

from advisors.models import Structure
from somobilite.history import history_stamp
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_the_history_manager_class_is_built_once_and_reads_as_before():
    with time_machine.travel(AT - dt.timedelta(hours=1), tick=False):
        structure = StructureFactory(public_name="Info Jeunes Avant")
    editor = UserFactory()
    history_stamp(structure, by=editor, reason="Nouveau nom", at=AT)
    structure.public_name = "Info Jeunes Après"
    structure.save()
    first, second = structure.history, structure.history
    assert first is not second and type(first) is type(second)
    assert type(Structure.history) is type(first)
    assert first.instance == structure and Structure.history.instance is None
    # The manager still reads this structure's rows only, newest first, with the stamp.
    with time_machine.travel(AT - dt.timedelta(hours=1), tick=False):
        StructureFactory()
    assert structure.history.count() == 2
    latest = structure.history.first()
    assert (latest.public_name, latest.history_user, latest.history_change_reason,
            latest.history_date) == ("Info Jeunes Après", editor, "Nouveau nom", AT)
    assert structure.history.most_recent().public_name == "Info Jeunes Après"
    assert structure.history.as_of(AT - dt.timedelta(seconds=1)).public_name == \
        "Info Jeunes Avant"
    assert Structure.history.count() == 3
