"""A large table in a real browser: the first rows, a button for more, and sorting and
filtering over every row (a browser lays out 10,000 rows in seconds, 500 at once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser import chromium, new_page, screenshot, serve
from mkdocs_modelspec.rendering import ASSETS, table_tools

from sites import build

pytestmark = pytest.mark.browser
ROWS = 1200


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    (root / "docs" / "assets").mkdir(parents=True)
    shutil.copytree(ASSETS, root / "docs" / "assets" / "modelspec")
    lines = ["# Big", "", table_tools("Filter", rows=ROWS), "", "| Name | Size |", "| --- | ---: |"]
    lines += [f"| row-{i:04d} | {i * 7 % 1000} |" for i in range(ROWS)]
    (root / "docs" / "index.md").write_text("\n".join(lines) + "\n")
    (root / "mkdocs.yml").write_text(
        "site_name: Big\ntheme:\n  name: material\n  font: false\n"
        "extra_css: [assets/modelspec/modelspec.css]\n"
        "extra_javascript: [assets/modelspec/modelspec.js]\n"
    )
    done = build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


def shown(page) -> list[str]:
    return page.locator("tbody tr td:first-child").all_inner_texts()


def test_a_large_table_shows_its_first_rows_then_more(site: Path) -> None:
    with serve(site) as url, chromium() as browser:
        page = new_page(browser)
        page.goto(url)
        page.wait_for_selector(".modelspec-filter")
        assert len(shown(page)) == 500
        assert page.locator(".modelspec-count").inner_text() == f"{ROWS:,} rows"
        more = page.locator(".modelspec-more")
        assert more.inner_text() == "Show 700 more (700 not shown)"
        more.click()
        assert len(shown(page)) == ROWS
        assert more.is_hidden()
        screenshot(page, "big-table")


def test_filter_and_sort_reach_every_row(site: Path) -> None:
    with serve(site) as url, chromium() as browser:
        page = new_page(browser)
        page.goto(url)
        page.wait_for_selector(".modelspec-filter")
        page.locator(".modelspec-filter").fill("row-1199")
        page.wait_for_function(
            "document.querySelector('.modelspec-count').textContent.includes(' of ')"
        )
        assert shown(page) == ["row-1199"]  # beyond the first 500 rows
        assert page.locator(".modelspec-count").inner_text() == f"1 of {ROWS:,} rows"
        page.locator(".modelspec-filter").fill("")
        page.wait_for_function(
            f"document.querySelector('.modelspec-count').textContent === '{ROWS:,} rows'"
        )
        size = page.locator("th").nth(1)
        size.click()
        size.click()  # descending
        assert size.get_attribute("aria-sort") == "descending"
        sizes = [int(t) for t in page.locator("tbody tr td:nth-child(2)").all_inner_texts()]
        assert sizes[0] == max(i * 7 % 1000 for i in range(ROWS))
        assert sizes == sorted(sizes, reverse=True)
