"""Stored XSS through a spec's file name: inert in a real browser, under every theme.

A spec file's name reaches a model page's "edit this page" link (``repo_url`` +
``edit_uri`` + the file's path), its title when the spec has no name, the source
listing, the problems page and ``models.json``. Sites whose spec files (and a
folder) are named with HTML and attribute payloads are built with Material (with
``content.action.edit``), the ``mkdocs`` and ``readthedocs`` themes, and with
ProperDocs, served on localhost and loaded in headless Chromium: no payload runs, no
element gets an event handler, and each edit link is the file's path percent-encoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from browser import chromium, serve
from test_hostile_browser import Tab

from conftest import spec_text
from sites import CONFIG, build

pytestmark = pytest.mark.browser

REPO = "https://github.com/example/models/"
EDIT = "edit/main/docs/"
# File and folder names: an attribute break-out with an image, a single-quoted one
# with a handler, an SVG in a folder name, and the characters a URL gives meaning to.
FILES = {
    'x"><img src=x onerror=window.pwned=1>.modelspec.yaml': "named-in-file",
    "y' onmouseover='window.pwned=1' a='.modelspec.yaml": "single-quoted",
    '"><svg onload=window.pwned=1>/z.modelspec.yaml': "in-a-folder",
    "q?a=1#b&c=<script>window.pwned=1<%2Fscript> %.modelspec.yaml": "url-characters",
    # No metadata.name: the file name is the page's title.
    "<img src=x onerror=window.pwned=1>.modelspec.yaml": None,
}
THEMES = {
    "material": "  name: material\n  features:\n    - content.action.edit\n    - content.action.view",
    "mkdocs": "  name: mkdocs",
    "readthedocs": "  name: readthedocs",
}


def make_project(root: Path, theme: str) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    for file, name in FILES.items():
        path = root / "specs" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        text = spec_text(json.dumps(name or "x"))
        if name is None:
            text = text.replace('  name: "x"\n', "  description: no name\n")
        if name == "named-in-file":  # invalid: on the problems page, its file named
            text = text.replace("count: 1", "count: many")
        path.write_text(text)
    config = CONFIG.format(theme="{theme}", nav="", options="      enabled: true")
    config = config.replace("theme:\n  name: {theme}\n", "theme:\n" + THEMES[theme] + "\n")
    config = f"repo_url: {REPO}\nedit_uri: {EDIT}\n" + config
    (root / "mkdocs.yml").write_text(config)
    return root


SITES = [
    ("material", "mkdocs"),
    ("mkdocs", "mkdocs"),
    ("readthedocs", "mkdocs"),
    ("material", "properdocs"),
]


@pytest.fixture(scope="module", params=SITES, ids=[f"{t}-{tool}" for t, tool in SITES])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    theme, tool = request.param
    root = make_project(tmp_path_factory.mktemp(f"names-{theme}-{tool}"), theme)
    done = build(root, tool=tool)
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.fixture(scope="module")
def tab() -> Iterator[Tab]:
    with chromium() as browser:
        yield Tab(browser)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def models(site: Path) -> list[dict[str, Any]]:
    return json.loads((site / "models.json").read_text(encoding="utf-8"))["models"]


EDIT_LINKS = """() => [...document.querySelectorAll("a[href]")]
  .map(a => a.getAttribute("href"))
  .filter(href => href.startsWith("https://github.com/example/models/"))"""


def test_no_file_name_runs_on_its_model_page(site: Path, base_url: str, tab: Tab) -> None:
    for model in models(site):
        file = model["file"].removeprefix("specs/")
        shot = f"{site.parent.name}-{model['url']}"
        assert tab.visit(base_url + model["url"], shot) == [], file
        # The edit link is there, and it is the path, percent-encoded.
        expected = REPO + "edit/main/" + quote(f"specs/{file}", safe="/")
        links = tab.page.evaluate(EDIT_LINKS)
        assert expected in links, (file, links)
        assert not any('"' in link or "<" in link or " " in link for link in links), links


def test_the_file_names_are_shown_as_text(site: Path, base_url: str, tab: Tab) -> None:
    [nameless] = [m for m in models(site) if m["name"].startswith("<img")]
    assert tab.visit(base_url + nameless["url"], f"{site.parent.name}-title") == []
    assert tab.page.locator("h1").first.inner_text().rstrip("¶") == nameless["name"]
    text = tab.page.locator("body").inner_text()
    assert "specs/<img src=x onerror=window.pwned=1>.modelspec.yaml" in text


@pytest.mark.parametrize("page", ["models/", "models/problems/", "models/graph/"])
def test_the_overview_pages_are_inert(site: Path, base_url: str, tab: Tab, page: str) -> None:
    assert tab.visit(base_url + page, f"{site.parent.name}-{page}") == []
    if page == "models/problems/":
        text = tab.page.locator("body").inner_text()
        assert 'specs/x"><img src=x onerror=window.pwned=1>.modelspec.yaml' in text
