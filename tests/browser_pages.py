"""Shared by the browser tests: the checks every page gets at both widths."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

WIDTHS = (390, 1366)


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url}: {overflow} px wider than the window"


def shots(page, name: str) -> None:
    """At each width: no horizontal overflow, and a full-page screenshot if asked for."""
    folder = os.environ.get("SCREENSHOT_DIR")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("networkidle")  # images chosen for this width
        no_sideways_scroll(page)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def axe_clean(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
