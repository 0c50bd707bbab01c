"""The labels of the project's choices are written in French and shown as written.

The project has no translation catalogue of its own: its French texts are msgids. A label that
happens to be an English word of Django's catalogues is translated by them instead ("Close"
became "Fermer", the verb, on every closed help request; "Export" became "Exporter" in the
staff access log). Such labels take a context (``pgettext_lazy``)."""

from django.apps import apps
from django.utils import translation

PROJECT_APPS = ("accounts", "advisors", "bookings", "evaluations", "matching", "privacy",
                "programmes", "support", "territory")


def _labels():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if field.name.startswith("history_"):  # django-simple-history's own, translated
                    continue
                for value, text in getattr(field, "flatchoices", None) or ():
                    yield f"{model.__name__}.{field.name}={value}", text


def test_every_choice_label_is_shown_as_written():
    changed = []
    for where, text in _labels():
        with translation.override(None):
            written = str(text)
        with translation.override("fr"):
            shown = str(text)
        if shown != written:
            changed.append(f"{where}: « {written} » shown as « {shown} »")
    assert changed == []
