"""The filters a public list ignores (somobilite.query_filters), on each list that has them."""

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse

from bookings.directory import DirectoryFilterForm
from bookings.forms import SearchForm
from programmes.forms import CatalogueFilterForm
from somobilite.query_filters import QueryFilterForm


class _Form(QueryFilterForm):
    OTHER_PARAMETERS = frozenset({"page"})
    city = forms.CharField(label="Commune", required=False)


def test_ignored_parameters_in_the_addresses_order_cut_and_at_most_five():
    form = _Form(QueryDict("zz=1&city=Pau&page=2&a=1&" + "&".join(
        f"{'x' * 50}{n}=1" for n in range(6))))
    assert form.ignored_parameters() == ["zz", "a", *[("x" * 39) + "…"] * 3]
    assert _Form().ignored_parameters() == []
    assert _Form(QueryDict("city=Pau&page=3")).ignored_parameters() == []
    assert form.filter_names() == ["city (Commune)"]


@pytest.mark.parametrize("form_class", [CatalogueFilterForm, SearchForm, DirectoryFilterForm])
def test_every_public_list_filter_form_tells_what_it_ignores(form_class):
    assert issubclass(form_class, QueryFilterForm)
    assert form_class(QueryDict("inconnu=1")).ignored_parameters() == ["inconnu"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["programmes:catalogue", "bookings:search", "directory:index"])
def test_each_list_page_says_it(client, url):
    content = client.get(reverse(url), {"foo": "bar"}).content.decode()
    assert "<li>« foo » : ce filtre n'existe pas.</li>" in content
    assert "Filtres possibles dans l'adresse : " in content
