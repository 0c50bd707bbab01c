"""The benchmark command runs and shows a constant number of queries (no timing asserted)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import ProgrammeSheet
from programmes.selectors import sheet_data_cache


@pytest.mark.django_db
def test_bench_matching_runs_and_rolls_back():
    out = StringIO()
    call_command("bench_matching", "--sheets", "150", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert "1 profil × 150 fiches" in text
    assert "explications des 20 premiers résultats" in text
    assert "à froid" in text and "à chaud" in text
    # Cold: the version query and the load; warm: the version query only.
    assert re.search(r"requêtes SQL pour 100 fiches\s+2\s+1\n", text)
    assert re.search(r"requêtes SQL pour 150 fiches\s+2\s+1\n", text)
    assert not ProgrammeSheet.objects.exists()
    assert sheet_data_cache._entry is None
