"""Shared by the browser tests: the checks every page gets at both widths, and the session of
the Django test client handed to the browser. Screenshots go to ``SCREENSHOT_DIR`` when it is
set (CI and the testers set it), for a person to look at."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

WIDTHS = (390, 1366)


def share_session(context, client, live_server) -> None:
    """Give a browser context (``page.context``) the session of ``client``, already logged in
    with ``force_login`` or ``login_with_mfa``."""
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url}: {overflow} px wider than the window"


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def shots(page, name: str) -> None:
    """At each width: no horizontal overflow, and a full-page screenshot if asked for."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("networkidle")  # images chosen for this width
        no_sideways_scroll(page)
        _screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


def axe_clean(page, where: str = "") -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{where or page.url}\n" + results.generate_report()


def check_page(page, url: str, name: str, *, axe: bool = True, widths=WIDTHS) -> None:
    """Open ``url`` at each width: axe finds nothing (unless ``axe=False``: Django admin's own
    pages), no sideways scroll, and a screenshot ``name-WIDTH.png`` if asked for."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        if axe:
            axe_clean(page, f"{name} at {width}px")
        no_sideways_scroll(page)
        _screenshot(page, f"{name}-{width}")
