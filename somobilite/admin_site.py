"""Admin site for coordinators: login goes through allauth (so MFA applies), and admin opens
only for a coordinator's session that passed TOTP two-factor authentication.

Every ModelAdmin registered here is also bounded (issue 9 §4): what one request may make the
server build does not grow with what the request says.

- An action runs on at most ``ADMIN_ACTION_MAX_ROWS`` rows (or the action's own ``max_rows``
  attribute); a larger selection ("select all" across pages) is refused with a message.
- An inline formset builds at most the parent's existing rows plus ``ADMIN_INLINE_NEW_ROWS``
  new ones, whatever ``TOTAL_FORMS`` says (Django's default allows 2,000 forms).

A change list's date hierarchy (``?signed_on__year=9999``, a link anyone can edit) is read with
the project's plausible-date rule (``vocabulary.dates``, 2000–2099): Django computes the next
day, month or year of the date asked and builds an aware datetime from it, which raises for
year 9999 (and year 1 in Paris) — a server error on every admin with a ``date_hierarchy``
(tester t9b F9); so does a date filter typed in the address (``?created_at__gte=0001-01-01``).
A date outside the range, or one that does not exist, is dropped from the address with a
French message; the rest of the filters are kept. A date typed in an admin form follows the
same rule (``formfield_for_dbfield``), birth dates excepted (they have their own).

Those two kinds are read before the list is built. Any other filter of the address that the
database or Django cannot evaluate (``?signed_on__year__gte=0``, ``?at__iso_year=0``,
``?at__in=0001-01-01``, ``?day__day=99999999999``: lookups and transforms without end, tester
t9c #1) is caught when the list is built (its count runs every filter), inside a savepoint: the
date filters are dropped with the same message, or, when no date filter was asked, every filter
with a general one. Each redirect drops filters, so it ends.

Every project constraint has its own French ``violation_error_message``; a third-party model
registered here (allauth's ``Authenticator``, ``EmailAddress``) keeps Django's default, which
names the constraint (« La contrainte « unique_authenticator_type » n'est pas respectée »,
tester t9c #13). Its messages are given in ``THIRD_PARTY_CONSTRAINT_MESSAGES`` and put in
place of the default by the admin's forms (``ConstraintMessagesFormMixin``), without touching
the third-party model (a changed constraint would be a migration of its app).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import wraps
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateField, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import has_coordinator_powers
from vocabulary.dates import FIRST_DAY, LAST_DAY, is_plausible_day, validate_plausible_day

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

#: Rows one admin action may change or render in one request (the change list shows 100).
ADMIN_ACTION_MAX_ROWS = 100
#: New rows one inline formset may add in one request.
ADMIN_INLINE_NEW_ROWS = 20


def _bounded_action(func):
    limit = getattr(func, "max_rows", ADMIN_ACTION_MAX_ROWS)

    @wraps(func)
    def action(modeladmin, request, queryset):
        if queryset.count() > limit:
            modeladmin.message_user(request, _(
                "Cette action s'applique à %(limit)s lignes au plus à la fois : affinez la "
                "sélection (filtres, recherche) et recommencez. Rien n'a été modifié.")
                % {"limit": limit}, messages.ERROR)
            return None
        return func(modeladmin, request, queryset)

    return action


def _bounded_inline_formset(formset_class, new_rows: int):
    class BoundedInlineFormSet(formset_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Class attribute set by the factory; read by total_form_count() and full_clean().
            self.absolute_max = len(self.get_queryset()) + new_rows

    BoundedInlineFormSet.__name__ = formset_class.__name__
    return BoundedInlineFormSet


#: French messages of the constraints of third-party models registered in the admin, by
#: ``app_label.Model.constraint_name``; tests/somobilite/test_constraint_messages.py checks that
#: every constraint of every registered model has a French message, here or its own.
THIRD_PARTY_CONSTRAINT_MESSAGES: dict[str, StrOrPromise] = {
    "mfa.Authenticator.unique_authenticator_type": gettext_lazy(
        "Ce compte a déjà un authentificateur de ce type (une application TOTP ou des codes de "
        "secours) : supprimez l'ancien avant d'en ajouter un."),
    "account.EmailAddress.unique_primary_email": gettext_lazy(
        "Ce compte a déjà une adresse e-mail principale : décochez « Principale » ici ou sur "
        "l'autre adresse."),
    "account.EmailAddress.unique_verified_email": gettext_lazy(
        "Cette adresse e-mail est déjà vérifiée sur un autre compte : une adresse vérifiée "
        "n'appartient qu'à un compte."),
}


def constraint_messages(model: type[Model]) -> dict[str, StrOrPromise]:
    """The French messages ``THIRD_PARTY_CONSTRAINT_MESSAGES`` gives for ``model``'s
    constraints, by constraint name; {} for a project model (its constraints carry theirs)."""
    prefix = f"{model._meta.label}."
    return {label.removeprefix(prefix): message
            for label, message in THIRD_PARTY_CONSTRAINT_MESSAGES.items()
            if label.startswith(prefix)}


class ConstraintMessagesFormMixin:
    """A model form whose constraint violations read ``constraint_messages`` (by constraint
    name) instead of Django's default message, which names the constraint."""

    constraint_messages: dict[str, StrOrPromise] = {}

    def _update_errors(self, errors):
        defaults = {str(constraint.get_violation_error_message()):
                    self.constraint_messages[constraint.name]
                    for constraint in self._meta.model._meta.constraints
                    if constraint.name in self.constraint_messages}

        def french(error: ValidationError) -> ValidationError:
            text = str(error.message % error.params if error.params else error.message)
            if text in defaults:
                return ValidationError(defaults[text], code=error.code)
            return error

        if hasattr(errors, "error_dict"):
            errors = ValidationError({field: [french(error) for error in field_errors]
                                      for field, field_errors in errors.error_dict.items()})
        else:
            errors = ValidationError([french(error) for error in errors.error_list])
        super()._update_errors(errors)


def _with_constraint_messages(form_class, model: type[Model]):
    chosen = constraint_messages(model)
    if not chosen:
        return form_class
    return type(form_class.__name__, (ConstraintMessagesFormMixin, form_class),
                {"constraint_messages": chosen, "__module__": form_class.__module__})


class BoundedModelAdminMixin:
    """Mixed into every ModelAdmin registered on the coordinators' site (see ``register``)."""

    def get_form(self, request, obj=None, **kwargs):
        """The admin's form, with French messages for a third-party model's constraints.
        ``change`` and the rest pass by keyword, as Django's own calls do: some admins (Django's
        ``UserAdmin``) take no ``change`` argument of their own."""
        return _with_constraint_messages(super().get_form(request, obj, **kwargs), self.model)

    def get_actions(self, request):
        return {name: (_bounded_action(func), name, description)
                for name, (func, name, description) in super().get_actions(request).items()}

    def changelist_view(self, request, extra_context=None):
        refused = date_filters_refused(request, self.model,
                                       getattr(self, "date_hierarchy", None))
        if refused is not None:
            return _without_filters(request, refused, _date_dropped())
        name = MODEL_NAMES.get(self.model._meta.label)
        if name is not None:
            extra_context = {"title": name, **(extra_context or {})}
        try:
            return super().changelist_view(request, extra_context)
        except UnreadableFilter:
            kept = [(name, value) for name, values in request.GET.lists()
                    if name != "e" and not _names_a_date_field(self.model, name)
                    for value in values]
            if len(kept) < sum(len(values) for key, values in request.GET.lists() if key != "e"):
                return _without_filters(request, kept, _date_dropped())
            return _without_filters(request, [], _("Un filtre de l'adresse n'est pas valable : "
                                                   "les filtres ont été retirés."))

    def get_changelist_instance(self, request):
        """The change list, built (its count run) inside a savepoint; while the address holds
        filters, any error building it raises ``UnreadableFilter`` (see the module): a lookup
        typed by hand fails in many ways (``?id__range=1`` an ``IndexError``, three values a
        ``TypeError``, ``?at__year=0`` a ``ValueError``, the database a ``DataError``; tester
        t9d #1), so the kind is "an error while the address filters", whatever its type.
        Without filters the error is the code's own and goes on to the error page (and the
        redirect without filters cannot loop)."""
        try:
            with transaction.atomic():
                return super().get_changelist_instance(request)
        except Exception as exc:
            if not _has_filters(request):
                raise
            logger.warning("admin change list %s: filters of the address dropped (%r)",
                           self.model._meta.label, exc)
            raise UnreadableFilter(str(exc)) from exc

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A date or date-time typed in any admin form follows the plausible-date rule
        (``vocabulary.dates``, 2000–2099), unless its model field has a date rule of its own
        (a birth date): a year 9999 saved by mistake made later pages raise (tester t9b F9)."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (formfield is not None and isinstance(db_field, DateField)
                and not any(getattr(v, "__module__", "") == "vocabulary.dates"
                            for v in db_field.validators)):
            formfield.validators.append(validate_plausible_day)
        return formfield

    def get_formsets_with_inlines(self, request, obj=None):
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield _bounded_inline_formset(formset_class, ADMIN_INLINE_NEW_ROWS), inline


def _has_filters(request: HttpRequest) -> bool:
    """Whether the change list's address asks anything (Django's error flag ``e`` aside)."""
    return any(name != "e" for name in request.GET)


class UnreadableFilter(Exception):
    """A change-list filter of the address that could not be evaluated (see the module)."""


def _date_dropped() -> str:
    """The message of a date filter dropped from the address (the plausible-date rule)."""
    return _("La date demandée n'existe pas ou sort de la période %(first)s–%(last)s : le "
             "filtre par date a été retiré.") % {"first": FIRST_DAY.year, "last": LAST_DAY.year}


def _without_filters(request: HttpRequest, kept: list[tuple[str, str]],
                     message: str) -> HttpResponse:
    """Back to the change list with only ``kept`` of its parameters, ``message`` shown."""
    messages.error(request, message)
    return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)


def _date_field_lookups(model: type[Model], name: str) -> list[str] | None:
    """The lookups and transforms that follow a date or date-time field of ``model`` in the
    change-list parameter ``name`` (through relations: ``advisor__designated_on__year__gte``
    gives ``["year", "gte"]``), or ``None`` when ``name`` reads no such field."""
    opts, parts = model._meta, name.split("__")
    for index, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
            continue
        return parts[index + 1:] if isinstance(field, DateField) else None
    return None


def _names_a_date_field(model: type[Model], name: str) -> bool:
    return _date_field_lookups(model, name) is not None


def _hierarchy_refused(request: HttpRequest, field: str | None) -> set[str]:
    """The date hierarchy's parameters when they ask for a day, month or year of ``field``
    that does not exist or falls outside ``FIRST_DAY``–``LAST_DAY``; else an empty set."""
    if not field:
        return set()
    names = [f"{field}__{part}" for part in ("year", "month", "day")]
    values = [request.GET.get(name) for name in names]
    if values[0] is None and values[1] is None and values[2] is None:
        return set()
    try:
        year, month, day = (int(value) if value is not None else 1 for value in values)
        if values[0] is not None and is_plausible_day(dt.date(year, month, day)):
            return set()
    except (ValueError, OverflowError):
        pass
    return set(names)


#: Lookups of a date or date-time field whose value is one moment (``?at__gte=2026-05-12``,
#: what the admin's date list filters write in the address).
_ONE_DAY_LOOKUPS = frozenset({"exact", "gt", "gte", "lt", "lte", "date"})


def _day_field_lookup(model: type[Model], name: str) -> bool:
    """Whether the change-list parameter ``name`` compares a date or date-time field of
    ``model`` (through relations) with one value."""
    lookups = _date_field_lookups(model, name)
    return lookups is not None and all(lookup in _ONE_DAY_LOOKUPS for lookup in lookups)


def _read_day(value: str) -> dt.date | None:
    """The calendar day a date filter's value names (« 2026-05-12 », « 2026-05-12 00:00:00+02:00 »),
    or ``None`` when it is not a date (Django then refuses the filter itself)."""
    try:
        moment = parse_datetime(value.strip())
        return moment.date() if moment else parse_date(value.strip())
    except (ValueError, OverflowError):
        return None


def date_filters_refused(request: HttpRequest, model: type[Model],
                         date_hierarchy: str | None) -> list[tuple[str, str]] | None:
    """The query string of a change list without its implausible date parameters, as
    ``(name, value)`` pairs, or ``None`` when there are none (see the module).

    Two kinds: the date hierarchy's day, month or year (``?signed_on__year=9999``), and a date
    or date-time filter with one value (``?created_at__gte=0001-01-01``: Django turns it into
    an aware datetime, which overflows in Paris). Never raises."""
    refused = _hierarchy_refused(request, date_hierarchy)
    for name, values in request.GET.lists():
        if name in refused or not _day_field_lookup(model, name):
            continue
        days = [_read_day(value) for value in values]
        if any(day is not None and not is_plausible_day(day) for day in days):
            refused.add(name)
    if not refused:
        return None
    return [(name, value) for name, values in request.GET.lists()
            if name not in refused and name != "e" for value in values]


#: The admin index grouped by what coordinators do (issue 14), in this order; each model by its
#: label, in the order shown. A model registered later and listed nowhere lands in
#: "Technique", so nothing ever disappears from the index.
ADMIN_GROUPS: tuple[tuple[str, StrOrPromise, tuple[str, ...]], ...] = (
    ("reseau", gettext_lazy("Réseau"), (
        "advisors.Structure", "advisors.Convention", "advisors.Advisor",
        "advisors.TrainingSession", "accounts.User")),
    ("rendez-vous", gettext_lazy("Rendez-vous"), (
        "bookings.Appointment", "bookings.RecurringAvailability",
        "bookings.OneOffAvailability", "bookings.Absence", "bookings.WaitingListEntry")),
    ("programmes", gettext_lazy("Programmes"), (
        "programmes.ProgrammeSheet", "programmes.ProgrammeProposal",
        "matching.ProgrammeRecommendation", "matching.MobilityProfile",
        "programmes.ReviewDigest")),
    ("suivi", gettext_lazy("Suivi"), (
        "advisors.ConventionEvent", "evaluations.Evaluation", "support.HelpRequest",
        "support.MediaItem", "bookings.Notification", "privacy.StaffAccessLog")),
    ("technique", gettext_lazy("Technique"), (
        "django_celery_beat.PeriodicTask", "django_celery_beat.CrontabSchedule",
        "django_celery_beat.IntervalSchedule", "django_celery_beat.ClockedSchedule",
        "django_celery_beat.SolarSchedule", "bookings.CalendarFeed", "mfa.Authenticator",
        "account.EmailAddress", "auth.Group", "sites.Site")),
)
#: French names of third-party models whose own labels are English or misspelt
#: (django-celery-beat 2.9's French catalogue says "tâches périodique", "intervales").
MODEL_NAMES: dict[str, StrOrPromise] = {
    "django_celery_beat.PeriodicTask": gettext_lazy("Tâches périodiques"),
    "django_celery_beat.CrontabSchedule": gettext_lazy("Planifications (crontab)"),
    "django_celery_beat.IntervalSchedule": gettext_lazy("Intervalles"),
    "django_celery_beat.ClockedSchedule": gettext_lazy("Horaires ponctuels"),
    "django_celery_beat.SolarSchedule": gettext_lazy("Événements solaires"),
    "mfa.Authenticator": gettext_lazy("Double authentification (TOTP)"),
    "account.EmailAddress": gettext_lazy("Adresses e-mail des comptes"),
    "auth.Group": gettext_lazy("Groupes de permissions"),
    "accounts.User": gettext_lazy("Comptes (jeunes, conseiller·ères, coordination)"),
    "bookings.Notification": gettext_lazy("E-mails envoyés et à envoyer"),
}


#: French names (singular, plural) of the third-party models the admin shows, for every admin
#: page (change form titles, breadcrumbs, buttons, deletion pages), and of their apps: their
#: own are English ("MFA", "authenticator", "periodic task track": tester t-adv 9) or
#: misspelt. Set on the models' options at start-up (``french_third_party_names``); Django's
#: migrations read the declared options, so no migration follows.
THIRD_PARTY_MODEL_NAMES: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "mfa.Authenticator": (gettext_lazy("clé de double authentification"),
                          gettext_lazy("clés de double authentification (TOTP)")),
    "account.EmailAddress": (gettext_lazy("adresse e-mail de compte"),
                             gettext_lazy("adresses e-mail des comptes")),
    "account.EmailConfirmation": (gettext_lazy("confirmation d'adresse e-mail"),
                                  gettext_lazy("confirmations d'adresse e-mail")),
    "django_celery_beat.PeriodicTask": (gettext_lazy("tâche périodique"),
                                        gettext_lazy("tâches périodiques")),
    "django_celery_beat.PeriodicTasks": (gettext_lazy("suivi des tâches périodiques"),
                                         gettext_lazy("suivis des tâches périodiques")),
    "django_celery_beat.CrontabSchedule": (gettext_lazy("planification (crontab)"),
                                           gettext_lazy("planifications (crontab)")),
    "django_celery_beat.IntervalSchedule": (gettext_lazy("intervalle"),
                                            gettext_lazy("intervalles")),
    "django_celery_beat.ClockedSchedule": (gettext_lazy("horaire ponctuel"),
                                           gettext_lazy("horaires ponctuels")),
    "django_celery_beat.SolarSchedule": (gettext_lazy("événement solaire"),
                                         gettext_lazy("événements solaires")),
}
#: French labels of third-party fields whose own are English (list columns, filters, forms).
THIRD_PARTY_FIELD_NAMES: dict[str, dict[str, StrOrPromise]] = {
    "mfa.Authenticator": {"user": gettext_lazy("compte"), "type": gettext_lazy("type"),
                          "data": gettext_lazy("données"),
                          "created_at": gettext_lazy("créée le"),
                          "last_used_at": gettext_lazy("dernière utilisation")},
}
THIRD_PARTY_APP_NAMES: dict[str, StrOrPromise] = {
    "mfa": gettext_lazy("Double authentification"),
    "account": gettext_lazy("Adresses e-mail de connexion"),
    "allauth": gettext_lazy("Connexion"),
    "django_celery_beat": gettext_lazy("Tâches périodiques"),
    "simple_history": gettext_lazy("Historique des modifications"),
}


def french_third_party_names() -> None:
    """Give the third-party models, fields and apps of ``THIRD_PARTY_MODEL_NAMES``,
    ``THIRD_PARTY_FIELD_NAMES`` and ``THIRD_PARTY_APP_NAMES`` their French names (the admin's
    app config calls it once). A field's migration state reads the name it was declared with
    (``Field._verbose_name``), so none of this makes a migration."""
    from django.apps import apps

    for label, (singular, plural) in THIRD_PARTY_MODEL_NAMES.items():
        try:
            options = apps.get_model(label)._meta
        except LookupError:
            continue
        options.verbose_name, options.verbose_name_plural = singular, plural
    for label, names in THIRD_PARTY_FIELD_NAMES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for field_name, name in names.items():
            model._meta.get_field(field_name).verbose_name = name
    for app_label, name in THIRD_PARTY_APP_NAMES.items():
        if app_label in apps.app_configs:
            apps.get_app_config(app_label).verbose_name = name


class SoMobiliteAdminSite(admin.AdminSite):
    site_header = gettext_lazy("So Mobilité – coordination")
    site_title = gettext_lazy("So Mobilité")
    index_title = gettext_lazy("Coordination du réseau")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedModelAdminMixin):
            admin_class = type(admin_class.__name__, (BoundedModelAdminMixin, admin_class),
                               {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        return has_coordinator_powers(request)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """The index and the side menu grouped as ``ADMIN_GROUPS`` says (an app's own page,
        ``app_label`` given, keeps Django's list of that app)."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        entries = {entry["model"]._meta.label: entry
                   for app in self._build_app_dict(request).values() for entry in app["models"]}
        for label, name in MODEL_NAMES.items():
            if label in entries:
                entries[label]["name"] = name
        index = reverse("admin:index")
        groups = []
        for slug, name, labels in ADMIN_GROUPS:
            models = [entries.pop(label) for label in labels if label in entries]
            if slug == "technique":
                models += sorted(entries.values(), key=lambda entry: str(entry["name"]))
                entries = {}
            if models:
                groups.append({"name": name, "app_label": slug, "app_url": f"{index}#{slug}",
                               "has_module_perms": True, "models": models})
        return groups

    def login(self, request, extra_context=None):
        user = request.user
        if not user.is_authenticated:
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        if user.is_coordinator and user.is_staff and user.is_active:
            # A coordinator whose session has not passed MFA: activate it or type a code.
            return redirect("accounts:mfa_required")
        raise PermissionDenied(_("L'administration est réservée à la coordination du CRIJ."))
