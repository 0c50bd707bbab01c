import io

import pytest
import time_machine
from django.utils import timezone

from advisors import demo as advisors_demo
from bookings import demo
from bookings.compliance import weekly_compliance
from bookings.models import Absence, Appointment, RecurringAvailability

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-03-18 11:00 +0100", tick=False)
def test_seed_is_idempotent_and_shows_a_structure_below_the_minimum():
    out = io.StringIO()
    demo.seed(out)
    assert "rien à ajouter" in out.getvalue()  # no demo advisors yet: skipped gracefully

    advisors_demo.seed(io.StringIO())
    demo.seed(out)
    counts = (RecurringAvailability.objects.count(), Absence.objects.count(),
              Appointment.objects.count())
    assert counts[0] > 10 and counts[1] == 2
    taken_from_free_slots = Appointment.objects.exclude(
        youth__email__startswith=f"jeune{demo.PLAYABLE_DAY_FIRST_NUMBER // 10}")
    assert taken_from_free_slots.filter(starts_at__gt=timezone.now()).count() == 12
    assert Appointment.objects.filter(starts_at__lt=timezone.now()).count() > 10
    demo.seed(out)
    assert counts == (RecurringAvailability.objects.count(), Absence.objects.count(),
                      Appointment.objects.count())
    rows = weekly_compliance(start_week=timezone.localdate(), weeks=1, now=timezone.now())
    below = {r.structure_name for r in rows if r.below_minimum}
    assert any("Agen" in name for name in below)


@time_machine.travel("2026-03-18 11:20 +0100", tick=False)
def test_the_demo_advisor_has_a_day_to_play_relative_to_now():
    """Tester t-adv 14: Camille had nothing today, tomorrow, nor to fill in."""
    import datetime as dt

    from bookings.agenda import appointments_to_fill_in

    advisors_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    camille = advisors_demo.ADVISOR_EMAIL
    mine = Appointment.objects.filter(advisor__user__email=camille)
    now = timezone.now()
    local = [timezone.localtime(a.starts_at) for a in mine.order_by("starts_at")]
    assert {(t.date(), t.hour) for t in local} >= {
        (dt.date(2026, 3, 18), 9), (dt.date(2026, 3, 18), 13), (dt.date(2026, 3, 19), 10)}
    to_fill = appointments_to_fill_in(advisor_ids=[mine.first().advisor_id], now=now)
    assert [timezone.localtime(a.starts_at).hour for a in to_fill
            if a.starts_at.date() == now.date()] == [9]
    assert all(a.age_at_interview for a in Appointment.objects.all())  # demo ages are known
    count = mine.count()
    demo.seed(io.StringIO())
    assert mine.count() == count  # the same day: nothing added


@time_machine.travel("2026-03-18 11:00 +0100", tick=False)
def test_every_demo_appointment_has_the_home_departement_of_its_postal_code():
    """Tester t9b F6: the demo's appointments had a postal code and no département, so the
    « département du domicile » tables were all « non renseigné »."""
    from advisors.validators import departement_of_postal_code

    advisors_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    appointments = list(Appointment.objects.all())
    assert appointments
    assert all(a.postal_code and a.departement == departement_of_postal_code(a.postal_code)
               for a in appointments)
    assert len({a.departement for a in appointments}) > 1


@time_machine.travel("2026-03-18 11:00 +0100", tick=False)
def test_a_demo_young_person_has_one_birth_date_in_every_booking_and_profile():
    """Tester t9c #3: Rayan's bookings said 1997 and 2001; the profile kept the older one and
    the interview screen called it « corrigée »."""
    from matching.models import MobilityProfile

    advisors_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    by_youth: dict[int, set] = {}
    for youth_id, birth_date in Appointment.objects.values_list("youth_id", "birth_date"):
        by_youth.setdefault(youth_id, set()).add(birth_date)
    assert any(Appointment.objects.filter(youth_id=y).count() > 1 for y in by_youth)
    assert all(len(dates) == 1 for dates in by_youth.values())
    for profile in MobilityProfile.objects.filter(user_id__in=by_youth):
        assert {profile.birth_date} == by_youth[profile.user_id]
