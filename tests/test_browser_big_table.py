"""A large table in a real browser: the first rows, a button for more, and sorting and
filtering over every row (a browser lays out 10,000 rows in seconds, 500 at once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser import chromium, new_page, screenshot, serve
from mkdocs_modelspec.rendering import ASSETS, table_tools
from mkdocs_modelspec.rendering.tables import Table, Tables, first_rows

from sites import build

pytestmark = pytest.mark.browser
ROWS = 1200


def _built(root: Path, docs: dict[str, str]) -> Path:
    """A Material site of ``docs`` (file name: text) with the plugin's script and
    styles."""
    (root / "docs" / "assets").mkdir(parents=True)
    shutil.copytree(ASSETS, root / "docs" / "assets" / "modelspec")
    for name, text in docs.items():
        (root / "docs" / name).write_text(text)
    (root / "mkdocs.yml").write_text(
        "site_name: Big\ntheme:\n  name: material\n  font: false\n"
        "extra_css: [assets/modelspec/modelspec.css]\n"
        "extra_javascript: [assets/modelspec/modelspec.js]\n"
    )
    done = build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = ["# Big", "", table_tools("Filter", rows=ROWS), "", "| Name | Size |", "| --- | ---: |"]
    lines += [f"| row-{i:04d} | {i * 7 % 1000} |" for i in range(ROWS)]
    return _built(tmp_path_factory.mktemp("big"), {"index.md": "\n".join(lines) + "\n"})


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


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page made as the plugin makes its large overview pages: two tables (a row per
    model) with their first rows in the HTML and the others in the page's data file."""
    tables = Tables(lambda name: f"{name}/", "rows.json")
    sizes = Table(("Name", ">Size"), [[f"row-{i:04d}", f"{i * 7 % 1000:,}"] for i in range(ROWS)])
    names = Table(("Name",), [[f"other-{i:04d}"] for i in range(ROWS // 2)])
    text, data = tables.finish(f"# Paged\n\n{tables.place(sizes)}\n\n{tables.place(names)}\n")
    assert data is not None
    return _built(tmp_path_factory.mktemp("paged"), {"index.md": text, "rows.json": data})


def test_a_large_page_adds_the_rows_of_its_data_file(paged: Path) -> None:
    first = first_rows(2)
    html = (paged / "index.html").read_text()
    assert html.count("<tr>") == 2 * first + 2  # the first rows, and the headers
    assert f"The first {first:,} of {ROWS:,} rows" in html
    with serve(paged) as url, chromium() as browser:
        page = new_page(browser)
        page.goto(url)
        names = page.locator(".modelspec-count").nth(1)
        page.wait_for_function(
            f"document.querySelector('.modelspec-count').textContent === '{ROWS:,} rows'"
        )
        assert names.inner_text() == f"{ROWS // 2:,} rows"
        assert page.locator(".modelspec-rows-note").count() == 0
        # A row that only the data file holds is found, and sorting reaches every row.
        page.locator(".modelspec-filter").first.fill("row-1199")
        page.wait_for_function(
            "document.querySelector('.modelspec-count').textContent.includes(' of ')"
        )
        assert page.locator("table").first.locator("tbody tr td:first-child").all_inner_texts() == [
            "row-1199"
        ]
        page.locator(".modelspec-filter").first.fill("")
        page.wait_for_function(  # the filter applies 80 ms after the last key
            f"document.querySelector('.modelspec-count').textContent === '{ROWS:,} rows'"
        )
        size = page.locator("table").first.locator("th").nth(1)
        size.click()
        size.click()  # descending
        column = page.locator("table").first.locator("tbody tr td:nth-child(2)")
        values = [int(t.replace(",", "")) for t in column.all_inner_texts()]
        assert values[0] == max(i * 7 % 1000 for i in range(ROWS))
        assert values == sorted(values, reverse=True)
        # Numbers stay right-aligned in the rows the script added.
        assert column.nth(len(values) - 1).evaluate("td => getComputedStyle(td).textAlign") == (
            "right"
        )
        screenshot(page, "big-table-paged")


def test_without_javascript_a_large_page_shows_its_first_rows_and_says_so(paged: Path) -> None:
    with serve(paged) as url, chromium() as browser:
        page = new_page(browser, java_script_enabled=False)
        page.goto(url)
        first = first_rows(2)
        assert page.locator("table").first.locator("tbody tr").count() == first
        assert page.locator(".modelspec-rows-note").first.inner_text() == (
            f"The first {first:,} of {ROWS:,} rows; the page's script adds the others."
        )
