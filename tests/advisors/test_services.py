from datetime import date

import pytest
from django.db import IntegrityError, transaction

from advisors import services
from advisors.conventions import ConventionState, convention_status
from advisors.models import Convention, Structure, StructureStatus
from advisors.services import (
    ONE_CONVENTION_CONSTRAINT,
    NetworkError,
    advisor_withdraw,
    convention_record_formal_notice,
    convention_record_formal_notice_answer,
    convention_record_termination_letter,
    convention_save,
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


class TestConventionSave:
    """Tester t9b F13: every convention a coordinator saves keeps to its date rules and to one
    convention at a time per structure; a refusal names the other one and writes nothing."""

    TODAY = date(2026, 12, 1)

    def _new(self, structure, **dates):
        return Convention(structure=structure, crij_signatory_name="A", crij_signatory_title="B",
                          partner_signatory_name="C", partner_signatory_title="D", **dates)

    def test_a_first_convention_is_saved_with_its_history(self, coordinator):
        structure = StructureFactory()
        convention = convention_save(
            convention=self._new(structure, signed_on=date(2026, 11, 2),
                                 services_start_on=date(2026, 12, 14)),
            today=self.TODAY, by=coordinator)
        assert convention.pk
        assert convention.history.first().history_user == coordinator

    @pytest.mark.parametrize(("dates", "message"), [
        ({"signed_on": date(2026, 12, 1), "services_start_on": date(2026, 1, 1)},
         "avant la signature"),
        ({"signed_on": date(2026, 12, 2), "services_start_on": None}, "dans le futur"),
    ])
    def test_dates_out_of_order_are_refused(self, coordinator, dates, message):
        with pytest.raises(NetworkError, match=message):
            convention_save(convention=self._new(StructureFactory(), **dates),
                            today=self.TODAY, by=coordinator)
        assert not Convention.objects.exists()

    def test_a_second_convention_in_force_is_refused_naming_the_first(self, coordinator):
        first = ConventionFactory()
        with pytest.raises(NetworkError, match="signée le 01/03/2024, toujours en vigueur"):
            convention_save(convention=self._new(first.structure, signed_on=date(2026, 12, 1)),
                            today=self.TODAY, by=coordinator)
        assert Convention.objects.count() == 1

    def test_an_older_signature_overlapping_is_refused_too(self, coordinator):
        first = ConventionFactory(signed_on=date(2026, 6, 1), services_start_on=None)
        with pytest.raises(NetworkError, match="01/06/2026"):
            convention_save(convention=self._new(first.structure, signed_on=date(2025, 1, 1)),
                            today=self.TODAY, by=coordinator)

    def test_a_new_convention_after_the_end_of_the_previous_one_is_saved(self, coordinator):
        first = ConventionFactory(termination_letter_received_on=date(2026, 2, 10))
        with pytest.raises(NetworkError, match="signée après le 10/04/2026"):
            convention_save(convention=self._new(first.structure, signed_on=date(2026, 4, 10)),
                            today=self.TODAY, by=coordinator)
        convention_save(convention=self._new(first.structure, signed_on=date(2026, 4, 11)),
                        today=self.TODAY, by=coordinator)
        assert Convention.objects.filter(structure=first.structure).count() == 2

    def test_drafts_are_not_in_force_and_do_not_count(self, coordinator):
        first = ConventionFactory()
        convention_save(convention=self._new(first.structure), today=self.TODAY, by=coordinator)
        convention_save(convention=self._new(first.structure), today=self.TODAY, by=coordinator)
        assert Convention.objects.filter(structure=first.structure).count() == 3

    def test_other_structures_do_not_count(self, coordinator):
        ConventionFactory()
        convention_save(convention=self._new(StructureFactory(), signed_on=date(2026, 1, 5)),
                        today=self.TODAY, by=coordinator)
        assert Convention.objects.count() == 2

    def test_changing_the_convention_itself_is_not_an_overlap(self, coordinator):
        convention = ConventionFactory()
        convention.services_start_on = date(2024, 4, 1)
        convention_save(convention=convention, today=self.TODAY, by=coordinator)
        convention.refresh_from_db()
        assert convention.services_start_on == date(2024, 4, 1)

    def test_an_answer_in_time_that_would_overlap_the_next_convention_is_refused(
            self, coordinator):
        old = ConventionFactory(formal_notice_received_on=date(2025, 5, 2))
        ConventionFactory(structure=old.structure, signed_on=date(2025, 9, 1),
                          services_start_on=date(2025, 9, 1))
        with pytest.raises(NetworkError, match="signée le 01/09/2025"):
            convention_record_formal_notice_answer(convention=old, answered_on=date(2025, 5, 20),
                                                   by=coordinator)
        old.refresh_from_db()
        assert old.formal_notice_answered_on is None
        # A late answer does not lengthen the span: recorded.
        convention_record_formal_notice_answer(convention=old, answered_on=date(2025, 6, 15),
                                               by=coordinator)


@pytest.mark.postgres_only
class TestOneConventionAtATimeInTheDatabase:
    """Tester t9b F13: on PostgreSQL the exclusion constraint has the last word, whatever path
    writes (a shell, a concurrent save that passed the check)."""

    def test_the_database_refuses_two_conventions_in_force(self):
        first = ConventionFactory()
        with pytest.raises(IntegrityError, match=ONE_CONVENTION_CONSTRAINT), \
                transaction.atomic():
            ConventionFactory(structure=first.structure, signed_on=date(2030, 1, 1),
                              services_start_on=None)

    def test_the_database_follows_the_same_spans(self):
        first = ConventionFactory(termination_letter_received_on=date(2025, 12, 31),
                                  termination_requested_end_on=date(2026, 3, 15))
        with pytest.raises(IntegrityError), transaction.atomic():
            ConventionFactory(structure=first.structure, signed_on=date(2026, 3, 15),
                              services_start_on=None)
        ConventionFactory(structure=first.structure, signed_on=date(2026, 3, 16),
                          services_start_on=None)
        notice = ConventionFactory(formal_notice_received_on=date(2025, 5, 2))
        with pytest.raises(IntegrityError), transaction.atomic():
            ConventionFactory(structure=notice.structure, signed_on=date(2025, 6, 1),
                              services_start_on=None)
        ConventionFactory(structure=notice.structure, signed_on=date(2025, 6, 2),
                          services_start_on=None)
        ConventionFactory(structure=notice.structure, signed_on=None, services_start_on=None)

    def test_a_write_that_passed_the_check_gets_the_french_message(self, coordinator,
                                                                   monkeypatch):
        first = ConventionFactory()
        monkeypatch.setattr(services, "_refuse_overlap", lambda convention: None)
        second = Convention(structure=first.structure, signed_on=date(2026, 11, 1),
                            crij_signatory_name="A", crij_signatory_title="B",
                            partner_signatory_name="C", partner_signatory_title="D")
        with pytest.raises(NetworkError, match="qu'une convention à la fois"):
            convention_save(convention=second, today=date(2026, 12, 1), by=coordinator)
        assert Convention.objects.count() == 1
