"""Writes on the partner network. Each service owns its transaction and raises ``NetworkError``
with a message a coordinator can read; django-simple-history records who changed what."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from somobilite.history import history_stamp

from .conventions import (
    convention_date_errors,
    convention_overlap_message,
    convention_overlapping,
    convention_status,
    convention_watch,
    fmt,
    termination_last_day,
)
from .models import (
    Advisor,
    Convention,
    ConventionEvent,
    Structure,
    StructureStatus,
    StructureStatusChange,
)

STATUS_ORDER = [
    StructureStatus.CANDIDATE,
    StructureStatus.ACCEPTED,
    StructureStatus.ACTIVE,
    StructureStatus.ENDED,
]


class NetworkError(Exception):
    """A network rule forbids this change; the message is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _audit(instance: models.Model, *, by: User | None, reason: str) -> None:
    history_stamp(instance, by=by, reason=reason)


def structure_register(*, structure: Structure, on: date, by: User | None) -> Structure:
    """Save a new structure as a candidate and date that first step."""
    with transaction.atomic():
        structure.status = StructureStatus.CANDIDATE
        _audit(structure, by=by, reason=f"Candidature enregistrée le {fmt(on)}")
        structure.save()
        StructureStatusChange.objects.create(
            structure=structure, status=StructureStatus.CANDIDATE, changed_on=on,
            note=_("Fiche créée"), recorded_by=by,
        )
    return structure


def structure_change_status(
    *, structure: Structure, status: str, on: date, note: str = "", by: User | None
) -> StructureStatusChange:
    """Move a structure one step along candidate → accepted → active → ended (ended is possible
    from any state) and keep the date of the step."""
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        current = StructureStatus(structure.status)
        target = StructureStatus(status)
        if target == current:
            raise NetworkError(
                _("La structure a déjà le statut « %(status)s ».") % {"status": target.label}
            )
        if current == StructureStatus.ENDED:
            raise NetworkError(_("La structure est sortie du réseau : son statut ne change plus."))
        next_step = STATUS_ORDER[STATUS_ORDER.index(current) + 1]
        if target not in (next_step, StructureStatus.ENDED):
            raise NetworkError(
                _(
                    "Passage de « %(current)s » à « %(target)s » impossible : l'étape suivante "
                    "est « %(next)s » (ou la sortie du réseau)."
                )
                % {"current": current.label, "target": target.label, "next": next_step.label}
            )
        last = structure.status_changes.order_by("-changed_on").first()
        if last and on < last.changed_on:
            raise NetworkError(
                _("La date doit être postérieure au dernier changement de statut (%(date)s).")
                % {"date": fmt(last.changed_on)}
            )
        change = StructureStatusChange.objects.create(
            structure=structure, status=target, changed_on=on, note=note, recorded_by=by
        )
        structure.status = target
        _audit(structure, by=by, reason=f"Statut : {target.label} le {fmt(on)}")
        structure.save(update_fields=["status", "updated_at"])
    return change


#: The PostgreSQL exclusion constraint of migration 0007 (one convention at a time).
ONE_CONVENTION_CONSTRAINT = "convention_one_in_force_per_structure"


def _refuse_overlap(convention: Convention) -> None:
    """Raise ``NetworkError`` naming the structure's other convention whose span overlaps the
    one ``convention`` would have with its current (unsaved) facts. The caller holds the
    structure's row lock, so two writers for one structure take turns."""
    others = (Convention.objects.filter(structure_id=convention.structure_id,
                                        signed_on__isnull=False)
              .exclude(pk=convention.pk).order_by("-signed_on", "pk"))
    other = convention_overlapping(convention, others)
    if other is not None:
        raise NetworkError(convention_overlap_message(other))


def _save_one_at_a_time(convention: Convention, *, update_fields: list[str] | None = None
                        ) -> None:
    """Save, turning the PostgreSQL exclusion constraint's refusal (a concurrent write that
    passed ``_refuse_overlap``) into the same French ``NetworkError``."""
    try:
        with transaction.atomic():
            convention.save(update_fields=update_fields)
    except IntegrityError as error:
        if ONE_CONVENTION_CONSTRAINT not in str(error):
            raise
        raise NetworkError(_(
            "Une autre convention de cette structure vient d'être enregistrée pour la même "
            "période : une structure n'a qu'une convention à la fois. Rechargez la page pour "
            "la voir.")) from error


def convention_save(*, convention: Convention, today: date, by: User | None) -> Convention:
    """Save a convention typed by a coordinator (new or changed), under the rules of its dates
    (``conventions.convention_date_errors``, ``today`` a Paris date) and of one convention at
    a time per structure (``conventions.convention_overlapping``; on PostgreSQL also the
    exclusion constraint ``convention_one_in_force_per_structure``). The structure's row is
    locked, so two coordinators cannot both add one. Raises ``NetworkError`` (French, naming
    the other convention) and saves nothing then. Source: SPEC §2, tester t9b F13."""
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=convention.structure_id)
        errors = convention_date_errors(convention, today=today)
        if errors:
            raise NetworkError(" ".join(errors.values()))
        _refuse_overlap(convention)
        _audit(convention, by=by,
               reason="Convention ajoutée" if convention.pk is None else "Convention modifiée")
        _save_one_at_a_time(convention)
    return convention


def _lock_signed_convention(convention: Convention, received_on: date, what: str) -> Convention:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.signed_on is None:
        raise NetworkError(
            _("La convention n'est pas signée : impossible d'enregistrer %(what)s.")
            % {"what": what}
        )
    if received_on < convention.signed_on:
        raise NetworkError(
            _("La date de réception (%(received)s) précède la signature de la convention "
              "(%(signed)s).")
            % {"received": fmt(received_on), "signed": fmt(convention.signed_on)}
        )
    status = convention_status(convention, on=received_on)
    if not status.in_force:
        raise NetworkError(
            _("La convention n'est plus en vigueur le %(date)s : %(reason)s.")
            % {"date": fmt(received_on), "reason": status.reason}
        )
    return convention


def convention_record_termination_letter(
    *,
    convention: Convention,
    received_on: date,
    requested_end_on: date | None = None,
    by: User | None,
) -> Convention:
    """The partner's registered letter: the convention ends two months after its receipt at the
    earliest, or on the later date it asks for."""
    with transaction.atomic():
        convention = _lock_signed_convention(
            convention, received_on, _("un courrier de résiliation")
        )
        if convention.termination_letter_received_on:
            raise NetworkError(
                _("Un courrier de résiliation est déjà enregistré (reçu le %(date)s).")
                % {"date": fmt(convention.termination_letter_received_on)}
            )
        minimum = termination_last_day(received_on)
        if requested_end_on and requested_end_on < minimum:
            raise NetworkError(
                _("Le préavis est de deux mois au moins : la fin ne peut pas être avant le "
                  "%(date)s.")
                % {"date": fmt(minimum)}
            )
        convention.termination_letter_received_on = received_on
        convention.termination_requested_end_on = requested_end_on
        _audit(convention, by=by, reason=f"Courrier de résiliation reçu le {fmt(received_on)}")
        convention.save(update_fields=[
            "termination_letter_received_on", "termination_requested_end_on", "updated_at"
        ])
    return convention


def convention_record_formal_notice(
    *, convention: Convention, received_on: date, by: User | None
) -> Convention:
    """The CRIJ's formal notice, dated by its receipt by the structure."""
    with transaction.atomic():
        convention = _lock_signed_convention(convention, received_on, _("une mise en demeure"))
        if convention.formal_notice_received_on:
            raise NetworkError(
                _("Une mise en demeure est déjà enregistrée (reçue le %(date)s).")
                % {"date": fmt(convention.formal_notice_received_on)}
            )
        convention.formal_notice_received_on = received_on
        _audit(convention, by=by, reason=f"Mise en demeure reçue le {fmt(received_on)}")
        convention.save(update_fields=["formal_notice_received_on", "updated_at"])
    return convention


def convention_record_formal_notice_answer(
    *, convention: Convention, answered_on: date, by: User | None
) -> Convention:
    """Record the structure's answer. A late answer is recorded too; it does not save the
    convention (the state says so). An answer in time lifts the automatic end, so it is
    refused (``NetworkError`` naming it) when the structure signed another convention for the
    days the first one would now run (one at a time, tester t9b F13)."""
    with transaction.atomic():
        # The structure first (as ``convention_save``): the answer may lengthen the span.
        Structure.objects.select_for_update().get(pk=convention.structure_id)
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        received_on = convention.formal_notice_received_on
        if received_on is None:
            raise NetworkError(_("Aucune mise en demeure n'est enregistrée pour cette convention."))
        if convention.formal_notice_answered_on:
            raise NetworkError(
                _("La réponse à la mise en demeure est déjà enregistrée (le %(date)s).")
                % {"date": fmt(convention.formal_notice_answered_on)}
            )
        if answered_on < received_on:
            raise NetworkError(
                _("La réponse (%(answered)s) ne peut pas précéder la réception de la mise en "
                  "demeure (%(received)s).")
                % {"answered": fmt(answered_on), "received": fmt(received_on)}
            )
        convention.formal_notice_answered_on = answered_on
        # An answer in time lifts the automatic end: the convention runs on, which must not
        # overlap a convention the structure signed since.
        _refuse_overlap(convention)
        _audit(convention, by=by, reason=f"Réponse à la mise en demeure le {fmt(answered_on)}")
        _save_one_at_a_time(convention,
                            update_fields=["formal_notice_answered_on", "updated_at"])
    return convention


def advisor_withdraw(*, advisor: Advisor, on: date, reason: str, by: User | None) -> Advisor:
    """Record that the structure withdrew this advisor; the designation row is kept."""
    with transaction.atomic():
        advisor = Advisor.objects.select_for_update().get(pk=advisor.pk)
        if advisor.withdrawn_on:
            raise NetworkError(
                _("Ce·tte conseiller·ère est déjà retiré·e depuis le %(date)s.")
                % {"date": fmt(advisor.withdrawn_on)}
            )
        if on < advisor.designated_on:
            raise NetworkError(
                _("Le retrait ne peut pas précéder la désignation (%(date)s).")
                % {"date": fmt(advisor.designated_on)}
            )
        advisor.withdrawn_on = on
        advisor.withdrawal_reason = reason.strip()
        _audit(advisor, by=by, reason=f"Retrait le {fmt(on)}")
        advisor.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    return advisor



def convention_events_record(*, today: date, now: datetime) -> list[ConventionEvent]:
    """Apply the convention rules on ``today`` (a Paris date) to every signed convention and
    write what the watch reports (``conventions.convention_watch``) as ``ConventionEvent``
    rows stamped ``now``. Returns only the rows written by this call, in effective-date order.

    Idempotent by the database: a fact already recorded (same convention, kind and effective
    date) is skipped, also when another run writes it at the same moment (the unique
    constraint refuses the second insert). Call it inside the transaction that also queues the
    email, so the email and the rows go together.
    """
    recorded: list[ConventionEvent] = []
    conventions = (Convention.objects.filter(signed_on__isnull=False)
                   .select_related("structure").order_by("structure__public_name", "pk"))
    known = set(ConventionEvent.objects.filter(effective_on__gte=date(today.year - 1, 1, 1))
                .values_list("convention_id", "kind", "effective_on"))
    for convention in conventions:
        for item in convention_watch(convention, today=today):
            if (convention.pk, item.kind, item.effective_on) in known:
                continue
            try:
                with transaction.atomic():
                    event = ConventionEvent.objects.create(
                        convention=convention, kind=item.kind, effective_on=item.effective_on,
                        reason=item.reason, recorded_at=now)
            except IntegrityError:
                continue  # Recorded meanwhile by another run.
            recorded.append(event)
    return sorted(recorded, key=lambda event: (event.effective_on, event.pk))
