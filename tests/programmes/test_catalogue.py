"""Public catalogue: filters, French search on both databases, pages and query counts."""

import re

import pytest
from django.urls import reverse

from programmes.selectors import catalogue_sheets
from tests.factories import ProgrammeSheetFactory

pytestmark = pytest.mark.django_db


def slugs(queryset) -> list[str]:
    return [sheet.slug for sheet in queryset]


@pytest.fixture
def sheets():
    return [
        ProgrammeSheetFactory(slug="ces", title="Corps européen de solidarité",
                              summary="Volontariat en Europe de 2 à 12 mois.",
                              domains=["volunteering"], destination_zones=["eu"],
                              destination_countries=[], age_min=18, age_max=30),
        ProgrammeSheetFactory(slug="ofaj", title="Programme d'echange franco-allemand",
                              summary="Un echange scolaire.", domains=["exchange"],
                              destination_countries=["DE"], age_min=11, age_max=17),
        ProgrammeSheetFactory(slug="pvt-australie", title="PVT Australie",
                              summary="Travailler et voyager en Australie.",
                              domains=["working_holiday"], destination_countries=["AU"],
                              age_min=18, age_max=35),
        ProgrammeSheetFactory(slug="vsi", title="Volontariat de solidarité internationale",
                              summary="Échanges et solidarité dans le monde entier.",
                              domains=["volunteering"], destination_zones=["worldwide"],
                              destination_countries=[], age_min=18, age_max=None),
        ProgrammeSheetFactory(slug="humanitaire", title="Mission humanitaire",
                              domains=["volunteering"], destination_countries=[],
                              destination_zones=["africa", "asia", "latin_america"]),
        ProgrammeSheetFactory(slug="istanbul", title="Stage à Istanbul",
                              domains=["internship"], destination_countries=["TR"]),
        ProgrammeSheetFactory(slug="brouillon", title="Volontariat en brouillon",
                              publication="draft"),
    ]


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("volontariat", ["ces", "vsi"], id="lowercase-finds-capitalised"),
    pytest.param("VOLONTARIAT", ["ces", "vsi"], id="uppercase"),
    pytest.param("échange", ["ofaj", "vsi"], id="accent-finds-no-accent"),
    pytest.param("echange", ["ofaj", "vsi"], id="no-accent-finds-accent"),
    pytest.param("australie travailler", ["pvt-australie"], id="every-word"),
    pytest.param("introuvable", [], id="nothing"),
])
def test_french_search_ignores_case_and_accents(sheets, query, expected):
    assert sorted(slugs(catalogue_sheets(query=query))) == expected


@pytest.mark.parametrize(("filters", "expected"), [
    pytest.param({"domain": "volunteering"}, ["ces", "humanitaire", "vsi"], id="domain"),
    pytest.param({"country": "DE"}, ["ces", "ofaj", "vsi"], id="country-in-a-zone"),
    pytest.param({"zone": "oceania"}, ["pvt-australie", "vsi"], id="zone-containing-a-country"),
    # Cyprus makes the EU touch Asia, Turkey and the Caucasus make Asia touch Europe: neither
    # counts; a programme only in Turkey is in both.
    pytest.param({"zone": "europe"}, ["ces", "istanbul", "ofaj", "vsi"], id="zone-europe"),
    pytest.param({"zone": "asia"}, ["humanitaire", "istanbul", "vsi"], id="zone-asia"),
    pytest.param({"country": "TR"}, ["humanitaire", "istanbul", "vsi"],
                 id="a-straddling-country-itself"),
    pytest.param({"age": 16}, ["humanitaire", "istanbul", "ofaj"], id="age"),
    pytest.param({"age": 40}, ["humanitaire", "istanbul", "vsi"], id="age-no-maximum"),
    pytest.param({"age": 30, "domain": "volunteering"}, ["ces", "humanitaire", "vsi"],
                 id="combined"),
])
def test_filters(sheets, filters, expected):
    assert sorted(slugs(catalogue_sheets(**filters))) == expected


def test_catalogue_page_lists_published_sheets_in_few_queries(client, sheets,
                                                              django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        response = client.get(reverse("programmes:catalogue"), {"q": "volontariat"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Corps européen de solidarité" in content
    assert "Volontariat en brouillon" not in content


def test_query_count_does_not_grow_with_sheets(client, django_assert_num_queries):
    ProgrammeSheetFactory.create_batch(45)
    with django_assert_num_queries(2):
        response = client.get(reverse("programmes:catalogue"), {"page": "2"})
    assert "Page 2 sur 3" in response.content.decode()


def test_invalid_filter_is_reported_not_a_500(client, sheets):
    response = client.get(reverse("programmes:catalogue"), {"age": "vingt", "domain": "surf"})
    assert response.status_code == 200
    assert "Saisissez un nombre entier." in response.content.decode()
    assert len(response.context["page"].object_list) == 6


def test_detail_page_renders_markdown_safely(client):
    ProgrammeSheetFactory(slug="pvt-canada", title="PVT Canada",
                          description="**Important** <script>alert(1)</script>\n\n- un\n- deux",
                          languages=[{"language": "en", "level": "B1", "required": False}])
    response = client.get(reverse("programmes:detail", kwargs={"slug": "pvt-canada"}))
    content = response.content.decode()
    assert "<strong>Important</strong>" in content
    assert "<script>alert" not in content
    assert "<li>un</li>" in content
    assert "Anglais B1 (conseillé)" in content


def test_unpublished_detail_is_404(client, sheets):
    assert client.get(reverse("programmes:detail", kwargs={"slug": "brouillon"})).status_code == 404


def test_detail_page_says_what_is_to_verify_and_who_may_apply(client):
    ProgrammeSheetFactory(slug="bourse-gironde", residence_departements=["33", "40"],
                          verification="to_verify",
                          verification_note="le montant de l'année.")
    response = client.get(reverse("programmes:detail", kwargs={"slug": "bourse-gironde"}))
    content = response.content.decode()
    assert "À vérifier :</strong> le montant de l&#x27;année." in content
    assert "<dt>Réservé aux habitants</dt><dd>Gironde, Landes</dd>" in content


def test_detail_page_of_a_verified_sheet_has_no_warning(client):
    ProgrammeSheetFactory(slug="verifiee")
    response = client.get(reverse("programmes:detail", kwargs={"slug": "verifiee"}))
    assert "À vérifier" not in response.content.decode()


def test_sheet_from_a_search_links_back_to_it_and_to_booking(client, sheets):
    catalogue = client.get(reverse("programmes:catalogue"), {"q": "volontariat", "zone": "eu"})
    html = catalogue.content.decode()
    link = "/programmes/ces/?recherche=q%3Dvolontariat%26zone%3Deu"
    assert f'href="{link}"' in html
    detail = client.get(link).content.decode()
    assert 'href="/programmes/?q=volontariat&amp;zone=eu">Retour aux résultats' in detail
    assert f'href="{reverse("bookings:search")}">Prendre rendez-vous</a>' in detail
    assert "Les conseillers So Mobilité vous reçoivent gratuitement" in detail


def test_sheet_without_a_search_links_to_the_catalogue_and_to_booking(client, sheets):
    detail = client.get(reverse("programmes:detail", kwargs={"slug": "ces"})).content.decode()
    assert 'href="/programmes/">Tous les dispositifs</a>' in detail
    assert ">Prendre rendez-vous</a>" in detail


@pytest.mark.parametrize("raw", [
    "https://ailleurs.example/", "javascript:alert(1)", "q=%3Cscript%3E&next=//ailleurs",
])
def test_the_search_carried_by_a_sheet_keeps_only_catalogue_filters(client, sheets, raw):
    detail = client.get(reverse("programmes:detail", kwargs={"slug": "ces"}),
                        {"recherche": raw}).content.decode()
    back = re.search(r'<nav[^>]*><a href="([^"]*)"', detail).group(1)
    assert back.startswith("/programmes/")
    assert "ailleurs" not in back and "javascript" not in back and "<script" not in back


def test_every_ignored_filter_is_told_an_unknown_one_as_an_invalid_one(client, sheets):
    """Tester t9b F16: ``zone=mars`` was reported but ``domaine=xyz`` (no such filter) was
    ignored silently. Both are now listed as ignored; the results apply neither."""
    url = reverse("programmes:catalogue")
    response = client.get(url, {"zone": "mars", "domaine": "xyz", "page": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ces filtres ont été ignorés, la liste ci-dessous ne les applique pas" in page
    assert "<li>Zone : Sélectionnez un choix valide. mars n’en fait pas partie.</li>" in page
    assert "<li>« domaine » : ce filtre n'existe pas.</li>" in page
    # The filters by the names the address takes (tester t9c #12: « Pays » while « pays » was
    # refused), each with its label.
    assert ("Filtres possibles dans l'adresse : q (Rechercher), domain (Domaine), zone (Zone), "
            "country (Pays), age (Votre âge).") in page
    assert len(response.context["page"].object_list) == 6
    # An unknown filter alone, with a valid one: told, and the valid one applied.
    response = client.get(url, {"domaine": "stage", "zone": "eu"})
    assert response.context["form"].ignored_parameters() == ["domaine"]
    assert slugs(response.context["page"].object_list) == slugs(catalogue_sheets(zone="eu"))
    assert len(response.context["page"].object_list) < 6
    # The page of results is no filter; nothing ignored, nothing told.
    response = client.get(url, {"page": "1", "zone": "eu"})
    assert response.context["form"].ignored_parameters() == []
    assert "ont été ignorés" not in response.content.decode()
    # Names are escaped, cut to 40 characters, at most five of them.
    names = {f"<b>{'x' * 60}{n}": "1" for n in range(8)}
    response = client.get(url, names)
    ignored = response.context["form"].ignored_parameters()
    assert len(ignored) == 5 and all(len(name) == 40 for name in ignored)
    assert "<b>" not in response.content.decode().split("<main", 1)[1]


def test_the_longest_domain_fits_a_phones_select(client, sheets):
    """Tester t9c #12: « formation professionnelle ou apprentissage » was clipped at 390 px (a
    select's text cannot wrap); the catalogue shows a short label, the code is unchanged."""
    response = client.get(reverse("programmes:catalogue"), {"domain": "training"})
    choices = dict(response.context["form"].fields["domain"].choices)
    assert max(len(str(label)) for label in choices.values()) <= 32
    assert choices["training"] == "formation pro. ou apprentissage"
    assert '<option value="training" selected>formation pro. ou apprentissage</option>' in (
        response.content.decode())
    assert slugs(response.context["page"].object_list) == slugs(
        catalogue_sheets(domain="training"))
