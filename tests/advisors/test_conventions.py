"""Each rule of the convention (articles 5, 6 and 10) on its own, with the calendar edges.

``convention_status`` is pure, so these tests use unsaved conventions.
"""

from datetime import date

import pytest
from django.test import override_settings

from advisors.conventions import (
    ConventionState,
    convention_date_errors,
    convention_last_day_by_facts,
    convention_overlap_message,
    convention_overlapping,
    convention_services_open,
    convention_span,
    convention_status,
    convention_watch,
)
from advisors.models import Convention


def make(**kwargs) -> Convention:
    defaults = {"signed_on": date(2024, 3, 1), "services_start_on": date(2024, 3, 21)}
    return Convention(**{**defaults, **kwargs})


def status(convention: Convention, on: date, programme_end: date | None = None):
    return convention_status(convention, on=on, programme_end=programme_end)


class TestSignatureAndServicesStart:
    def test_unsigned_convention_is_not_in_force(self):
        result = status(make(signed_on=None, services_start_on=None), date(2024, 5, 1))
        assert result.state == ConventionState.NOT_SIGNED
        assert not result.in_force
        assert not result.services_open
        assert result.end_date is None
        assert result.reason == "Convention pas encore signée"

    def test_day_before_signature_is_not_signed_yet(self):
        result = status(make(), date(2024, 2, 29))
        assert result.state == ConventionState.NOT_SIGNED
        assert not result.in_force
        assert "01/03/2024" in result.reason

    def test_signature_day_is_in_force_but_services_not_started(self):
        result = status(make(), date(2024, 3, 1))
        assert result.state == ConventionState.SIGNED_NOT_STARTED
        assert result.in_force
        assert not result.services_open
        assert result.reason == "Signée le 01/03/2024 ; début des services le 21/03/2024"

    def test_between_signature_and_services_start(self):
        result = status(make(), date(2024, 3, 20))
        assert result.state == ConventionState.SIGNED_NOT_STARTED
        assert result.in_force and not result.services_open

    def test_services_start_day_opens_services(self):
        result = status(make(), date(2024, 3, 21))
        assert result.state == ConventionState.IN_FORCE
        assert result.services_open

    def test_signed_without_services_start_date(self):
        result = status(make(services_start_on=None), date(2024, 6, 1))
        assert result.state == ConventionState.SIGNED_NOT_STARTED
        assert "non fixée" in result.reason


class TestCalendarYearAndTacitRenewal:
    def test_first_period_runs_from_signature_to_31_december(self):
        result = status(make(), date(2024, 7, 14))
        assert (result.period_start, result.period_end) == (date(2024, 3, 1), date(2024, 12, 31))
        assert result.end_date is None
        assert "reconduction tacite le 01/01/2025" in result.reason

    def test_31_december_is_still_the_first_period(self):
        result = status(make(), date(2024, 12, 31))
        assert result.in_force
        assert result.period_end == date(2024, 12, 31)

    def test_renewed_on_1_january_without_any_action(self):
        result = status(make(), date(2025, 1, 1))
        assert result.state == ConventionState.IN_FORCE
        assert (result.period_start, result.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
        assert "période en cours du 01/01/2025 au 31/12/2025" in result.reason

    def test_renewed_years_later(self):
        result = status(make(), date(2031, 6, 1))
        assert result.in_force and result.services_open
        assert result.period_start == date(2031, 1, 1)


class TestTerminationByThePartner:
    def test_letter_received_31_october_ends_after_31_december(self):
        convention = make(termination_letter_received_on=date(2026, 10, 31))
        running = status(convention, date(2026, 11, 15))
        assert running.state == ConventionState.NOTICE_RUNNING
        assert running.in_force and running.services_open
        assert running.end_date == date(2026, 12, 31)
        assert running.reason == (
            "Résiliée par la structure : courrier reçu le 31/10/2026, fin après préavis de deux "
            "mois le 31/12/2026"
        )
        assert status(convention, date(2026, 12, 31)).in_force
        ended = status(convention, date(2027, 1, 1))
        assert ended.state == ConventionState.ENDED
        assert not ended.in_force and not ended.services_open
        assert ended.end_date == date(2026, 12, 31)
        assert "31/10/2026" in ended.reason and "31/12/2026" in ended.reason

    def test_letter_received_31_december_ends_on_last_day_of_february(self):
        convention = make(termination_letter_received_on=date(2026, 12, 31))
        assert status(convention, date(2027, 1, 15)).end_date == date(2027, 2, 28)
        convention = make(termination_letter_received_on=date(2027, 12, 31))
        assert status(convention, date(2028, 1, 15)).end_date == date(2028, 2, 29)  # leap year

    def test_letter_received_29_february_ends_29_april(self):
        convention = make(termination_letter_received_on=date(2028, 2, 29))
        assert status(convention, date(2028, 3, 1)).end_date == date(2028, 4, 29)
        assert status(convention, date(2028, 4, 29)).in_force
        assert status(convention, date(2028, 4, 30)).state == ConventionState.ENDED

    def test_later_requested_end_date_is_kept(self):
        convention = make(
            termination_letter_received_on=date(2026, 10, 31),
            termination_requested_end_on=date(2027, 3, 31),
        )
        result = status(convention, date(2027, 1, 10))
        assert result.state == ConventionState.NOTICE_RUNNING
        assert result.end_date == date(2027, 3, 31)
        assert "31/03/2027" in result.reason and "31/12/2026" in result.reason

    def test_requested_end_shorter_than_notice_is_extended_to_two_months(self):
        convention = make(
            termination_letter_received_on=date(2026, 10, 31),
            termination_requested_end_on=date(2026, 11, 30),
        )
        assert status(convention, date(2026, 11, 1)).end_date == date(2026, 12, 31)

    def test_letter_not_yet_received_on_the_day_is_ignored(self):
        convention = make(termination_letter_received_on=date(2026, 10, 31))
        assert status(convention, date(2026, 10, 30)).state == ConventionState.IN_FORCE

    def test_renewal_period_is_cut_by_the_end(self):
        convention = make(termination_letter_received_on=date(2026, 12, 31))
        result = status(convention, date(2027, 1, 1))
        assert (result.period_start, result.period_end) == (date(2027, 1, 1), date(2027, 2, 28))


class TestFormalNotice:
    def test_unanswered_formal_notice_ends_it_30_days_after_receipt(self):
        convention = make(formal_notice_received_on=date(2026, 3, 2))
        pending = status(convention, date(2026, 3, 10))
        assert pending.state == ConventionState.FORMAL_NOTICE_PENDING
        assert pending.in_force and pending.services_open
        assert pending.end_date == date(2026, 4, 1)
        assert "02/03/2026" in pending.reason and "01/04/2026" in pending.reason
        assert status(convention, date(2026, 4, 1)).in_force
        ended = status(convention, date(2026, 4, 2))
        assert ended.state == ConventionState.ENDED
        assert ended.end_date == date(2026, 4, 1)
        assert "sans réponse" in ended.reason

    def test_answer_on_day_30_saves_the_convention(self):
        convention = make(
            formal_notice_received_on=date(2026, 3, 2), formal_notice_answered_on=date(2026, 4, 1)
        )
        result = status(convention, date(2026, 4, 2))
        assert result.state == ConventionState.IN_FORCE
        assert result.end_date is None

    def test_answer_on_day_31_is_too_late(self):
        convention = make(
            formal_notice_received_on=date(2026, 3, 2), formal_notice_answered_on=date(2026, 4, 2)
        )
        result = status(convention, date(2026, 4, 2))
        assert result.state == ConventionState.ENDED
        assert result.end_date == date(2026, 4, 1)
        assert "trop tardive le 02/04/2026" in result.reason

    def test_still_pending_before_the_answer_is_dated(self):
        convention = make(
            formal_notice_received_on=date(2026, 3, 2), formal_notice_answered_on=date(2026, 3, 20)
        )
        assert status(convention, date(2026, 3, 19)).state == ConventionState.FORMAL_NOTICE_PENDING
        assert status(convention, date(2026, 3, 20)).state == ConventionState.IN_FORCE

    def test_formal_notice_across_new_year(self):
        convention = make(formal_notice_received_on=date(2026, 12, 15))
        result = status(convention, date(2027, 1, 1))
        assert result.state == ConventionState.FORMAL_NOTICE_PENDING
        assert result.end_date == date(2027, 1, 14)
        assert result.period_end == date(2027, 1, 14)


class TestGeneralEndOfProgramme:
    def test_general_end_is_the_last_day_in_force(self):
        convention = make()
        before = status(convention, date(2027, 6, 30), programme_end=date(2027, 6, 30))
        assert before.state == ConventionState.IN_FORCE
        assert before.end_date == date(2027, 6, 30)
        assert "Fin générale du dispositif So Mobilité le 30/06/2027" in before.reason
        after = status(convention, date(2027, 7, 1), programme_end=date(2027, 6, 30))
        assert after.state == ConventionState.ENDED
        assert "Fin générale" in after.reason

    def test_general_end_read_from_settings_by_default(self):
        convention = make()
        with override_settings(PROGRAMME_GENERAL_END_DATE=date(2027, 6, 30)):
            assert convention_status(convention, on=date(2027, 7, 1)).state == ConventionState.ENDED
        with override_settings(PROGRAMME_GENERAL_END_DATE=None):
            assert convention_status(convention, on=date(2027, 7, 1)).in_force

    def test_general_end_before_services_start_is_mentioned(self):
        result = status(make(), date(2024, 3, 5), programme_end=date(2024, 12, 31))
        assert result.state == ConventionState.SIGNED_NOT_STARTED
        assert "Fin générale" in result.reason


class TestEarliestEndWins:
    @pytest.mark.parametrize(
        ("programme_end", "expected_end", "expected_words"),
        [
            (date(2026, 11, 30), date(2026, 11, 30), "Fin générale"),
            (date(2027, 6, 30), date(2026, 12, 31), "Résiliée par la structure"),
        ],
    )
    def test_notice_against_general_end(self, programme_end, expected_end, expected_words):
        convention = make(termination_letter_received_on=date(2026, 10, 31))
        result = status(convention, date(2027, 1, 5), programme_end=programme_end)
        assert result.state == ConventionState.ENDED
        assert result.end_date == expected_end
        assert expected_words in result.reason

    def test_formal_notice_before_partner_notice(self):
        convention = make(
            termination_letter_received_on=date(2026, 10, 1),
            formal_notice_received_on=date(2026, 10, 20),
        )
        running = status(convention, date(2026, 10, 25))
        assert running.state == ConventionState.FORMAL_NOTICE_PENDING
        assert running.end_date == date(2026, 11, 19)
        ended = status(convention, date(2026, 11, 20))
        assert ended.state == ConventionState.ENDED
        assert "Mise en demeure" in ended.reason

    def test_partner_notice_before_formal_notice(self):
        convention = make(
            termination_letter_received_on=date(2026, 9, 1),
            formal_notice_received_on=date(2026, 10, 20),
        )
        result = status(convention, date(2026, 10, 25))
        assert result.state == ConventionState.NOTICE_RUNNING
        assert result.end_date == date(2026, 11, 1)


class TestServicesOpenFastPath:
    """``convention_services_open`` (no reason built) agrees with ``convention_status`` on every
    day around every kind of end."""

    CONVENTIONS = [
        make(signed_on=None, services_start_on=None),
        make(),
        make(services_start_on=None),
        make(services_start_on=date(2025, 2, 1)),
        make(termination_letter_received_on=date(2024, 10, 31)),
        make(termination_letter_received_on=date(2024, 10, 31),
             termination_requested_end_on=date(2025, 3, 15)),
        make(formal_notice_received_on=date(2024, 11, 2)),
        make(formal_notice_received_on=date(2024, 11, 2),
             formal_notice_answered_on=date(2024, 11, 20)),
        make(formal_notice_received_on=date(2024, 11, 2),
             formal_notice_answered_on=date(2024, 12, 20)),
        make(services_start_on=date(2024, 12, 1),
             termination_letter_received_on=date(2024, 11, 15)),
    ]

    @pytest.mark.parametrize("programme_end", [None, date(2024, 12, 10)])
    @pytest.mark.parametrize("convention", CONVENTIONS)
    def test_same_answer_every_day(self, convention, programme_end):
        day = date(2024, 2, 20)
        while day <= date(2025, 4, 30):
            expected = convention_status(convention, on=day,
                                         programme_end=programme_end).services_open
            assert convention_services_open(
                convention, on=day, programme_end=programme_end) is expected, day
            day = day.fromordinal(day.toordinal() + 1)

    def test_reads_the_programme_end_setting(self):
        convention = make()
        with override_settings(PROGRAMME_GENERAL_END_DATE=date(2024, 6, 30)):
            assert convention_services_open(convention, on=date(2024, 6, 30))
            assert not convention_services_open(convention, on=date(2024, 7, 1))


class TestCalendarEdges:
    """Tester t9b F9: ``date(on.year + 1, 1, 1)`` raised in year 9999. Whatever date reaches
    the rules, they answer (stopping at the calendar's ends) instead of raising."""

    @pytest.mark.parametrize("on", [date(9999, 12, 31), date(9999, 1, 1), date(1, 1, 1)])
    def test_status_on_any_day(self, on):
        convention = make(signed_on=date(1, 1, 1), services_start_on=date(1, 1, 1))
        result = status(convention, on)
        assert result.state == ConventionState.IN_FORCE
        assert result.period_end == date(on.year, 12, 31)

    def test_renewal_in_year_9999_is_not_computed_past_the_calendar(self):
        result = status(make(), date(9999, 6, 1))
        assert "reconduction tacite le 31/12/9999" in result.reason

    @pytest.mark.parametrize("received", [date(9999, 12, 15), date(9999, 12, 31)])
    def test_notice_and_formal_notice_ending_after_year_9999(self, received):
        letter = make(termination_letter_received_on=received)
        assert status(letter, date(9999, 12, 31)).state == ConventionState.NOTICE_RUNNING
        assert status(letter, date(9999, 12, 31)).end_date == date.max
        notice = make(formal_notice_received_on=received)
        assert status(notice, date(9999, 12, 31)).end_date == date.max
        assert convention_services_open(notice, on=date(9999, 12, 31), programme_end=None)

    @pytest.mark.parametrize("today", [date(1, 1, 3), date(9999, 12, 31)])
    def test_watch_on_any_day(self, today):
        convention = make(signed_on=date(1, 1, 1), services_start_on=date(1, 1, 1),
                          termination_letter_received_on=date(1, 1, 1))
        assert convention_watch(convention, today=today, programme_end=None) is not None


class TestLabelsAroundTheSignature:
    """Tester t9b F13: a convention is labelled for what it is on the day asked."""

    def test_signed_not_started_says_from_when(self):
        result = status(make(), date(2024, 3, 5))
        assert result.label == "Signée, services à partir du 21/03/2024"

    def test_signed_without_a_services_day_says_it_is_not_fixed(self):
        assert status(make(services_start_on=None), date(2024, 6, 1)).label == (
            "Signée, début des services non fixé")

    @pytest.mark.parametrize(("on", "label"), [
        (date(2024, 3, 21), "En vigueur"),
        (date(2024, 2, 29), "Non signée"),
    ])
    def test_other_states_keep_their_name(self, on, label):
        assert status(make(), on).label == label

    def test_before_the_signature_it_was_not_signed_yet_and_says_when_it_is(self):
        result = status(make(), date(2024, 2, 29))
        assert result.reason == "Pas encore signée le 29/02/2024 (signature le 01/03/2024)"


class TestDateRules:
    """Tester t9b F13: SPEC §2, articles 5 and 6."""

    TODAY = date(2026, 12, 1)

    def test_consistent_dates_pass(self):
        assert convention_date_errors(make(), today=self.TODAY) == {}
        assert convention_date_errors(
            make(signed_on=self.TODAY, services_start_on=self.TODAY), today=self.TODAY) == {}
        assert convention_date_errors(make(signed_on=None, services_start_on=None),
                                      today=self.TODAY) == {}

    @pytest.mark.parametrize("signed_on", [date(2026, 12, 2), date(2027, 6, 1),
                                           date(2099, 12, 31)])
    def test_a_signature_in_the_future_is_refused(self, signed_on):
        errors = convention_date_errors(make(signed_on=signed_on, services_start_on=None),
                                        today=self.TODAY)
        assert list(errors) == ["signed_on"]
        assert "dans le futur" in errors["signed_on"]

    @pytest.mark.parametrize(("signed_on", "start"), [
        (date(2026, 12, 1), date(2026, 1, 1)),
        (date(2026, 12, 1), date(2026, 11, 30)),
        (date(2024, 3, 1), date(2000, 1, 1)),
    ])
    def test_services_before_the_signature_are_refused(self, signed_on, start):
        errors = convention_date_errors(make(signed_on=signed_on, services_start_on=start),
                                        today=self.TODAY)
        assert list(errors) == ["services_start_on"]
        assert f"({start:%d/%m/%Y}) avant la signature" in errors["services_start_on"]

    def test_an_implausible_year_is_left_to_its_own_message(self):
        errors = convention_date_errors(make(signed_on=date(9999, 1, 1)), today=self.TODAY)
        assert errors == {}


class TestOneConventionAtATime:
    """Tester t9b F13: the span of each convention, from its signature to the last day its
    recorded facts allow, and whether two of one structure share a day."""

    def test_without_an_end_the_span_is_open(self):
        assert convention_span(make()) == (date(2024, 3, 1), None)
        assert convention_span(make(signed_on=None, services_start_on=None)) is None

    @pytest.mark.parametrize(("facts", "last_day"), [
        ({"termination_letter_received_on": date(2025, 10, 31)}, date(2025, 12, 31)),
        ({"termination_letter_received_on": date(2025, 12, 31)}, date(2026, 2, 28)),
        ({"termination_letter_received_on": date(2025, 10, 31),
          "termination_requested_end_on": date(2026, 6, 30)}, date(2026, 6, 30)),
        ({"formal_notice_received_on": date(2025, 5, 2)}, date(2025, 6, 1)),
        ({"formal_notice_received_on": date(2025, 5, 2),
          "formal_notice_answered_on": date(2025, 6, 15)}, date(2025, 6, 1)),
        ({"formal_notice_received_on": date(2025, 5, 2),
          "formal_notice_answered_on": date(2025, 5, 20)}, None),
        ({"termination_letter_received_on": date(2025, 10, 31),
          "formal_notice_received_on": date(2025, 9, 1)}, date(2025, 10, 1)),
    ])
    def test_the_last_day_follows_the_recorded_facts(self, facts, last_day):
        assert convention_last_day_by_facts(make(**facts)) == last_day

    @pytest.mark.parametrize(("other", "overlaps"), [
        (make(signed_on=date(2025, 1, 10), services_start_on=None), True),
        (make(signed_on=date(2020, 1, 10), services_start_on=None), True),
        (make(signed_on=date(2020, 1, 10), services_start_on=None,
              termination_letter_received_on=date(2023, 12, 1)), False),
        (make(signed_on=date(2020, 1, 10), services_start_on=None,
              termination_letter_received_on=date(2024, 1, 1)), True),
        (make(signed_on=date(2020, 1, 10), services_start_on=None,
              termination_letter_received_on=date(2023, 12, 31)), False),
        (make(signed_on=None, services_start_on=None), False),
    ])
    def test_spans_that_share_a_day_overlap(self, other, overlaps):
        convention = make()
        convention.pk, other.pk = 1, 2
        assert (convention_overlapping(convention, [other]) is other) is overlaps
        assert (convention_overlapping(other, [convention]) is convention) is overlaps

    def test_a_convention_does_not_overlap_itself(self):
        convention = make()
        convention.pk = 1
        assert convention_overlapping(convention, [convention]) is None

    def test_the_message_names_the_other_convention(self):
        open_ended = make()
        assert "signée le 01/03/2024, toujours en vigueur" in convention_overlap_message(
            open_ended)
        ended = make(termination_letter_received_on=date(2025, 10, 31))
        message = convention_overlap_message(ended)
        assert "signée le 01/03/2024, en vigueur jusqu'au 31/12/2025" in message
        assert "signée après le 31/12/2025" in message
