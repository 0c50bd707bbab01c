"""Shared by the back-office tests (tests/backoffice, tests/bookings/test_agenda.py): a small
world: two advisors of structure X (Bordeaux), one
of structure Y, a young person with a confirmed appointment with X, the clock frozen on a
Thursday morning in Paris."""

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    CoordinatorFactory,
    YouthFactory,
)
from tests.mfa_support import login_with_mfa

PARIS = ZoneInfo("Europe/Paris")


def paris(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


# Thursday 19 March 2026, 10:30 in Paris.
NOW = paris(2026, 3, 19, 10, 30)


class World:
    def __init__(self):
        self.advisor = BookableAdvisorFactory(user__first_name="Claire",
                                              user__last_name="Conseil")
        self.structure = self.advisor.structure
        self.colleague = BookableAdvisorFactory(structure=self.structure,
                                                user__first_name="Bastien",
                                                user__last_name="Collègue")
        self.other = BookableAdvisorFactory(user__first_name="Olga", user__last_name="Ailleurs")
        self.youth = YouthFactory(email="lina.jeune@exemple.fr", first_name="Lina")
        # Today at 9:00: started, attendance to record.
        self.appointment = AppointmentFactory(
            advisor=self.advisor, youth=self.youth, first_name="Lina", last_name="Jeune",
            starts_at=paris(2026, 3, 19, 9), age_at_interview=21,
            project="Un stage en Allemagne dans l'hôtellerie", mode="in_person",
            place="1 place de la Mairie, 33000 Bordeaux")
        self.coordinator = CoordinatorFactory(with_totp=True)


#: Log a coordinator in as allauth does after the TOTP step (tests/mfa_support.py).
login_coordinator_with_mfa = login_with_mfa


def withdrawn_advisor(structure):
    return AdvisorFactory(structure=structure, withdrawn_on=dt.date(2025, 1, 1),
                          designated_on=dt.date(2024, 1, 1))
