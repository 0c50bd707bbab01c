"""Charts drawn on the server as SVG files (matplotlib), shown with ``<img>`` next to the
table of their numbers; or as PNG images (``image_format="png"``, ``PNG_DPI``) for documents
laid out by WeasyPrint, which draws an SVG's every path and glyph itself (slow) but embeds a
PNG as it is.

Readable without colour: series differ by grey level *and* hatch pattern, with black edges,
and every bar carries its number. Text is drawn as paths, so the file needs no font on the
reader's machine; the output is deterministic (no date, fixed ids) for the same figures.

Domain-free: the apps give categories, series and French labels; nothing here knows what is
counted. Matplotlib is imported on first use (it is slow to import) with the non-interactive
Agg machinery only (``Figure`` + the SVG canvas, no pyplot, safe in threads).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

#: (face colour, hatch) of the successive series: grey levels far apart, distinct line
#: patterns (dot and circle hatches make files ten times larger).
STYLES = (("#ffffff", "//"), ("#4d4d4d", ""), ("#d9d9d9", "xx"), ("#ffffff", "--"),
          ("#999999", "\\\\"), ("#f2f2f2", "||"), ("#1a1a1a", ""), ("#ffffff", "++"))
#: (face colour, hatch) of a chart with a single series (``bars_svg``): a plain mid grey that is
#: none of ``STYLES``, so that a bar of totals never reads as the first series of a stacked
#: chart next to it (tester t9b F5: the report's bars per structure wore the « réalisé » hatch).
SINGLE_STYLE = ("#bfbfbf", "")
#: Faces dark enough for a white number.
DARK_FACES = frozenset({"#4d4d4d", "#1a1a1a"})
WIDTH_INCHES = 8.0
#: For phones (a ``<picture>`` source for narrow screens): the same text size on a narrower
#: figure, so that labels stay readable once the image is scaled to the screen.
NARROW_WIDTH_INCHES = 4.6
ROW_INCHES = 0.55
#: Resolution of the PNG charts (printed at most 18 cm wide: 150 dpi reads well on paper).
PNG_DPI = 150


def _figure(rows: int, *, legend_rows: int = 0, narrow: bool = False):
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    rcParams["svg.hashsalt"] = "somobilite"
    rcParams["svg.fonttype"] = "path"
    rcParams["hatch.linewidth"] = 0.8
    height = 1.3 + ROW_INCHES * max(rows, 1) + 0.35 * legend_rows
    width = NARROW_WIDTH_INCHES if narrow else WIDTH_INCHES
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _output(figure, image_format: str = "svg") -> bytes:
    buffer = io.BytesIO()
    if image_format == "png":
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure.set_dpi(PNG_DPI)
        FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    elif image_format == "svg":
        from matplotlib.backends.backend_svg import FigureCanvasSVG

        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
    else:
        raise ValueError(f"unknown image format {image_format!r}")
    return buffer.getvalue()


def _frame(axes, *, categories: Sequence[str], title: str, value_label: str) -> None:
    axes.set_title(title, loc="left", fontsize=12)
    axes.set_yticks(range(len(categories)), labels=list(categories), fontsize=10)
    axes.invert_yaxis()  # first category on top, as in the table
    axes.set_xlabel(value_label, fontsize=10)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="x", color="#cccccc", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _empty(axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=11,
              transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def bars_svg(*, categories: Sequence[str], values: Sequence[int], title: str,
             value_label: str, empty_message: str, narrow: bool = False,
             image_format: str = "svg") -> bytes:
    """Horizontal bars, one per category (first on top), each labelled with its value, in the
    neutral ``SINGLE_STYLE`` (no legend: the title and axis say what is counted).
    ``empty_message`` is drawn when every value is 0 or there is no category; ``narrow``
    draws it for a phone's width; ``image_format`` "svg" or "png" (else ValueError)."""
    figure, axes = _figure(len(categories), narrow=narrow)
    if not categories or not any(values):
        _empty(axes, empty_message)
        axes.set_title(title, loc="left", fontsize=12)
        return _output(figure, image_format)
    face, hatch = SINGLE_STYLE
    bars = axes.barh(range(len(categories)), values, color=face, hatch=hatch,
                     edgecolor="black", linewidth=0.8, height=0.6)
    axes.bar_label(bars, padding=3, fontsize=10)
    _frame(axes, categories=categories, title=title, value_label=value_label)
    axes.set_xlim(0, max(values) * 1.15)
    return _output(figure, image_format)


def stacked_bars_svg(*, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                     title: str, value_label: str, empty_message: str,
                     narrow: bool = False, image_format: str = "svg") -> bytes:
    """One horizontal bar per category (first on top), stacked by series; each segment has
    its series' grey and hatch and, when it is not 0, its number; the total is written at the
    end of the bar. The legend (below) names only series that are not 0 everywhere;
    ``narrow`` draws it for a phone's width; ``image_format`` "svg" or "png" (else
    ValueError)."""
    shown = [(label, list(values)) for label, values in series if any(values)]
    columns = 1 if narrow else 3
    legend_rows = (len(shown) + columns - 1) // columns
    figure, axes = _figure(len(categories), legend_rows=legend_rows, narrow=narrow)
    if not categories or not shown:
        _empty(axes, empty_message)
        axes.set_title(title, loc="left", fontsize=12)
        return _output(figure, image_format)
    positions = range(len(categories))
    left = [0] * len(categories)
    for index, (label, values) in enumerate(series):
        if not any(values):
            continue
        face, hatch = STYLES[index % len(STYLES)]
        bars = axes.barh(positions, values, left=left, color=face, hatch=hatch,
                         edgecolor="black", linewidth=0.8, height=0.6, label=label)
        dark = face in DARK_FACES
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values],
                       label_type="center", fontsize=9,
                       color="white" if dark else "black",
                       bbox=None if dark else {"boxstyle": "round,pad=0.15", "fc": "white",
                                               "ec": "none"})
        left = [a + b for a, b in zip(left, values, strict=True)]
    for position, total in zip(positions, left, strict=True):
        axes.text(total, position, f"  {total}", va="center", fontsize=10, fontweight="bold")
    _frame(axes, categories=categories, title=title, value_label=value_label)
    axes.set_xlim(0, max(left) * 1.12)
    # Below the plot, in the figure's own space (constrained layout makes room for it): an
    # offset from the axes would leave a gap that grows with the number of categories, or
    # clip the legend's last row.
    figure.legend(loc="outside lower center", ncols=columns, frameon=False, fontsize=9,
                  handleheight=1.4, handlelength=2.2)
    return _output(figure, image_format)
