"""The "download my data" export as a page a person can read: the same data as the JSON file
(``services.user_data_export``), with French headings for its keys and values written as
people read them (dates in words, yes/no, the names of countries and domains).

Public contract: ``readable_export(data) -> list[Node]``; a ``Node`` has a ``label`` and
either a ``text`` (a leaf), ``children`` (a mapping) or ``items`` (a list of nodes). A key
without a French label is shown humanised rather than dropped: nothing held is hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocabulary import codes as voc
from vocabulary.day_formats import date_format

PARIS = ZoneInfo("Europe/Paris")

#: French headings of the export's keys, whatever section they are in.
KEY_LABELS: Mapping[str, str | Promise] = {
    # sections
    "generated_at": gettext_lazy("Fichier produit le"),
    "service": gettext_lazy("Service"),
    "account": gettext_lazy("Votre compte"),
    "bookings": gettext_lazy("Vos rendez-vous"),
    "emails": gettext_lazy("Autres e-mails qui vous ont été envoyés"),
    "mobility_profile": gettext_lazy("Votre profil de mobilité"),
    "programme_selections": gettext_lazy("Les programmes que l'on vous a conseillés"),
    "interview_record": gettext_lazy("Le suivi de vos entretiens"),
    "interview_notes": gettext_lazy("Notes d'entretien"),
    "author": gettext_lazy("Auteur·rice"),
    "interview": gettext_lazy("Entretien du"),
    "text": gettext_lazy("Texte"),
    "follow_ups": gettext_lazy("Suivi après l'entretien"),
    "channel": gettext_lazy("Moyen"),
    "summary": gettext_lazy("Résumé"),
    "first_look": gettext_lazy("Les programmes vus dans « Mon espace » avant l'entretien"),
    "programme": gettext_lazy("Programme"),
    "first_shown_at": gettext_lazy("Montré la première fois le"),
    "last_shown_at": gettext_lazy("Montré la dernière fois le"),
    "opened_at": gettext_lazy("Ouvert le"),
    "times_opened": gettext_lazy("Nombre d'ouvertures"),
    # account
    "email": gettext_lazy("Adresse e-mail"),
    "first_name": gettext_lazy("Prénom"),
    "last_name": gettext_lazy("Nom"),
    "role": gettext_lazy("Type de compte"),
    "date_joined": gettext_lazy("Compte créé le"),
    "last_login": gettext_lazy("Dernière connexion"),
    # appointments
    "appointments": gettext_lazy("Rendez-vous"),
    "date": gettext_lazy("Date"),
    "end": gettext_lazy("Fin"),
    "structure": gettext_lazy("Structure"),
    "advisor": gettext_lazy("Conseiller·ère"),
    "mode": gettext_lazy("Type d'entretien"),
    "place": gettext_lazy("Lieu"),
    "status": gettext_lazy("Statut"),
    "phone": gettext_lazy("Téléphone"),
    "birth_date": gettext_lazy("Date de naissance"),
    "postal_code": gettext_lazy("Code postal"),
    "situation": gettext_lazy("Situation"),
    "domains": gettext_lazy("Domaines"),
    "project": gettext_lazy("Projet"),
    "consent_given_at": gettext_lazy("Accord donné le"),
    "consent_text_version": gettext_lazy("Version du texte d'accord"),
    "guardian_email": gettext_lazy("E-mail du parent ou tuteur·rice"),
    "guardian_consent": gettext_lazy("Accord du parent ou tuteur·rice"),
    "cancel_reason": gettext_lazy("Motif d'annulation"),
    "waiting_list": gettext_lazy("Liste d'attente"),
    "departement": gettext_lazy("Département"),
    "registered_at": gettext_lazy("Inscription le"),
    "emails_sent": gettext_lazy("E-mails envoyés"),
    "kind": gettext_lazy("Type"),
    "subject": gettext_lazy("Objet"),
    "created_at": gettext_lazy("Créé le"),
    "sent_at": gettext_lazy("Envoyé le"),
    # mobility profile (exchange format and interview fields)
    "profile": gettext_lazy("Votre profil"),
    "nationality": gettext_lazy("Nationalité"),
    "education_level": gettext_lazy("Niveau d'études"),
    "disability": gettext_lazy("Situation de handicap déclarée"),
    "languages": gettext_lazy("Langues"),
    "language": gettext_lazy("Langue"),
    "level": gettext_lazy("Niveau"),
    "budget_eur": gettext_lazy("Budget (€)"),
    "wishes": gettext_lazy("Vos souhaits"),
    "zones": gettext_lazy("Zones"),
    "countries": gettext_lazy("Pays"),
    "duration_weeks": gettext_lazy("Durée (semaines)"),
    "min": gettext_lazy("Minimum"),
    "max": gettext_lazy("Maximum"),
    "departure": gettext_lazy("Départ souhaité"),
    "studies_field": gettext_lazy("Études suivies"),
    "professional_experience": gettext_lazy("Expérience professionnelle"),
    "hobbies": gettext_lazy("Loisirs et passions"),
    "project_text": gettext_lazy("Projet"),
    "updated_at": gettext_lazy("Mis à jour le"),
    "history": gettext_lazy("Historique des modifications"),
    "by": gettext_lazy("Par"),
    "reason": gettext_lazy("Motif"),
    "changed": gettext_lazy("Rubriques modifiées"),
    # programme selections
    "message": gettext_lazy("Message"),
    "programmes": gettext_lazy("Programmes"),
    "slug": gettext_lazy("Identifiant"),
    "title": gettext_lazy("Titre"),
    "met": gettext_lazy("Ce qui correspond"),
    "missing": gettext_lazy("Ce qui manque"),
    "name": gettext_lazy("Nom"),
    # evaluation questionnaires
    "evaluations": gettext_lazy("Vos avis sur les entretiens"),
    "invited_at": gettext_lazy("Questionnaire envoyé le"),
    "answered_at": gettext_lazy("Répondu le"),
    "satisfaction": gettext_lazy("Satisfaction (sur 5)"),
    "usefulness": gettext_lazy("Utilité des informations"),
    "intends_to_go": gettext_lazy("Projet de partir"),
    "departure_period": gettext_lazy("Quand"),
    "comment": gettext_lazy("Commentaire"),
}

#: Code values turned into words, by key (filled by ``value_labels``).
CodeLabels = Mapping[str, Callable[[str], str]]


@dataclass(frozen=True, slots=True)
class Node:
    label: str
    text: str = ""
    children: tuple[Node, ...] = ()
    items: tuple[Node, ...] = field(default=())
    kind: str = "text"
    """``text``, ``mapping`` or ``list``."""


def code_labels() -> CodeLabels:
    """Names of the exchange format's codes found in the export (countries, domains…), by
    the key they appear under; a code without a name is shown as it is."""
    tables = {
        "domains": voc.choices_dict(voc.Domain),
        "zones": voc.choices_dict(voc.Zone),
        "countries": voc.country_names_fr(),
        "nationality": voc.country_names_fr(),
        "education_level": voc.choices_dict(voc.EducationLevel),
        "status": voc.choices_dict(voc.Status),
    }
    labels: dict[str, Callable[[str], str]] = {
        key: partial(_named, table) for key, table in tables.items()}
    labels["language"] = voc.language_name
    return labels


def _named(table: Mapping[str, str], code: str) -> str:
    return table.get(code, code)


def readable_export(data: Mapping[str, Any], code_labels: CodeLabels | None = None) -> list[Node]:
    """The export as nodes, in the export's order (see the module docstring).
    ``code_labels`` maps a key to a function naming its code values (countries, domains…)."""
    labels = code_labels or {}
    return [_node(key, value, labels) for key, value in data.items()]


def _label(key: str) -> str:
    label = KEY_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def _node(key: str, value: object, labels: CodeLabels) -> Node:
    label = _label(key)
    if isinstance(value, Mapping):
        return Node(label, kind="mapping",
                    children=tuple(_node(k, v, labels) for k, v in value.items()))
    if isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
        return Node(label, kind="list", items=tuple(
            _node(str(index), item, labels) if not isinstance(item, Mapping)
            else Node(_("N° %(number)s") % {"number": index}, kind="mapping",
                      children=tuple(_node(k, v, labels) for k, v in item.items()))
            for index, item in enumerate(value, start=1)))
    if isinstance(value, list | tuple):
        name = labels.get(key)
        words = [name(str(v)) if name else _text(v) for v in value]
        return Node(label, text=", ".join(words) if words else _("aucune donnée"))
    name = labels.get(key)
    if name and isinstance(value, str) and value:
        return Node(label, text=name(value))
    return Node(label, text=_text(value))


def _text(value: object) -> str:
    """A scalar as people read it: yes/no, « non renseigné », dates in words (Paris time)."""
    if value is None or value == "":
        return _("non renseigné")
    if value is True:
        return _("oui")
    if value is False:
        return _("non")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return date_format(moment.date(), "j F Y")
        if moment.tzinfo is not None:
            moment = moment.astimezone(PARIS)
        return date_format(moment, "j F Y à H:i")
    return str(value)
