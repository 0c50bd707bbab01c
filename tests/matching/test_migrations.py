"""Data migrations of the matching app, run against today's models."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from matching.models import ProgrammeRecommendation
from tests.factories import AdvisorFactory, StructureFactory, YouthFactory

pytestmark = pytest.mark.django_db


def test_selections_sent_before_get_the_senders_structure_of_that_day():
    backfill = importlib.import_module(
        "matching.migrations.0003_recommendation_structure").structure_on_the_day
    before, after = StructureFactory(), StructureFactory()
    old = AdvisorFactory(structure=before, designated_on=dt.date(2024, 1, 1),
                         withdrawn_on=dt.date(2025, 6, 30))
    AdvisorFactory(user=old.user, structure=after, designated_on=dt.date(2025, 7, 1))
    youth = YouthFactory()

    def sent(day, sender=old.user):
        return ProgrammeRecommendation.objects.create(
            youth=youth, advisor=sender,
            created_at=dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.UTC))

    # 30 June 2025 23:30 UTC is already 1 July in Paris.
    first, second, third = (sent(dt.date(2025, 3, 1)), sent(dt.date(2025, 6, 30)),
                            sent(dt.date(2025, 8, 1)))
    by_coordinator = sent(dt.date(2025, 8, 1), sender=YouthFactory())
    backfill(apps, None)
    for recommendation, structure in ((first, before), (second, after), (third, after),
                                      (by_coordinator, None)):
        recommendation.refresh_from_db()
        assert recommendation.structure == structure
