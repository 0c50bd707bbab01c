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
    assert Appointment.objects.filter(starts_at__gt=timezone.now()).count() == 12
    assert Appointment.objects.filter(starts_at__lt=timezone.now()).count() > 10
    demo.seed(out)
    assert counts == (RecurringAvailability.objects.count(), Absence.objects.count(),
                      Appointment.objects.count())
    rows = weekly_compliance(start_week=timezone.localdate(), weeks=1, now=timezone.now())
    below = {r.structure_name for r in rows if r.below_minimum}
    assert any("Agen" in name for name in below)
