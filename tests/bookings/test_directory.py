import pytest
from django.urls import reverse

from advisors.models import StructureStatus
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("directory:index")


@pytest.fixture
def structures():
    return [
        StructureFactory(public_name="Info Jeunes Tulle", commune="Tulle", departement="19",
                         postal_code="19000", address="2 quai Fictif", phone="+33555000000",
                         email="tulle@ij.test", description="Accueil libre et gratuit."),
        StructureFactory(public_name="Info Jeunes Bayonne", commune="Bayonne",
                         departement="64", postal_code="64100"),
        StructureFactory(public_name="Candidate Agen", departement="47", postal_code="47000",
                         status=StructureStatus.CANDIDATE),
        StructureFactory(public_name="Sortie Périgueux", departement="24", postal_code="24000",
                         status=StructureStatus.ENDED),
    ]


def test_directory_lists_active_structures_by_departement(client, structures):
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(g.code, [s.public_name for s in g.structures]) for g in groups] == [
        ("19", ["Info Jeunes Tulle"]),
        ("64", ["Info Jeunes Bayonne"]),
    ]
    content = response.content.decode()
    assert '<h2 id="dep-19" class="h3">Corrèze (19)</h2>' in content
    assert "2 quai Fictif, 19000 Tulle" in content
    assert 'href="tel:+33555000000"' in content and "05 55 00 00 00" in content
    assert "tulle@ij.test" in content
    assert "Accueil libre et gratuit." in content
    assert "Candidate Agen" not in content and "Sortie Périgueux" not in content
    assert all(s.modes_offered == [] for g in groups for s in g.structures)
    assert '<label class="form-label" for="id_departement">Département</label>' in content


def test_filter_by_departement(client, structures):
    response = client.get(DIRECTORY, {"departement": "64"})
    assert [g.code for g in response.context["groups"]] == ["64"]
    assert "Info Jeunes Tulle" not in response.content.decode()


def test_filter_with_no_result(client, structures):
    response = client.get(DIRECTORY, {"departement": "23"})
    assert response.status_code == 200
    assert "Aucune structure active" in response.content.decode()


@pytest.mark.parametrize("value", ["75", "abc", "'; DROP TABLE", "3" * 500])
def test_invalid_departement_is_a_french_message(client, structures, value):
    response = client.get(DIRECTORY, {"departement": value})
    assert response.status_code == 200
    content = response.content.decode()
    assert "n&#x27;est pas en Nouvelle-Aquitaine" in content
    assert 'aria-invalid="true"' in content
    assert len(response.context["groups"]) == 2  # everything is listed


def test_directory_query_count_does_not_grow(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    StructureFactory.create_batch(3)
    client.get(DIRECTORY)  # fills the free-slot cache
    with CaptureQueriesContext(connection) as few:
        client.get(DIRECTORY)
    StructureFactory.create_batch(12, departement="87", postal_code="87000")
    client.get(DIRECTORY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DIRECTORY)
    assert len(many) == len(few) <= 3
    assert sum(len(g.structures) for g in response.context["groups"]) == 15


def test_directory_shows_the_modes_with_free_slots(client):
    from tests.bookings.web_support import bookable_advisor

    advisor = bookable_advisor(public_name="Info Jeunes Modes", modes=("video", "phone"))
    response = client.get(DIRECTORY)
    structure = next(s for g in response.context["groups"] for s in g.structures
                     if s.pk == advisor.structure_id)
    assert structure.modes_offered == ["en visio", "par téléphone"]
    assert "par téléphone" in response.content.decode()


def test_directory_cards_kept_in_memory_follow_every_change_of_what_they_show(client,
                                                                             structures):
    """Each card is rendered once per process under its content (``_card_key``): a change of
    the name, the phone, the description or the modes with a free slot shows at once."""
    from tests.bookings.web_support import bookable_advisor
    from tests.factories import ConventionFactory

    before = client.get(DIRECTORY).content.decode()
    assert client.get(DIRECTORY).content.decode() == before
    tulle = structures[0]
    tulle.public_name, tulle.phone = "Info Jeunes Tulle Centre", "+33555111111"
    tulle.description = "Ouvert le samedi."
    tulle.save()
    after = client.get(DIRECTORY).content.decode()
    assert "Info Jeunes Tulle Centre" in after and "Info Jeunes Tulle<" not in after
    assert 'href="tel:+33555111111"' in after and "05 55 11 11 11" in after
    assert "Ouvert le samedi." in after and "Accueil libre" not in after

    ConventionFactory(structure=structures[1])
    bookable_advisor(structure=structures[1], modes=("phone",))
    bayonne = client.get(DIRECTORY, {"departement": "64"}).content.decode()
    assert "par téléphone" in bayonne and "Pas encore de créneaux publiés." not in bayonne


def test_structure_detail(client, structures, django_assert_max_num_queries):
    url = reverse("directory:structure_detail", kwargs={"slug": structures[0].slug})
    client.get(url)  # fills the free-slot cache
    with django_assert_max_num_queries(2):  # the structure, and live appointments if any
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Info Jeunes Tulle</h1>" in content
    assert "2 quai Fictif, 19000 Tulle" in content
    assert response.context["structure"].modes_offered == []


@pytest.mark.parametrize("index", [2, 3])
def test_structure_detail_hidden_when_not_active(client, structures, index):
    url = reverse("directory:structure_detail", kwargs={"slug": structures[index].slug})
    assert client.get(url).status_code == 404


def test_structure_detail_unknown(client):
    url = reverse("directory:structure_detail", kwargs={"slug": "inconnue"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("params", [{"foo": "bar"}, {"dep": "33"}, {"departement": "33",
                                                                     "lieu": "Pessac"}])
def test_an_unknown_filter_is_told_and_ignored(client, structures, params):
    """Tester t9c #7: ``?foo=bar`` was ignored without a word, unlike ``/programmes/``."""
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    content = response.content.decode()
    unknown = next(name for name in params if name != "departement")
    assert f"<li>« {unknown} » : ce filtre n'existe pas.</li>" in content
    assert "Filtres possibles dans l'adresse : departement (Département)." in content


def test_known_filters_alone_tell_nothing(client, structures):
    for params in ({}, {"departement": "64"}, {"departement": ""}):
        assert "ce filtre n'existe pas" not in client.get(DIRECTORY, params).content.decode()
