"""The emails' greeting (vocabulary/letters.py): never « Bonjour , » when the name is unknown."""

import pathlib
import re

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string

from vocabulary.letters import greeting

TEMPLATES_DIR = pathlib.Path(settings.BASE_DIR) / "templates"
GREETED = sorted(str(path.relative_to(TEMPLATES_DIR)) for path in TEMPLATES_DIR.rglob("*.*")
                 if "|greeting" in path.read_text())


@pytest.mark.parametrize(("name", "expected"), [
    ("Léa", "Bonjour Léa,"), ("  Léa ", "Bonjour Léa,"), ("", "Bonjour,"), ("   ", "Bonjour,"),
    (None, "Bonjour,"),
])
def test_the_greeting_names_the_person_only_when_the_name_is_known(name, expected):
    assert greeting(name) == expected


def test_a_name_is_escaped_in_html_and_kept_as_typed_in_plain_text():
    source = "{{ name|greeting }}"
    assert engines["django"].from_string(source).render({"name": "<b>Zoé</b>"}) == (
        "Bonjour &lt;b&gt;Zoé&lt;/b&gt;,")
    plain = "{% autoescape off %}{{ name|greeting }}{% endautoescape %}"
    assert engines["django"].from_string(plain).render({"name": "O'Neil"}) == "Bonjour O'Neil,"


def test_every_email_template_greets_through_the_filter():
    assert len(GREETED) >= 20  # the emails to young people, advisors and authors of requests
    for path in TEMPLATES_DIR.rglob("*.*"):
        assert not re.search(r"Bonjour \{\{", path.read_text()), path


@pytest.mark.parametrize("template_name", GREETED)
def test_an_email_to_a_person_without_a_name_says_bonjour_without_a_gap(template_name):
    rendered = render_to_string(template_name, {"public_id": "00000000-0000-0000-0000-0000"
                                                               "00000000"})
    text = re.sub(r"<[^>]+>", "", rendered)
    assert "Bonjour," in text and "Bonjour ," not in text
