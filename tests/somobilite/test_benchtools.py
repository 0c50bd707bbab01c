"""The benchmarks' shared tools: rows written inside ``rolled_back`` never stay, errors still
propagate, and ``count_queries`` sees every statement."""

import pytest

from programmes.models import ProgrammeSheet
from somobilite.benchtools import count_queries, median_ms, rolled_back
from tests.factories import ProgrammeSheetFactory

pytestmark = pytest.mark.django_db


def test_rows_written_in_the_block_are_rolled_back():
    with rolled_back():
        ProgrammeSheetFactory()
        assert ProgrammeSheet.objects.count() == 1
    assert not ProgrammeSheet.objects.exists()


def test_an_error_in_the_block_propagates_and_is_rolled_back_too():
    with pytest.raises(ValueError, match="boom"), rolled_back():
        ProgrammeSheetFactory()
        raise ValueError("boom")
    assert not ProgrammeSheet.objects.exists()


def test_count_queries_counts_each_statement():
    assert count_queries(lambda: (list(ProgrammeSheet.objects.all()),
                                  ProgrammeSheet.objects.exists())) == 2


def test_median_reads_the_given_clock():
    ticks = iter([0.0, 0.002, 0.0, 0.010, 0.0, 0.004])
    assert median_ms(lambda: None, 3, clock=lambda: next(ticks)) == pytest.approx(4.0)
