"""The benchmark command runs and shows a constant number of queries (no timing asserted)."""

from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import ProgrammeSheet


@pytest.mark.django_db
def test_bench_matching_runs_and_rolls_back():
    out = StringIO()
    call_command("bench_matching", "--sheets", "150", "--runs", "1", stdout=out)
    text = out.getvalue()
    assert "1 profil × 150 fiches" in text
    assert "100 fiches → 1, 150 fiches → 1" in text
    assert not ProgrammeSheet.objects.exists()
