"""Availability, absences, appointments, outgoing notifications and the waiting list.

Rules live in ``slots/`` (what is free) and ``services.py`` (writes). The database has the
last word on double booking:

- on every database, ``appointment_one_active_per_advisor_start`` (a partial unique index on
  advisor + start for active appointments) is declared in ``Meta``;
- on PostgreSQL the migration also adds ``appointment_no_overlap``, an exclusion constraint over
  ``(advisor, tstzrange(starts_at, ends_at))`` for active appointments, and two exclusion
  constraints refusing overlapping availability of one advisor. They are raw SQL applied only on
  PostgreSQL (see migration 0001) and are kept out of ``Meta`` on purpose: Django would otherwise
  emit PostgreSQL-only SQL on SQLite and run PostgreSQL lookups during ``full_clean``.

"Active" for the database means pending (a hold while the email code is typed) or confirmed;
holds past ``hold_expires_at`` are released by the services and by a periodic task.
"""

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from advisors.models import Advisor, Structure
from advisors.validators import DEPARTEMENT_CHOICES, departement_of_postal_code
from outbox.models import OutboxRow
from vocabulary.codes import Status
from vocabulary.dates import validate_birth_date_today
from vocabulary.phones import FrenchPhoneNumberField as PhoneNumberField


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("sur place")
    VIDEO = "video", _("en visio")
    PHONE = "phone", _("par téléphone")


REMOTE_MODES = frozenset({Mode.VIDEO, Mode.PHONE})


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    CONFIRMED = "confirmed", _("Confirmé")
    # Never confirmed, whatever ended it: the hold ran out, another hold of the same person
    # replaced it, or someone released it (``cancelled_at`` and ``cancel_reason`` then say who).
    EXPIRED = "expired", _("Non confirmé (réservation libérée)")
    CANCELLED_BY_YOUTH = "cancelled_by_youth", _("Annulé par le ou la jeune")
    CANCELLED_BY_STRUCTURE = "cancelled_by_structure", _("Annulé par la structure")
    DONE = "done", _("Entretien réalisé")
    NO_SHOW = "no_show", _("Absence du ou de la jeune")
    LATE_CANCELLED = "late_cancelled", _("Annulé au dernier moment par le ou la jeune")


ACTIVE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)
#: What the advisor records once the interview's start has passed (SPEC §6, issue 12).
ATTENDANCE_STATUSES = (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW,
                       AppointmentStatus.LATE_CANCELLED)
# Never confirmed: a hold the email code has not proven (yet, or ever).
UNPROVEN_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.EXPIRED)
# Only reachable through a confirmation.
CONFIRMED_STATUSES = (AppointmentStatus.CONFIRMED, *ATTENDANCE_STATUSES)
#: A confirmed appointment cancelled before its start. A hold released before its code was
#: typed is never one of these but ``EXPIRED`` (``services._cancel_locked``, tester t9a #1).
CANCELLED_STATUSES = (AppointmentStatus.CANCELLED_BY_YOUTH,
                      AppointmentStatus.CANCELLED_BY_STRUCTURE)
#: Every status but a hold never confirmed: ``confirmed_at`` is set exactly on these (the
#: database checks it), and they alone are interviews in any figure (``bookings.statistics``).
PROVEN_STATUSES = (*CONFIRMED_STATUSES, *CANCELLED_STATUSES)

#: The statuses in words addressed to the young person (the pages and emails they read);
#: ``AppointmentStatus`` labels are the back-office's, about the young person.
STATUS_LABELS_FOR_YOUTH: dict[str, str | Promise] = {
    AppointmentStatus.PENDING: _("En attente de votre code de confirmation"),
    AppointmentStatus.CONFIRMED: _("Confirmé"),
    # Not « délai dépassé »: a hold is also released before its end, when the same person
    # holds another slot (``appointment_hold``), e.g. online after an advisor's booking.
    AppointmentStatus.EXPIRED: _("Non confirmé : le créneau a été libéré"),
    AppointmentStatus.CANCELLED_BY_YOUTH: _("Annulé par vous"),
    AppointmentStatus.CANCELLED_BY_STRUCTURE: _("Annulé par la structure"),
    AppointmentStatus.DONE: _("Entretien réalisé"),
    AppointmentStatus.NO_SHOW: _("Vous n'êtes pas venu·e"),
}


class AbsenceKind(models.TextChoices):
    SHORT = "short", _("Absence courte (heures, jours)")
    LONG = "long", _("Absence longue (semaines, mois)")


class ModesMixin(models.Model):
    """Three booleans rather than a list: simple filters and a simple check constraint."""

    offers_in_person = models.BooleanField(_("sur place"), default=True)
    offers_video = models.BooleanField(_("en visio"), default=False)
    offers_phone = models.BooleanField(_("par téléphone"), default=False)
    place = models.CharField(
        _("lieu de l'entretien sur place"), max_length=255, blank=True,
        help_text=_("Laisser vide pour l'adresse de la structure."),
    )

    class Meta:
        abstract = True

    @property
    def modes(self) -> tuple[str, ...]:
        return tuple(
            mode for mode, offered in (
                (Mode.IN_PERSON, self.offers_in_person),
                (Mode.VIDEO, self.offers_video),
                (Mode.PHONE, self.offers_phone),
            ) if offered
        )

    @property
    def modes_label(self) -> str:
        """« en présentiel, en visio »: the offered modes in French."""
        return ", ".join(str(Mode(mode).label) for mode in self.modes)


MODES_NOT_EMPTY = Q(offers_in_person=True) | Q(offers_video=True) | Q(offers_phone=True)


class RecurringAvailability(ModesMixin):
    """Every week on ``weekday`` from ``start_time`` to ``end_time`` (Europe/Paris wall clock)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lundi")
        TUESDAY = 1, _("mardi")
        WEDNESDAY = 2, _("mercredi")
        THURSDAY = 3, _("jeudi")
        FRIDAY = 4, _("vendredi")
        SATURDAY = 5, _("samedi")
        SUNDAY = 6, _("dimanche")

    advisor = models.ForeignKey(Advisor, on_delete=models.CASCADE,
                                related_name="recurring_availabilities",
                                verbose_name=_("conseiller·ère"))
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start_time = models.TimeField(_("de"))
    end_time = models.TimeField(_("à"))
    valid_from = models.DateField(_("à partir du"))
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disponibilité récurrente")
        verbose_name_plural = _("disponibilités récurrentes")
        ordering = ["advisor", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6),
                                   name="recurring_weekday_valid",
                                   violation_error_message=_(
                                       "Choisissez un jour de la semaine, du lundi au dimanche.")),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="recurring_end_after_start",
                                   violation_error_message=_(
                                       "L'heure de fin doit être après l'heure de début.")),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="recurring_valid_until_after_from",
                violation_error_message=_(
                    "La fin de validité doit être le jour du début de validité ou après.")
            ),
            models.CheckConstraint(condition=MODES_NOT_EMPTY, name="recurring_modes_not_empty",
                violation_error_message=_(
                    "Cochez au moins un type d'entretien : sur place, en visio ou par téléphone.")),
        ]
        indexes = [models.Index(fields=["advisor", "weekday"])]

    def __str__(self) -> str:
        return (f"{self.get_weekday_display()} {self.start_time:%H:%M} à {self.end_time:%H:%M}"
                f" ({self.advisor})")


class OneOffAvailability(ModesMixin):
    advisor = models.ForeignKey(Advisor, on_delete=models.CASCADE,
                                related_name="one_off_availabilities",
                                verbose_name=_("conseiller·ère"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("de"))
    end_time = models.TimeField(_("à"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disponibilité ponctuelle")
        verbose_name_plural = _("disponibilités ponctuelles")
        ordering = ["advisor", "date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="one_off_end_after_start",
                                   violation_error_message=_(
                                       "L'heure de fin doit être après l'heure de début.")),
            models.CheckConstraint(condition=MODES_NOT_EMPTY, name="one_off_modes_not_empty",
                violation_error_message=_(
                    "Cochez au moins un type d'entretien : sur place, en visio ou par téléphone.")),
        ]
        indexes = [models.Index(fields=["date", "advisor"])]

    def __str__(self) -> str:
        return (f"{self.date:%d/%m/%Y} {self.start_time:%H:%M} à {self.end_time:%H:%M}"
                f" ({self.advisor})")


class Absence(models.Model):
    advisor = models.ForeignKey(Advisor, on_delete=models.CASCADE, related_name="absences",
                                verbose_name=_("conseiller·ère"))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    kind = models.CharField(_("type"), max_length=10, choices=AbsenceKind)
    reason = models.CharField(_("motif"), max_length=255)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["advisor", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="absence_end_after_start",
                                   violation_error_message=_(
                                       "La fin de l'absence doit être après son début.")),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in AbsenceKind]),
                                   name="absence_kind_valid",
                                   violation_error_message=_(
                                       "Choisissez un type d'absence de la liste : courte ou "
                                       "longue.")),
        ]
        indexes = [models.Index(fields=["advisor", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {localtime(self.starts_at):%d/%m/%Y} ({self.advisor})"


def new_video_room() -> str:
    return secrets.token_urlsafe(18)


BUSY_FIELDS = frozenset({"advisor", "advisor_id", "starts_at", "ends_at", "status",
                         "hold_expires_at"})
"""The fields of an appointment that decide which slot it makes busy."""

appointments_written = Signal()
"""Sent (``fields``: the names written, None for whole rows) by the bulk writes of
``Appointment.objects``, which send no ``post_save``: ``bookings.slots.cache`` listens."""


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    """Bulk writes say what they wrote, so that nothing caching busy slots can miss them."""

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows:
            appointments_written.send(sender=Appointment, fields=frozenset(kwargs))
        return rows

    # Django's flag keeping templates from calling a write (the stubs type the function only).
    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            appointments_written.send(sender=Appointment, fields=None)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


class Appointment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    advisor = models.ForeignKey(Advisor, on_delete=models.PROTECT, related_name="appointments",
                                verbose_name=_("conseiller·ère"))
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT,
                                  related_name="appointments", verbose_name=_("structure"))
    youth = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="appointments", verbose_name=_("jeune"))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    mode = models.CharField(_("modalité"), max_length=10, choices=Mode)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    video_room = models.CharField(_("salle de visio"), max_length=64, blank=True)
    status = models.CharField(_("statut"), max_length=25, choices=AppointmentStatus,
                              default=AppointmentStatus.PENDING)
    hold_expires_at = models.DateTimeField(_("réservation provisoire jusqu'à"), null=True,
                                           blank=True)
    # The client address that made a hold, kept only while it is pending: one address may hold
    # few slots at once (BOOKING_MAX_PENDING_HOLDS_PER_CLIENT). Cleared when the hold ends.
    hold_client_ip = models.GenericIPAddressField(_("adresse IP de la réservation provisoire"),
                                                  null=True, blank=True)
    # Set when the young person proved the address (email code or link), never cleared: an
    # appointment "confirmed at least once" is one with ``confirmed_at`` (a cancelled one too).
    # Access rules rest on this fact only (see the constraint below).
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=255, blank=True)
    sequence = models.PositiveIntegerField(
        _("version iCalendar"), default=0,
        help_text=_("Incrémentée à chaque changement pour mettre à jour les agendas."))
    reminder_due_at = models.DateTimeField(_("rappel prévu le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    # What the young person told us when booking.
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    phone = PhoneNumberField(_("téléphone"), blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True,
                                  validators=[validate_birth_date_today])
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    youth_status = models.CharField(_("situation"), max_length=20, choices=Status.choices)
    # Kept when the person is anonymised: the statistics need no more than these.
    age_at_interview = models.PositiveSmallIntegerField(_("âge le jour de l'entretien"),
                                                        null=True, blank=True)
    departement = models.CharField(_("département du domicile"), max_length=2, blank=True)
    domains = models.JSONField(_("domaines du projet"), default=list, blank=True)
    project = models.TextField(_("le projet en quelques mots"), blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"))
    consent_text_version = models.CharField(_("version du texte de consentement"), max_length=20)
    guardian_email = models.EmailField(_("e-mail du parent ou tuteur·rice"), blank=True)
    guardian_consent = models.BooleanField(_("accord du parent ou tuteur·rice"), default=False)
    # Booked at the desk or on the phone by an advisor for the young person (no 48-hour
    # notice); they confirm with the code or the link of the email (``confirmation_secret``).
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("réservé par"))
    confirmation_secret = models.CharField(_("secret du code de confirmation"), max_length=64,
                                           blank=True, editable=False)
    confirmation_attempts = models.PositiveSmallIntegerField(_("codes incorrects"), default=0)
    follow_up_on = models.DateField(_("à relancer le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["confirmation_secret", "confirmation_attempts",
                                                "hold_client_ip"])

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "starts_at"], condition=Q(status__in=ACTIVE_STATUSES),
                name="appointment_one_active_per_advisor_start",
                violation_error_message=_(
                    "Ce·tte conseiller·ère a déjà un rendez-vous à cette heure : choisissez un "
                    "autre créneau.")
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="appointment_end_after_start",
                                   violation_error_message=_(
                                       "La fin du rendez-vous doit être après son début.")),
            models.CheckConstraint(condition=Q(mode__in=[m.value for m in Mode]),
                                   name="appointment_mode_valid",
                                   violation_error_message=_(
                                       "Choisissez un type d'entretien de la liste : sur place, "
                                       "en visio ou par téléphone.")),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in AppointmentStatus]),
                                   name="appointment_status_valid",
                                   violation_error_message=_(
                                       "Choisissez un statut de rendez-vous de la liste.")),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.PENDING) | Q(hold_expires_at__isnull=False),
                name="appointment_pending_has_hold",
                violation_error_message=_(
                    "Un rendez-vous en attente de confirmation doit avoir une fin de réservation "
                    "provisoire.")
            ),
            # A phone interview has a number to call, until its young person is erased
            # (account deletion, retention): the number then goes with the name
            # (personal_data.erase), and the interview stays a phone one in the statistics.
            models.CheckConstraint(
                condition=~Q(mode=Mode.PHONE) | ~Q(phone="") | Q(first_name="", last_name=""),
                name="appointment_phone_mode_phone",
                violation_error_message=_(
                    "Un entretien par téléphone demande le numéro de téléphone du ou de la jeune.")
            ),
            # Proven (confirmed at least once) exactly when the status says so: a cancelled
            # appointment was confirmed, a released hold is expired (migration 0020).
            models.CheckConstraint(
                condition=(Q(status__in=UNPROVEN_STATUSES, confirmed_at__isnull=True)
                           | Q(status__in=PROVEN_STATUSES, confirmed_at__isnull=False)),
                name="appointment_confirmed_at_matches_status",
                violation_error_message=_(
                    "La date de confirmation est renseignée pour un rendez-vous confirmé, "
                    "réalisé, manqué ou annulé, et vide pour une réservation en attente ou "
                    "non confirmée.")
            ),
            # The home département is what the statistics count; it is kept when the postal
            # code is erased with the name (bookings.personal_data), never missing beside one.
            models.CheckConstraint(
                condition=Q(postal_code="") | ~Q(departement=""),
                name="appointment_departement_with_postal_code",
                violation_error_message=_(
                    "Le département du domicile se déduit du code postal : indiquez-le avec le "
                    "code postal.")),
        ]
        indexes = [
            models.Index(fields=["advisor", "starts_at"]),
            models.Index(fields=["advisor", "follow_up_on"],
                         condition=Q(follow_up_on__isnull=False), name="appointment_follow_up"),
            models.Index(fields=["structure", "starts_at"]),
            models.Index(fields=["starts_at", "status"]),
            models.Index(fields=["reminder_due_at"], condition=Q(reminder_sent_at__isnull=True),
                         name="appointment_reminder_todo"),
            # The unconfirmed holds of one client address (the limit checked by every hold):
            # without it PostgreSQL walked every appointment's (starts_at, status) entry,
            # ~8 ms per hold on 100,000 past appointments.
            models.Index(fields=["hold_client_ip", "hold_expires_at"],
                         condition=Q(status="pending"), name="appointment_pending_hold_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}, {localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Fills the home département from the postal code when it is missing, by the rule
        real bookings use (``advisors.validators.departement_of_postal_code``), so that no
        creation path (a service, the demo, a factory, a management command) can leave it out
        (tester t9b F6: every demo appointment was « non renseigné »). A département already
        set is kept: the services set it themselves, and erasing the postal code keeps it.
        The database refuses a postal code without a département
        (``appointment_departement_with_postal_code``)."""
        if self.postal_code and not self.departement:
            self.departement = departement_of_postal_code(self.postal_code)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "departement" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "departement"]
        super().save(*args, **kwargs)

    def hold_expired(self, now: dt.datetime) -> bool:
        """Whether the hold of a pending appointment is over at ``now`` (aware); one without
        an expiry counts as over."""
        return self.hold_expires_at is None or self.hold_expires_at <= now

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def held_at(self) -> dt.datetime:
        """When the slot was taken: the booking form's submission, the moment consent was
        given (``services.appointment_hold`` records both with the same ``now``)."""
        return self.consent_at

    @property
    def status_for_youth(self) -> str:
        """The status in words addressed to the young person (see STATUS_LABELS_FOR_YOUTH)."""
        return str(STATUS_LABELS_FOR_YOUTH[self.status])

    @property
    def video_url(self) -> str:
        if self.mode != Mode.VIDEO or not self.video_room:
            return ""
        return settings.VIDEO_MEETING_URL_TEMPLATE.format(room=self.video_room)

    @property
    def attendance_recorded(self) -> bool:
        return self.status in ATTENDANCE_STATUSES


class AttendanceRecord(models.Model):
    """Each recording or correction of an interview's outcome: who, when, from what to what.

    Written in the same transaction as the appointment's new status (bookings.interviews)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE,
                                    related_name="attendance_records")
    status = models.CharField(_("résultat"), max_length=25, choices=AppointmentStatus)
    previous_status = models.CharField(_("statut précédent"), max_length=25,
                                       choices=AppointmentStatus)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+", verbose_name=_("par"))
    recorded_by_name = models.CharField(_("nom de l'auteur"), max_length=255)
    recorded_at = models.DateTimeField(_("le"))

    class Meta:
        verbose_name = _("présence enregistrée")
        verbose_name_plural = _("présences enregistrées")
        ordering = ["appointment", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ATTENDANCE_STATUSES]),
                name="attendance_record_status_valid",
                violation_error_message=_(
                    "Choisissez une issue de la liste : réalisé, absence du ou de la jeune, ou "
                    "annulation tardive.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.recorded_by_name}, {self.recorded_at:%d/%m/%Y})"


class InterviewNote(models.Model):
    """A confidential note on one interview: read by the advisors of the appointment's
    structure and by coordinators only, each reading logged; erased with the account."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE,
                                    related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("auteur"))
    author_name = models.CharField(_("nom de l'auteur"), max_length=255)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("écrite le"))

    class Meta:
        verbose_name = _("note d'entretien")
        verbose_name_plural = _("notes d'entretien")
        ordering = ["appointment", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="interview_note_not_empty",
                violation_error_message=_("Écrivez le texte de la note.")),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}, {self.created_at:%d/%m/%Y}"


class FollowUpChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("téléphone")
    IN_PERSON = "in_person", _("sur place")
    VIDEO = "video", _("visio")
    MESSAGE = "message", _("SMS ou messagerie")


class FollowUpEntry(models.Model):
    """What an advisor did for the young person after the interview (SPEC §6)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE,
                                    related_name="follow_ups")
    happened_on = models.DateField(_("date"))
    channel = models.CharField(_("par"), max_length=20, choices=FollowUpChannel)
    summary = models.TextField(_("ce qui a été fait"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("auteur"))
    author_name = models.CharField(_("nom de l'auteur"), max_length=255)
    created_at = models.DateTimeField(_("enregistré le"))

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["appointment", "happened_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=[c.value for c in FollowUpChannel]),
                                   name="follow_up_channel_valid",
                                   violation_error_message=_(
                                       "Choisissez un moyen de contact de la liste.")),
        ]

    def __str__(self) -> str:
        return f"{self.happened_on:%d/%m/%Y} ({self.get_channel_display()})"


class InterviewSelection(models.Model):
    """A selection of programmes sent after an interview (``matching``'s recommendation) and
    the set of sheets it holds: the same set is sent once per appointment, so two tabs or a
    double click make one email, one selection in the young person's space and one count in
    the statistics (tester t9a #3). ``bookings.interviews.interview_programmes_send`` checks it
    under the appointment's lock; the unique constraint has the last word."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE,
                                    related_name="selections_sent",
                                    verbose_name=_("rendez-vous"))
    recommendation = models.OneToOneField("matching.ProgrammeRecommendation",
                                          on_delete=models.CASCADE,
                                          related_name="interview_selection",
                                          verbose_name=_("sélection de programmes"))
    #: SHA-256 (hex) of the sorted ids of the sheets sent: equal for the same set in any order.
    sheets_key = models.CharField(_("empreinte des fiches envoyées"), max_length=64)

    class Meta:
        verbose_name = _("sélection envoyée après un entretien")
        verbose_name_plural = _("sélections envoyées après un entretien")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "sheets_key"], name="interview_selection_once_per_set",
                violation_error_message=_("Cette sélection de programmes a déjà été envoyée "
                                          "pour ce rendez-vous.")),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} – {self.sheets_key[:8]}"


class NotificationKind(models.TextChoices):
    YOUTH_CONFIRMATION = "youth_confirmation", _("Confirmation au ou à la jeune")
    YOUTH_CHANGE = "youth_change", _("Changement au ou à la jeune")
    YOUTH_CANCELLATION = "youth_cancellation", _("Annulation au ou à la jeune")
    YOUTH_REMINDER = "youth_reminder", _("Rappel au ou à la jeune")
    ADVISOR_NEW = "advisor_new", _("Nouveau rendez-vous (conseiller·ère)")
    ADVISOR_MOVED = "advisor_moved", _("Rendez-vous déplacé (conseiller·ère)")
    ADVISOR_CANCELLED = "advisor_cancelled", _("Rendez-vous annulé (conseiller·ère)")
    WAITING_LIST_SLOT = "waiting_list_slot", _("Créneau libéré (liste d'attente)")
    WAITING_LIST_CONFIRM = "waiting_list_confirm", _("Confirmation d'inscription (liste "
                                                      "d'attente)")
    BOOKING_REFUSED = "booking_refused", _("Réservation impossible (explication)")
    COMPLIANCE_DIGEST = "compliance_digest", _("Synthèse hebdomadaire de conformité")
    YOUTH_STAFF_HOLD = "youth_staff_hold", _("Réservé par un·e conseiller·ère : code à confirmer")
    HELP_REQUEST_NEW = "help_request_new", _("Demande d'aide d'un·e conseiller·ère")
    HELP_REQUEST_ANSWERED = "help_request_answered", _("Réponse à une demande d'aide")
    HELP_REQUEST_CLOSED = "help_request_closed", _("Demande d'aide close")
    EVALUATION_INVITATION = "evaluation_invitation", _("Questionnaire d'évaluation au ou à la "
                                                       "jeune")
    CONVENTION_WATCH = "convention_watch", _("Veille quotidienne des conventions")


class Notification(OutboxRow):
    """Outbox: one row per email to send, written in the transaction that decided it.

    A task sends the row just after commit; a periodic sweep sends rows whose task was lost
    (broker down, worker killed). Sending locks the row and skips it once ``sent_at`` is set.

    ``payload`` is what the email is about *as it was when it was decided*: for an appointment,
    its snapshot (``notifications.appointment_snapshot``: version, status, times, place,
    names…, plus the old time of a move), so a message that waits (SMTP down, retries) never
    tells something that changed in between. ``sequence`` is the appointment's version in that
    snapshot: delivery drops (``obsolete_at``) a message that a later one to the same recipient
    about the same appointment has superseded.

    Sending state, Message-ID and retries: ``outbox.models.OutboxRow``.
    """

    kind = models.CharField(_("type"), max_length=30, choices=NotificationKind)
    to = models.EmailField(_("destinataire"))
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="notifications")
    sequence = models.PositiveIntegerField(
        _("version du rendez-vous"), null=True, blank=True,
        help_text=_("Version iCalendar du rendez-vous décrite par ce message."))
    payload = models.JSONField(_("contenu (tel qu'au moment de la décision)"), default=dict,
                               blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"],
                         condition=Q(sent_at__isnull=True, obsolete_at__isnull=True),
                         name="notification_to_send"),
            models.Index(fields=["appointment", "sequence"], name="notification_appointment_seq"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(obsolete_at__isnull=True),
                name="notification_sent_or_obsolete",
                violation_error_message=_(
                    "Une notification ne peut pas être à la fois envoyée et abandonnée : videz "
                    "l'une des deux dates.")),
            models.CheckConstraint(
                condition=Q(appointment__isnull=True) | Q(sequence__isnull=False),
                name="notification_appointment_has_sequence",
                violation_error_message=_(
                    "Une notification liée à un rendez-vous doit porter son numéro d'ordre.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"


class WaitingListEntry(models.Model):
    """Someone who found no free slot in a département and mode, once they confirmed the
    address by the emailed link. Told once, then done."""

    email = models.EmailField(_("adresse e-mail"))
    departement = models.CharField(_("département"), max_length=2, choices=DEPARTEMENT_CHOICES)
    mode = models.CharField(_("modalité"), max_length=10, choices=Mode)
    created_at = models.DateTimeField(_("inscrit·e le"))
    expires_at = models.DateTimeField(_("expire le"))
    # Double opt-in: nobody is told about slots before clicking the emailed link.
    confirmed_at = models.DateTimeField(_("inscription confirmée le"), null=True, blank=True)
    notified_at = models.DateTimeField(_("prévenu·e le"), null=True, blank=True)
    notified_for_slot = models.CharField(_("créneau annoncé"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("inscription en liste d'attente")
        verbose_name_plural = _("liste d'attente")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "departement", "mode"], condition=Q(notified_at__isnull=True),
                name="waiting_list_one_open_entry",
                violation_error_message=_(
                    "Cette adresse est déjà inscrite sur la liste d'attente pour ce département "
                    "et ce type d'entretien.")
            ),
            models.CheckConstraint(condition=Q(mode__in=[m.value for m in Mode]),
                                   name="waiting_list_mode_valid",
                                   violation_error_message=_(
                                       "Choisissez un type d'entretien de la liste : sur place, "
                                       "en visio ou par téléphone.")),
        ]
        indexes = [models.Index(fields=["mode", "departement", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.departement}, {self.get_mode_display()})"


class CalendarFeed(models.Model):
    """An advisor's private calendar subscription (.ics URL, issue 13).

    The URL carries ``key`` and a signature of it made with the site's SECRET_KEY
    (``bookings.calendar_feed``): the database alone does not give a working URL. Deleting
    the row revokes the URL; a new key replaces it.
    """

    advisor = models.OneToOneField(Advisor, on_delete=models.CASCADE,
                                   related_name="calendar_feed",
                                   verbose_name=_("conseiller·ère"))
    key = models.CharField(_("clé"), max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"))
    last_read_at = models.DateTimeField(_("dernière lecture par un agenda"), null=True,
                                        blank=True)

    class Meta:
        verbose_name = _("abonnement d'agenda")
        verbose_name_plural = _("abonnements d'agenda")

    def __str__(self) -> str:
        return str(self.advisor)
