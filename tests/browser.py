"""Helpers of the browser tests: serve a built site on localhost, drive Debian's chromium.

The browser tests never download a browser: they use the system's chromium (Debian's
``chromium`` package, ``/usr/bin/chromium``) through Playwright, and fail with a clear
message when it is missing (``scripts/dev.py test``, which ``.ci/run`` runs, installs it).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots of the browser tests (ignored by git).
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free localhost port; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium browser (Playwright's ``Browser``)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"the browser tests need Debian's chromium at {CHROMIUM}, which is missing: "
            "install it with `sudo apt-get install chromium` "
            "(`python3 scripts/dev.py test` run as root installs it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, **options: Any) -> Any:
    """A tab that reaches only localhost: a request elsewhere (a web font, a CDN) fails
    at once, as it would for a reader without internet access."""
    page = browser.new_page(**options)
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/])"), lambda route: route.abort())
    return page


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot of what the reader sees as ``tests/artifacts/NAME.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


def search(page: Any, base_url: str, query: str) -> list[str]:
    """Type ``query`` in Material's search box; the result links, as URLs of the site."""
    page.goto(base_url)
    page.locator("input.md-search__input").click()
    # The search index loads in a worker: type once it says it is ready.
    page.wait_for_function(
        """() => {
          const meta = document.querySelector(".md-search-result__meta");
          return meta && meta.textContent.trim() && !/initializ/i.test(meta.textContent);
        }"""
    )
    page.locator("input.md-search__input").press_sequentially(query)  # typed, key by key
    results = page.locator(".md-search-result__list a.md-search-result__link")
    results.first.wait_for()
    # Each key typed starts a search in the worker: the results of the whole query are
    # the ones that stay (the first shown can be those of its first letters).
    hrefs: list[str] = []
    for _ in range(50):
        page.wait_for_timeout(200)
        now = results.evaluate_all("links => links.map(a => a.href)")
        if now and now == hrefs:
            break
        hrefs = now
    return [re.split("[?#]", h.removeprefix(base_url))[0] for h in hrefs]
