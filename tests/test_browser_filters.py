"""The public filter forms (programme catalogue, structure search, home, directory) at every
Bootstrap width from a phone's: no sideways scroll, and no select narrower than one of its
choices unless it already takes its whole row (tester t9b F16: « Tous les domain » at 390 px).
The default label (« Tous les domaines »…) always shows in full. Screenshots in
SCREENSHOT_DIR when set."""

import pytest

from tests.bookings.web_support import bookable_advisor
from tests.browser_pages import _screenshot, check_page, no_sideways_scroll
from tests.factories import ProgrammeSheetFactory

WIDTHS = (390, 576, 768, 1024, 1366)

# For each select: the choices wider than its room for text, and whether its column already
# takes the whole row of the form.
MEASURE = """() => [...document.querySelectorAll('main select')].map(select => {
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const room = select.clientWidth - parseFloat(style.paddingLeft)
    - parseFloat(style.paddingRight);
  const column = select.closest('[class*="col"]');
  const wholeRow = column.getBoundingClientRect().width
    >= column.parentElement.getBoundingClientRect().width - 1;
  const wide = [...select.options].filter(o => context.measureText(o.text).width > room + .5);
  return {name: select.name, wholeRow, wide: wide.map(o => o.text),
          firstClipped: wide.includes(select.options[0])};
})"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filter_selects_show_their_choices_at_every_width(page, live_server):
    bookable_advisor(public_name="Info Jeunes Pau Test", slug="ij-pau", postal_code="64000",
                     commune="Pau", departement="64")
    ProgrammeSheetFactory(slug="ces", title="Corps européen de solidarité")
    pages = {"catalogue": "/programmes/", "catalogue-ignored": "/programmes/?zone=mars&domaine=x",
             "search": "/rendez-vous/", "home": "/", "directory": "/structures/"}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server.url + path)
            no_sideways_scroll(page)
            _screenshot(page, f"filters-{name}-{width}")
            for select in page.evaluate(MEASURE):
                where = f"{path} at {width}px, {select['name']}"
                assert not select["firstClipped"], where
                # A choice longer than a phone's row (« formation professionnelle ou
                # apprentissage », four country names) can only be cut by the row itself.
                assert not select["wide"] or select["wholeRow"], (where, select)
    check_page(page, live_server.url + "/programmes/?zone=mars&domaine=x", "catalogue-ignored")
