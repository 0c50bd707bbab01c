from datetime import date

import pytest

from advisors.models import StructureStatus, TrainingKind
from advisors.selectors import (
    advisor_is_bookable,
    advisor_is_trained,
    bookable_advisors,
    convention_current_for_structure,
    structure_has_convention_in_force,
    structure_services_open,
)
from tests.factories import (
    AdvisorFactory,
    ConventionFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 5, 12)


def trained_advisor(**kwargs):
    advisor = AdvisorFactory(**kwargs)
    TrainingAttendanceFactory(user=advisor.user, session__date=date(2024, 3, 10))
    return advisor


@pytest.fixture
def open_structure():
    structure = StructureFactory()
    ConventionFactory(structure=structure)  # signed 01/03/2024, services from 21/03/2024
    return structure


class TestCurrentConvention:
    def test_latest_signed_on_the_day_wins(self):
        structure = StructureFactory()
        old = ConventionFactory(structure=structure, signed_on=date(2022, 1, 10),
                                services_start_on=date(2022, 2, 1),
                                termination_letter_received_on=date(2024, 8, 1))
        new = ConventionFactory(structure=structure, signed_on=date(2025, 1, 10),
                                services_start_on=date(2025, 2, 1))
        assert convention_current_for_structure(structure, date(2024, 6, 1)) == old
        assert convention_current_for_structure(structure, date(2025, 6, 1)) == new

    def test_unsigned_convention_when_nothing_is_signed(self):
        structure = StructureFactory()
        draft = ConventionFactory(structure=structure, signed_on=None, services_start_on=None)
        assert convention_current_for_structure(structure, DAY) == draft
        assert not structure_has_convention_in_force(structure, DAY)

    def test_no_convention(self):
        structure = StructureFactory()
        assert convention_current_for_structure(structure, DAY) is None
        assert not structure_services_open(structure, DAY)

    def test_in_force_and_services_open(self, open_structure):
        assert structure_has_convention_in_force(open_structure, date(2024, 3, 5))
        assert not structure_services_open(open_structure, date(2024, 3, 5))
        assert structure_services_open(open_structure, date(2024, 3, 21))


class TestTraining:
    def test_attended_initial_training_makes_trained(self):
        advisor = AdvisorFactory()
        TrainingAttendanceFactory(user=advisor.user, session__date=date(2024, 3, 10))
        assert advisor_is_trained(advisor)
        assert advisor_is_trained(advisor.user, date(2024, 3, 10))
        assert not advisor_is_trained(advisor, date(2024, 3, 9))

    def test_registered_but_absent_is_not_trained(self):
        advisor = AdvisorFactory()
        TrainingAttendanceFactory(user=advisor.user, attended=False)
        assert not advisor_is_trained(advisor)

    def test_network_event_is_not_initial_training(self):
        advisor = AdvisorFactory()
        session = TrainingSessionFactory(kind=TrainingKind.NETWORK_EVENT)
        TrainingAttendanceFactory(user=advisor.user, session=session)
        assert not advisor_is_trained(advisor)


class TestBookability:
    def test_trained_current_advisor_of_open_structure(self, open_structure):
        advisor = trained_advisor(structure=open_structure)
        assert advisor_is_bookable(advisor, DAY)
        assert list(bookable_advisors(DAY)) == [advisor]

    @pytest.mark.parametrize(
        ("change", "day"),
        [
            ("untrained", DAY),
            ("withdrawn", DAY),
            ("withdrawn", date(2025, 5, 11)),
            ("not_yet_designated", DAY),
            ("inactive_user", DAY),
            ("structure_ended", DAY),
            ("services_not_started", date(2024, 3, 15)),
            ("convention_ended", DAY),
        ],
    )
    def test_each_condition_is_required(self, open_structure, change, day):
        advisor = trained_advisor(structure=open_structure)
        if change == "untrained":
            advisor.user.training_attendances.update(attended=False)
        elif change == "withdrawn":
            advisor.withdrawn_on = date(2025, 5, 12)
            advisor.save()
            if day < advisor.withdrawn_on:  # still designated the day before the withdrawal
                assert advisor_is_bookable(advisor, day)
                assert list(bookable_advisors(day)) == [advisor]
                return
        elif change == "not_yet_designated":
            advisor.designated_on = date(2025, 5, 13)
            advisor.save()
        elif change == "inactive_user":
            advisor.user.is_active = False
            advisor.user.save()
        elif change == "structure_ended":
            open_structure.status = StructureStatus.ENDED
            open_structure.save()
        elif change == "services_not_started":
            pass  # services start on 21/03/2024
        elif change == "convention_ended":
            open_structure.conventions.update(termination_letter_received_on=date(2025, 1, 10))
        advisor.refresh_from_db()
        assert not advisor_is_bookable(advisor, day)
        assert list(bookable_advisors(day)) == []

    def test_training_after_the_day_does_not_count(self, open_structure):
        advisor = AdvisorFactory(structure=open_structure)
        TrainingAttendanceFactory(user=advisor.user, session__date=date(2025, 6, 1))
        assert not advisor_is_bookable(advisor, DAY)
        assert advisor_is_bookable(advisor, date(2025, 6, 1))
        assert list(bookable_advisors(DAY)) == []

    def test_bookable_advisors_query_count_does_not_grow(
        self, django_assert_num_queries
    ):
        for _ in range(5):
            structure = StructureFactory()
            ConventionFactory(structure=structure)
            trained_advisor(structure=structure)
            AdvisorFactory(structure=structure)  # untrained
        with django_assert_num_queries(3):  # structures, their conventions, advisors
            advisors = list(bookable_advisors(DAY))
            assert {a.structure.public_name for a in advisors}  # select_related: no query
            assert {a.user.email for a in advisors}
        assert len(advisors) == 5
