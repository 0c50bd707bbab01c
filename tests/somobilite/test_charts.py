"""The domain-free charts: single-series bars never wear a series' style."""

from somobilite.charts import SINGLE_STYLE, STYLES, bars_svg, stacked_bars_svg


def test_single_series_bars_have_no_hatch_of_a_stacked_series():
    # Tester t9b F5: the report's « Entretiens par structure » bars wore the hatch that means
    # « réalisé » in the stacked charts next to them, without a legend.
    bars = bars_svg(categories=["Angoulême", "Pau"], values=[8, 3], title="Entretiens",
                    value_label="entretiens", empty_message="Aucun entretien")
    stacked = stacked_bars_svg(categories=["Angoulême"], series=[("réalisés", [6]),
                                                                 ("à venir", [2])],
                               title="Entretiens", value_label="entretiens",
                               empty_message="Aucun entretien")
    assert b"<pattern" in stacked  # the hatches of the stacked series
    assert b"<pattern" not in bars
    assert f"fill: {SINGLE_STYLE[0]}".encode() in bars
    assert SINGLE_STYLE not in STYLES
