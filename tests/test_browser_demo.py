"""The demo site in a real browser: search, the catalog's sorting and filter, the
dependency graph, and a link from a design doc to a model page.

The repository's own ``mkdocs.yml`` is built into a temporary folder, served on
localhost and driven in headless chromium. What each test expects is read from the
built site (``models.json``, the static HTML), so the tests follow the demo specs.
Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import chromium, new_page, screenshot, search, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(demo_site: Path) -> Path:
    return demo_site


@pytest.fixture(scope="module")
def models(site: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((site / "models.json").read_text())["models"]
    assert len(found) >= 10
    return found


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    with chromium() as browser:
        tab = new_page(browser, viewport={"width": 1280, "height": 900})
        tab.set_default_timeout(15_000)  # a hang guard, not a speed requirement
        yield tab


def accelerator(model: dict[str, Any]) -> str | None:
    value = ((model["spec"] or {}).get("spec") or {}).get("runtime", {}).get("accelerator", {})
    return value.get("type") if isinstance(value, dict) else None


def test_search_finds_a_model_by_its_name(page, base_url, models) -> None:
    model = models[len(models) // 2]
    found = search(page, base_url, model["name"])
    screenshot(page, "demo-search-name")
    assert model["url"] in found, found


def test_search_finds_a_model_by_its_accelerator_type(page, base_url, models) -> None:
    by_type: dict[str, list[str]] = {}
    for model in models:
        kind = accelerator(model)
        if kind:
            by_type.setdefault(kind, []).append(model["url"])
    # A type only one model uses, so that the result is that model's page.
    kind, [url] = next((k, v) for k, v in sorted(by_type.items()) if len(v) == 1)
    found = search(page, base_url, kind)
    screenshot(page, "demo-search-accelerator")
    assert url in found, (kind, found)


def column(page: Any, index: int) -> list[str]:
    cells = page.locator(
        f".md-content table[data-modelspec-sortable] tbody tr td:nth-child({index})"
    )
    return [text.strip() for text in cells.all_inner_texts()]


def test_the_catalog_sorts_by_a_column(page, base_url, models) -> None:
    page.goto(base_url + "models/")
    headers = page.locator(".md-content table[data-modelspec-sortable] thead th")
    titles = [t.strip() for t in headers.all_inner_texts()]
    index = titles.index("Accelerator") + 1

    def rows() -> list[tuple[str, str]]:
        """(model, accelerator) of each row, top to bottom."""
        return list(zip(column(page, 1), column(page, index), strict=True))

    before = rows()
    assert len(before) == len(models)
    assert all(kind for _, kind in before)
    ascending = sorted(before, key=lambda row: row[1].casefold())
    assert ascending != before  # the catalog starts in name order: sorting has work to do
    headers.nth(index - 1).click()
    assert rows() == ascending  # whole rows move, ties keep their order
    assert headers.nth(index - 1).get_attribute("aria-sort") == "ascending"
    screenshot(page, "demo-catalog-sorted")
    headers.nth(index - 1).click()
    assert rows() == sorted(before, key=lambda row: row[1].casefold(), reverse=True)
    assert headers.nth(index - 1).get_attribute("aria-sort") == "descending"


def test_the_catalog_filters_by_typed_text(page, base_url, models) -> None:
    page.goto(base_url + "models/")
    rows = page.locator(".md-content table[data-modelspec-sortable] tbody tr")
    texts = [t.lower() for t in rows.all_inner_texts()]
    teams = sorted({m["team"] for m in models if m["team"]})
    term = teams[0]
    expected = sum(term in text for text in texts)
    assert 0 < expected < len(texts)
    page.locator(".modelspec-filter").first.press_sequentially(term)
    counter = page.locator(".modelspec-count").first
    page.wait_for_function(
        "([el, text]) => el.textContent === text",
        arg=[counter.element_handle(), f"{expected} of {len(texts)} models"],
    )
    visible = page.locator(".md-content table[data-modelspec-sortable] tbody tr:visible")
    assert visible.count() == expected
    assert all(term in t.lower() for t in visible.all_inner_texts())
    screenshot(page, "demo-catalog-filtered")


def test_the_catalog_filters_by_what_runs(page, base_url, models) -> None:
    page.goto(base_url + "models/")
    expected = sorted(
        m["name"] for m in models if m["observed"] and m["observed"]["status"] == "drift"
    )
    assert 0 < len(expected) < len(models)  # the demo's observed/ plants drift
    choice = page.locator("select.modelspec-choice[data-facet=running]")
    # The facets are made once the catalog's data file has loaded.
    page.wait_for_function(
        "document.querySelectorAll('select.modelspec-choice[data-facet=running] option').length > 1"
    )
    assert f"Running: drift ({len(expected)})" in choice.locator("option").all_inner_texts()
    choice.select_option("drift")
    assert sorted(column(page, 1)) == expected
    counter = page.locator(".modelspec-count").first
    assert counter.inner_text() == f"{len(expected)} of {len(models)} models"
    screenshot(page, "demo-catalog-running-drift")
    choice.select_option("")
    assert len(column(page, 1)) == len(models)


def test_the_drift_page_links_each_drift_to_its_model(page, base_url, models) -> None:
    page.goto(base_url + "models/drift/")
    drifting = {m["name"] for m in models if m["observed"] and m["observed"]["status"] == "drift"}
    table = page.locator(".md-content table").first
    links = table.locator("tbody tr td:first-child a")
    assert set(links.all_inner_texts()) == drifting
    screenshot(page, "demo-drift", full_page=True)
    links.first.click()
    page.wait_for_url(re.compile(r"#declared-vs-running$"))
    assert page.locator("#declared-vs-running").is_visible()
    assert page.locator(".md-content td strong", has_text="drift").count() >= 1


def test_the_dependency_graph_is_drawn_as_svg(page, base_url, models) -> None:
    page.goto(base_url + "models/graph/")
    graph = page.locator(".md-content svg.modelspec-graph").first
    graph.wait_for()
    box = graph.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 100
    # One linked node per model of the catalog, each labelled with its name.
    links = graph.locator("a")
    assert links.count() == len(models)
    labels = " ".join(graph.locator("text").all_text_contents())
    assert all(m["name"][:20] in labels for m in models)
    screenshot(page, "demo-graph", full_page=True)


def test_a_design_doc_links_to_a_model_page(page, base_url, models) -> None:
    page.goto(base_url + "design/support-rag/")
    names = {base_url + m["url"]: m["name"] for m in models}
    links = page.locator("article a[href]")
    hrefs = [h.split("#")[0] for h in links.evaluate_all("links => links.map(a => a.href)")]
    index, target = next((i, h) for i, h in enumerate(hrefs) if h in names)
    links.nth(index).click()
    page.wait_for_url(target)
    assert page.locator("article h1").first.inner_text().rstrip("¶") == names[target]
    screenshot(page, "demo-design-doc-link")


def test_no_page_of_the_demo_shows_raw_markdown(site: Path) -> None:
    # Labels once rendered as "| Key | Value | | --- |" on every model page, with a
    # golden file locking it in: read every built page's visible text instead.
    from roundtrip import unrendered_markdown

    pages = list(site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        assert unrendered_markdown(page.read_text(encoding="utf-8")) == [], page
