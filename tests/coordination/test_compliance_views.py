"""The coordinators' compliance page (issue 14) on a hand-built network: each structure's
weeks against the minimum with the reasons, advisors to train, conventions to watch,
coverage by département; bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import (
    AdvisorFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
)
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

PAGE = reverse("coordination:compliance")


@pytest.fixture
def network(world):
    """World (Thursday 19 March 2026): X (the advisor and a colleague, nothing published)
    and another structure. Added: X publishes Fridays 9:00-12:00; Pau (64) publishes two
    hours and its convention is in notice; Tulle (19) has only an untrained advisor."""
    RecurringAvailabilityFactory(advisor=world.advisor, weekday=4)
    pau = StructureFactory(public_name="Info Jeunes Pau", departement="64")
    ConventionFactory(structure=pau, termination_letter_received_on=dt.date(2026, 3, 2))
    RecurringAvailabilityFactory(advisor=BookableAdvisorFactory(structure=pau), weekday=1,
                                 end_time=dt.time(11))
    tulle = StructureFactory(public_name="Info Jeunes Tulle", departement="19")
    ConventionFactory(structure=tulle)
    AdvisorFactory(structure=tulle, user__first_name="Nina", user__last_name="Nouvelle")
    return world


def test_compliance_page_rows_and_reasons(client, network, django_assert_max_num_queries):
    login_with_mfa(client, network.coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    watch = response.context["watch"]
    assert len(watch.week_starts) == 8  # the booking horizon
    rows = {s.structure_name: s for s in watch.structures}
    # Fridays 1 and 8 May 2026 are public holidays.
    assert [w.hours_offered for w in rows[network.structure.public_name].weeks] == [
        3, 3, 3, 3, 3, 3, 0, 0]
    assert rows[network.structure.public_name].weeks[6].reason == "jour férié dans la semaine"
    pau = rows["Info Jeunes Pau"]
    assert [w.reason for w in pau.weeks][:2] == ["moins de 3 h publiées"] * 2
    # The week of Easter Monday (6 April 2026): Pau's Tuesday is still published.
    below = '<span class="visually-hidden"> : sous le minimum</span><br>'
    assert f"<strong>2 h</strong>{below}Moins de 3 h publiées" in page
    assert f"<strong>0 h</strong>{below}Aucun·e conseiller·ère formé·e et désigné·e" in page
    assert f"{below}Rien de publié" in page  # the other structure of the world
    assert f"{below}Jour férié dans la semaine" in page
    assert "Nina Nouvelle" in page and "Info Jeunes Tulle (19)" in page
    assert "En préavis de résiliation" in page and "02/05/2026" in page
    assert "19 – Corrèze" in page
    assert "style=" not in page


def test_compliance_page_queries_do_not_grow(client, network, django_assert_num_queries):
    login_with_mfa(client, network.coordinator)
    client.get(PAGE)
    with django_assert_num_queries(11) as first:
        client.get(PAGE)
    for departement in ("16", "17", "23", "40"):
        structure = StructureFactory(departement=departement)
        ConventionFactory(structure=structure, formal_notice_received_on=dt.date(2026, 3, 10))
        RecurringAvailabilityFactory(advisor=BookableAdvisorFactory(structure=structure))
        AdvisorFactory(structure=structure)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(PAGE)
    assert len(response.context["watch"].conventions) == 5


def test_weekly_table_by_departement_and_under_the_minimum(client, network):
    login_with_mfa(client, network.coordinator)
    names = lambda response: [s.structure_name for s in response.context["structures"]]  # noqa: E731
    assert names(client.get(PAGE + "?departement=64")) == ["Info Jeunes Pau"]
    under = names(client.get(PAGE + "?sous_minimum=on"))
    assert "Info Jeunes Pau" in under and "Info Jeunes Tulle" in under
    # X is under the minimum only in the weeks of 1 and 8 May (public holidays).
    assert network.structure.public_name in under
    assert names(client.get(PAGE + "?departement=16")) == []
    page = client.get(PAGE + "?departement=16").content.decode()
    assert "Aucune structure active ne correspond à ces critères." in page
    # A wrong département is refused in French and the whole network is listed.
    wrong = client.get(PAGE + "?departement=75")
    assert "Sélectionnez un choix valide" in wrong.content.decode()
    assert len(wrong.context["structures"]) == 4


def test_weeks_outside_the_convention_say_so_not_a_holiday(client, network):
    """Tester t9b F17 on the page (frozen on 19 March 2026): a convention ending on Thursday
    9 April (formal notice of 10 March unanswered). The week of Easter Monday owes its
    share and gives the convention first, then the holiday; the weeks after owe nothing,
    are not counted under the minimum and say « Convention pas en vigueur »."""
    ending = StructureFactory(public_name="Info Jeunes Guéret", departement="23")
    ConventionFactory(structure=ending, formal_notice_received_on=dt.date(2026, 3, 10))
    advisor = BookableAdvisorFactory(structure=ending)
    RecurringAvailabilityFactory(advisor=advisor, weekday=0)
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, end_time=dt.time(10))
    login_with_mfa(client, network.coordinator)
    response = client.get(PAGE + "?departement=23")
    weeks = response.context["structures"][0].weeks
    assert [(w.hours_offered, w.minimum_hours, w.reason) for w in weeks[2:5]] == [
        (4, 3, ""),
        (0, 3, "convention en vigueur jusqu'au 09/04 : minimum dû 3 h ; "
               "jour férié dans la semaine"),
        (0, 0, "convention pas en vigueur"),
    ]
    page = response.content.decode()
    assert ('<span class="visually-hidden"> : sous le minimum</span><br>Convention en vigueur '
            "jusqu&#x27;au 09/04 : minimum dû 3 h<br>Jour férié dans la semaine") in page
    assert page.count('<td class="small table-secondary">\n          0 h<br>Convention pas en '
                      "vigueur") == 4
    coverage = next(row for row in response.context["watch"].coverage if row.code == "23")
    assert coverage.structures_below == 1  # the week of 6 April, not the four after
