"""What the questionnaire holds about a person (see ``privacy.registry``): their answers, by
interview. Erasure keeps the scales without identity (``services.evaluations_anonymise``)."""

import datetime as dt

from django.utils.timezone import localtime

from bookings.models import Appointment
from privacy.registry import register

from .models import Evaluation
from .services import evaluations_anonymise


def export(user) -> list[dict]:
    rows = (Evaluation.objects.filter(appointment__youth=user)
            .select_related("appointment__structure", "programme")
            .order_by("appointment__starts_at"))
    return [{
        "interview": localtime(row.appointment.starts_at).isoformat(),
        "structure": row.appointment.structure.public_name,
        "invited_at": localtime(row.invited_at).isoformat(),
        "answered_at": localtime(row.answered_at).isoformat() if row.answered_at else None,
        "satisfaction": row.satisfaction,
        "usefulness": row.get_usefulness_display() if row.usefulness else "",
        "intends_to_go": row.get_intends_to_go_display() if row.intends_to_go else "",
        "departure_period": (row.get_departure_period_display()
                             if row.departure_period else ""),
        "programme": row.programme.title if row.programme else row.programme_other,
        "comment": row.comment,
    } for row in rows]


def erase(user, *, now: dt.datetime) -> None:
    evaluations_anonymise(appointment_ids=Appointment.objects.filter(youth=user).values("id"))


# Before the bookings provider (order 100), which anonymises the appointments themselves.
register("evaluations", export=export, erase=erase, order=95)
