"""The demo without Material and without JavaScript: built strict with MkDocs' own
``mkdocs`` and ``readthedocs`` themes and with ProperDocs, every internal link working,
and the catalog readable as a plain table where no script runs (Backstage TechDocs and
locked-down sites run none)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import chromium, new_page, screenshot, serve

from conftest import ROOT
from links import check
from sites import build

THEMES = ("mkdocs", "readthedocs")


def demo_config(theme: str) -> str:
    """The demo's mkdocs.yml with another theme. Material's tags plugin (the demo's tag
    index) renders with Material's templates only: it is left out."""
    config = (ROOT / "mkdocs.yml").read_text()
    start, end = config.index("theme:"), config.index("\nnav:")
    config = config[:start] + f"theme:\n  name: {theme}\n" + config[end:]
    return config.replace("\n  - tags\n", "\n")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("themes")
    for name in ("specs", "docs", "observed"):
        shutil.copytree(ROOT / name, root / name)
    for theme in THEMES:
        (root / f"{theme}.yml").write_text(demo_config(theme))
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.mark.parametrize(
    ("tool", "config"), [("mkdocs", f"{t}.yml") for t in THEMES] + [("properdocs", "mkdocs.yml")]
)
def test_the_demo_builds_strict(demo: Path, tool: str, config: str) -> None:
    site = demo / f"site-{tool}-{config.removesuffix('.yml')}"
    done = build(demo, "--strict", "-f", config, "-d", str(site), tool=tool)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    report = check(site)
    assert report.broken == []
    assert report.checked > 3000
    assert report.svg >= 30  # the graphs' links


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.mark.parametrize("theme", [*THEMES, "material"])
@pytest.mark.parametrize("width", [1400, 390])
def test_without_javascript_the_catalog_lists_every_model(
    demo: Path, browser: Any, theme: str, width: int
) -> None:
    site = demo / f"site-nojs-{theme}"
    if not site.exists():
        config = "mkdocs.yml" if theme == "material" else f"{theme}.yml"
        done = build(demo, "-f", config, "-d", str(site))
        assert done.returncode == 0, done.stderr
    names = [m["name"] for m in json.loads((site / "models.json").read_text())["models"]]
    assert len(names) >= 10
    with serve(site) as url:
        page = new_page(
            browser, java_script_enabled=False, viewport={"width": width, "height": 900}
        )
        try:
            page.goto(url + "models/")
            tables = page.locator("table")
            catalog = next(
                i
                for i in range(tables.count())
                if re.match(r"\s*Model\b", tables.nth(i).locator("th").first.inner_text())
            )
            table = tables.nth(catalog)
            cells = [c.strip() for c in table.locator("tbody tr td:first-child").all_inner_texts()]
            screenshot(page, f"nojs-catalog-{theme}-{width}")
            assert sorted(cells) == sorted(names)
            assert table.locator("tbody tr td:first-child a").count() == len(names)
            # A plain table: each row visible, none hidden for a script to show.
            assert all(row.is_visible() for row in table.locator("tbody tr").all())
        finally:
            page.close()
