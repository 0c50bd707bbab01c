"""The matching panel benchmark runs, rolls back and shows a constant number of queries (no
timing asserted: speed is read from `make bench`)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import ProgrammeSheet
from programmes.selectors import sheet_data_cache


@pytest.mark.django_db
def test_bench_matching_panel_runs_and_rolls_back():
    out = StringIO()
    call_command("bench_matching_panel", "--sheets", "150", "--runs", "2", stdout=out)
    text = out.getvalue()
    assert "panneau de matching (page complète)" in text and "150 fiches" in text
    counts = re.findall(r"requêtes SQL pour \d+ fiches : (\d+)", text)
    assert len(counts) == 2 and len(set(counts)) == 1
    assert not ProgrammeSheet.objects.exists()
    assert sheet_data_cache._entry is None
