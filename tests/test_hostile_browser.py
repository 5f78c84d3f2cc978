"""Guarantee 4, no injection: hostile specs run nothing in a real browser.

A Material site is built from a spec that carries a payload in every string field
(``hostile_spec`` of ``test_build.py``: script, event handlers, iframes, SVG onload,
``javascript:`` and ``data:`` links, ``attr_list``, snippets, Jinja, table breakers,
Mermaid directives), served on localhost, and loaded in headless chromium. Every
payload that could run sets ``window.pwned``: it must stay undefined, and no element
may carry an event handler or a ``javascript:``/``data:`` URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import browser
from browser import chromium, new_page, screenshot, serve
from test_build import PAYLOADS, hostile_spec

from conftest import spec_text
from sites import build, make_site

pytestmark = pytest.mark.browser

HOSTILE = "<script>window.pwned=1</script>"
HOSTILE_INVALID = "bad <b>one</b> <img src=x onerror=window.pwned=1>"
SPECS = {
    "hostile.modelspec.yaml": hostile_spec(HOSTILE),
    "victim.modelspec.yaml": spec_text("victim"),
    # Invalid: its page shows the problems, and the problems quote the bad value.
    "hostile-invalid.modelspec.yaml": hostile_spec(HOSTILE_INVALID).replace(
        "count: 2", 'count: "<script>window.pwned=1</script>"'
    ),
}

# What a reader's browser must never get from a spec: runs in the page, returns findings.
FIND_ACTIVE_CONTENT = """() => {
  const found = [];
  if (typeof window.pwned !== "undefined") found.push("window.pwned = " + window.pwned);
  for (const el of document.querySelectorAll("iframe, object, embed, frame")) {
    found.push("<" + el.tagName.toLowerCase() + ">");
  }
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(el.tagName + " " + name + "=" + attr.value);
      if (/^(javascript|data|vbscript):/.test(value) &&
          ["href", "src", "xlink:href", "action", "formaction", "data", "srcdoc", "poster"]
            .includes(name)) {
        found.push(el.tagName + " " + name + "=" + attr.value);
      }
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("hostile-site"), SPECS, theme="material")
    done = build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


class Tab:
    """One browser tab; each visit is a fresh document (and a fresh ``window``)."""

    def __init__(self, browser: Any) -> None:
        self.page = new_page(browser)
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url: str, shot: str) -> list[str]:
        """Load ``url``; return the active content found in it once it has loaded."""
        self.dialogs.clear()
        self.page.goto(url, wait_until="load")  # every image loaded or fired its onerror
        found: list[str] = self.page.evaluate(FIND_ACTIVE_CONTENT)
        screenshot(self.page, f"hostile-{shot}")
        return found + [f"dialog: {message}" for message in self.dialogs]


@pytest.fixture(scope="module")
def tab() -> Iterator[Tab]:
    with chromium() as browser:
        yield Tab(browser)


def model_url(site: Path, name: str) -> str:
    models = json.loads((site / "models.json").read_text(encoding="utf-8"))["models"]
    [url] = [m["url"] for m in models if m["name"] == name]
    return url


PAGES = {
    "model": lambda site: model_url(site, HOSTILE),
    "invalid-model": lambda site: model_url(site, HOSTILE_INVALID),
    "catalog": lambda site: "models/",
    "governance": lambda site: "models/governance/",
    "graph": lambda site: "models/graph/",
    "problems": lambda site: "models/problems/",
}


@pytest.mark.parametrize("which", sorted(PAGES))
def test_no_payload_runs_in_the_page(site: Path, base_url: str, tab: Tab, which: str) -> None:
    url = PAGES[which](site)
    assert tab.visit(base_url + url, which) == [], url


def test_the_payloads_are_shown_as_text(site: Path, base_url: str, tab: Tab) -> None:
    assert tab.visit(base_url + model_url(site, HOSTILE), "model-text") == []
    assert tab.page.locator("article h1").first.inner_text().rstrip("¶") == HOSTILE
    text = tab.page.locator("article").inner_text()
    for payload in ("[click](javascript:window.pwned=1)", 'x{: onclick="window.pwned=1" }'):
        assert payload in text


def test_every_other_generated_page_is_inert(site: Path, base_url: str, tab: Tab) -> None:
    urls = {
        p.parent.relative_to(site).as_posix() + "/" for p in (site / "models").rglob("index.html")
    }
    assert len(urls) >= 9  # the overview pages and the three models
    for url in sorted(urls - {pick(site) for pick in PAGES.values()}):
        assert tab.visit(base_url + url, "page-" + url) == [], url


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same catalog with every table of the overview pages split as a large page's
    are: the first row in the HTML, the others in the page's data file, which the site's
    script inserts."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from mkdocs_modelspec.rendering import tables

    root = make_site(tmp_path_factory.mktemp("hostile-paged"), SPECS, theme="material")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "INLINE_ROWS", 1)
        patch.setattr(tables, "FIRST_ROWS", 1)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        mkdocs_build(load_config(str(root / "mkdocs.yml")))
    return root / "site"


@pytest.mark.parametrize("which", ["governance", "ownership", "scorecards"])
def test_no_payload_runs_in_the_rows_a_script_adds(paged_site: Path, tab: Tab, which: str) -> None:
    # The payloads are in the rows the data file holds (escaped), not only in the HTML.
    assert "pwned" in (paged_site / f"models/{which}.rows.json").read_text()
    with serve(paged_site) as url:
        found = tab.visit(url + f"models/{which}/", f"paged-{which}")
        # The rows were added (the note of each split table is gone), and show the
        # payload as text.
        tab.page.wait_for_function("!document.querySelector('.modelspec-rows-note')")
        assert tab.page.evaluate(FIND_ACTIVE_CONTENT) == found == []
        assert HOSTILE in tab.page.locator("article").inner_text()


def test_the_check_sees_a_payload_that_runs(site: Path, base_url: str, tab: Tab) -> None:
    """The payloads do run when they reach a page unescaped, and the check sees them:
    the tests above cannot pass by looking in the wrong place."""
    (site / "control.html").write_text(
        "<!doctype html><body>" + "\n".join(PAYLOADS) + "</body>", encoding="utf-8"
    )
    found = tab.visit(base_url + "control.html", "control")
    assert "window.pwned = 1" in found
    assert any(" onerror=" in f for f in found)
    assert any("href=javascript:" in f for f in found)
    assert "<iframe>" in found


def test_without_chromium_the_tests_fail_saying_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"), chromium():
        pass
