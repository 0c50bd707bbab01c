from datetime import date

import pytest

from advisors.conventions import ConventionState, convention_status
from advisors.models import Structure, StructureStatus
from advisors.services import (
    NetworkError,
    advisor_withdraw,
    convention_record_formal_notice,
    convention_record_formal_notice_answer,
    convention_record_termination_letter,
    structure_change_status,
    structure_register,
)
from tests.factories import AdvisorFactory, ConventionFactory, CoordinatorFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


class TestStructureStatus:
    def test_full_path_keeps_each_date(self, coordinator):
        structure = StructureFactory(status=StructureStatus.CANDIDATE)
        steps = [
            (StructureStatus.ACCEPTED, date(2024, 1, 10)),
            (StructureStatus.ACTIVE, date(2024, 3, 21)),
            (StructureStatus.ENDED, date(2026, 12, 31)),
        ]
        for status, on in steps:
            structure_change_status(structure=structure, status=status, on=on, note="",
                                    by=coordinator)
        structure.refresh_from_db()
        assert structure.status == StructureStatus.ENDED
        assert [(c.status, c.changed_on) for c in structure.status_changes.all()] == steps
        latest = structure.history.first()
        assert latest.history_user == coordinator
        assert latest.history_change_reason == "Statut : Sortie du réseau le 31/12/2026"

    def test_ended_from_candidate(self, coordinator):
        structure = StructureFactory(status=StructureStatus.CANDIDATE)
        structure_change_status(structure=structure, status=StructureStatus.ENDED,
                                on=date(2024, 2, 1), note="Candidature retirée", by=coordinator)
        structure.refresh_from_db()
        assert structure.status == StructureStatus.ENDED

    @pytest.mark.parametrize(
        ("current", "target", "message"),
        [
            (StructureStatus.ACTIVE, StructureStatus.ACCEPTED, "l'étape suivante est « Sortie"),
            (StructureStatus.CANDIDATE, StructureStatus.ACTIVE, "l'étape suivante est « Acceptée"),
            (StructureStatus.ACTIVE, StructureStatus.ACTIVE, "déjà le statut"),
            (StructureStatus.ENDED, StructureStatus.ACTIVE, "sortie du réseau"),
        ],
    )
    def test_refused_moves(self, coordinator, current, target, message):
        structure = StructureFactory(status=current)
        with pytest.raises(NetworkError, match=message):
            structure_change_status(structure=structure, status=target, on=date(2024, 2, 1),
                                    note="", by=coordinator)
        structure.refresh_from_db()
        assert structure.status == current
        assert not structure.status_changes.exists()

    def test_date_before_last_change_refused(self, coordinator):
        structure = StructureFactory(status=StructureStatus.CANDIDATE)
        structure_change_status(structure=structure, status=StructureStatus.ACCEPTED,
                                on=date(2024, 2, 1), note="", by=coordinator)
        with pytest.raises(NetworkError, match="01/02/2024"):
            structure_change_status(structure=structure, status=StructureStatus.ACTIVE,
                                    on=date(2024, 1, 31), note="", by=coordinator)


class TestTerminationLetter:
    def test_recorded_with_history(self, coordinator):
        convention = ConventionFactory()
        convention_record_termination_letter(convention=convention, received_on=date(2026, 10, 31),
                                             by=coordinator)
        convention.refresh_from_db()
        assert convention.termination_letter_received_on == date(2026, 10, 31)
        status = convention_status(convention, on=date(2026, 11, 2), programme_end=None)
        assert status.state == ConventionState.NOTICE_RUNNING
        assert status.end_date == date(2026, 12, 31)
        history = convention.history.first()
        assert history.history_user == coordinator
        assert history.history_change_reason == "Courrier de résiliation reçu le 31/10/2026"

    def test_later_requested_end(self, coordinator):
        convention = ConventionFactory()
        convention_record_termination_letter(convention=convention, received_on=date(2026, 10, 31),
                                             requested_end_on=date(2027, 6, 30), by=coordinator)
        convention.refresh_from_db()
        assert convention.termination_requested_end_on == date(2027, 6, 30)

    def test_requested_end_shorter_than_notice_refused(self, coordinator):
        convention = ConventionFactory()
        with pytest.raises(NetworkError, match="avant le 31/12/2026"):
            convention_record_termination_letter(
                convention=convention, received_on=date(2026, 10, 31),
                requested_end_on=date(2026, 12, 30), by=coordinator)

    def test_letter_before_signature_refused(self, coordinator):
        convention = ConventionFactory(signed_on=date(2024, 3, 1))
        with pytest.raises(NetworkError, match="précède la signature"):
            convention_record_termination_letter(convention=convention,
                                                 received_on=date(2024, 2, 28), by=coordinator)

    def test_unsigned_convention_refused(self, coordinator):
        convention = ConventionFactory(signed_on=None, services_start_on=None)
        with pytest.raises(NetworkError, match="n'est pas signée"):
            convention_record_termination_letter(convention=convention,
                                                 received_on=date(2024, 2, 28), by=coordinator)

    def test_second_letter_refused(self, coordinator):
        convention = ConventionFactory(termination_letter_received_on=date(2025, 1, 5))
        with pytest.raises(NetworkError, match="déjà enregistré"):
            convention_record_termination_letter(convention=convention,
                                                 received_on=date(2025, 2, 5), by=coordinator)

    def test_letter_after_the_end_refused(self, coordinator):
        convention = ConventionFactory(formal_notice_received_on=date(2025, 1, 5))
        with pytest.raises(NetworkError, match="n'est plus en vigueur le 10/02/2025"):
            convention_record_termination_letter(convention=convention,
                                                 received_on=date(2025, 2, 10), by=coordinator)


class TestFormalNotice:
    def test_notice_then_answer_on_day_30(self, coordinator):
        convention = ConventionFactory()
        convention_record_formal_notice(convention=convention, received_on=date(2026, 3, 2),
                                        by=coordinator)
        convention_record_formal_notice_answer(convention=convention,
                                               answered_on=date(2026, 4, 1), by=coordinator)
        convention.refresh_from_db()
        status = convention_status(convention, on=date(2026, 5, 1), programme_end=None)
        assert status.state == ConventionState.IN_FORCE
        assert [h.history_change_reason for h in convention.history.all()[:2]] == [
            "Réponse à la mise en demeure le 01/04/2026",
            "Mise en demeure reçue le 02/03/2026",
        ]

    def test_late_answer_is_recorded_but_does_not_save(self, coordinator):
        convention = ConventionFactory(formal_notice_received_on=date(2026, 3, 2))
        convention_record_formal_notice_answer(convention=convention,
                                               answered_on=date(2026, 4, 2), by=coordinator)
        convention.refresh_from_db()
        status = convention_status(convention, on=date(2026, 4, 2), programme_end=None)
        assert status.state == ConventionState.ENDED

    def test_notice_before_signature_refused(self, coordinator):
        convention = ConventionFactory()
        with pytest.raises(NetworkError, match="précède la signature"):
            convention_record_formal_notice(convention=convention, received_on=date(2024, 1, 2),
                                            by=coordinator)

    def test_second_notice_refused(self, coordinator):
        convention = ConventionFactory(formal_notice_received_on=date(2026, 3, 2),
                                       formal_notice_answered_on=date(2026, 3, 5))
        with pytest.raises(NetworkError, match="déjà enregistrée"):
            convention_record_formal_notice(convention=convention, received_on=date(2026, 6, 2),
                                            by=coordinator)

    def test_answer_without_notice_refused(self, coordinator):
        convention = ConventionFactory()
        with pytest.raises(NetworkError, match="Aucune mise en demeure"):
            convention_record_formal_notice_answer(convention=convention,
                                                   answered_on=date(2026, 4, 2), by=coordinator)

    def test_answer_before_notice_refused(self, coordinator):
        convention = ConventionFactory(formal_notice_received_on=date(2026, 3, 2))
        with pytest.raises(NetworkError, match="ne peut pas précéder"):
            convention_record_formal_notice_answer(convention=convention,
                                                   answered_on=date(2026, 3, 1), by=coordinator)

    def test_second_answer_refused(self, coordinator):
        convention = ConventionFactory(formal_notice_received_on=date(2026, 3, 2),
                                       formal_notice_answered_on=date(2026, 3, 5))
        with pytest.raises(NetworkError, match="déjà enregistrée"):
            convention_record_formal_notice_answer(convention=convention,
                                                   answered_on=date(2026, 3, 6), by=coordinator)


class TestAdvisorWithdraw:
    def test_withdrawal_keeps_the_row(self, coordinator):
        advisor = AdvisorFactory(designated_on=date(2024, 3, 1))
        advisor_withdraw(advisor=advisor, on=date(2025, 9, 1), reason=" Départ ", by=coordinator)
        advisor.refresh_from_db()
        assert (advisor.withdrawn_on, advisor.withdrawal_reason) == (date(2025, 9, 1), "Départ")
        assert advisor.history.first().history_user == coordinator

    def test_before_designation_refused(self, coordinator):
        advisor = AdvisorFactory(designated_on=date(2024, 3, 1))
        with pytest.raises(NetworkError, match="précéder la désignation"):
            advisor_withdraw(advisor=advisor, on=date(2024, 2, 1), reason="", by=coordinator)

    def test_twice_refused(self, coordinator):
        advisor = AdvisorFactory(withdrawn_on=date(2025, 1, 1))
        with pytest.raises(NetworkError, match="déjà retiré"):
            advisor_withdraw(advisor=advisor, on=date(2025, 2, 1), reason="", by=coordinator)


def test_structure_register_starts_as_candidate(coordinator):
    unsaved = StructureFactory.build(status=StructureStatus.ACTIVE)
    structure = structure_register(structure=unsaved, on=date(2024, 1, 3), by=coordinator)
    structure = Structure.objects.get(pk=structure.pk)
    assert structure.status == StructureStatus.CANDIDATE
    change = structure.status_changes.get()
    assert (change.status, change.changed_on, change.recorded_by) == (
        StructureStatus.CANDIDATE, date(2024, 1, 3), coordinator)
