"""The demo site read as a new engineer reads it, in Chromium at 1400 and 390 px:
every page type without a console error and without a column hidden off the edge,
the header of a model page, the catalog's facets and shareable views, search by
person and by concept. Each test reads what it expects from ``models.json``.

Screenshots go to ``tests/artifacts/`` (``glance-*``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser import chromium, new_page, screenshot, search, serve
from mkdocs_modelspec.capacity import gigabytes
from mkdocs_modelspec.readiness import LEVEL_NAMES

from conftest import ROOT

pytestmark = pytest.mark.browser

#: Every kind of page the site has (model pages are added from models.json).
PAGES = [
    "",
    "models/",
    "models/hardware/",
    "models/ownership/",
    "models/governance/",
    "models/scorecards/",
    "models/drift/",
    "models/changes/",
    "models/graph/",
    "models/fields/",
    "models/problems/",
    "design/support-rag/",
    "plugin/",
]


@pytest.fixture(scope="module")
def site(demo_site: Path) -> Path:
    return demo_site  # built strict: the demo builds strict, gate and all


@pytest.fixture(scope="module")
def models(site: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((site / "models.json").read_text())["models"]
    return found


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def spec(model: dict[str, Any], path: str) -> Any:
    node: Any = model["spec"]
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


# Tables of the page's article: which header cells lie beyond what can be seen, and
# whether such a table scrolls sideways with its first column kept in view, and says so.
_TABLES = """() => {
  const found = [];
  for (const table of document.querySelectorAll("article table")) {
    if (!table.offsetParent) continue;  /* folded away in a <details> */
    const heads = [...table.querySelectorAll("thead th")];
    let box = null;  /* the element that scrolls the table sideways, if any */
    for (let el = table; el && el !== document.body; el = el.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1) {
        box = el;
        break;
      }
    }
    const edge = box ? Math.min(window.innerWidth, box.getBoundingClientRect().right) : window.innerWidth;
    /* the line above the table (Material wraps each table in a scrolling box) */
    const before = (table.closest(".md-typeset__scrollwrap") || table).previousElementSibling;
    found.push({
      hint: !!before && before.matches(".modelspec-scroll-hint") && before.offsetParent !== null
            && before.textContent.includes("sideways"),
      first: heads.length ? heads[0].textContent.trim() : "",
      hidden: heads.filter(th => th.getBoundingClientRect().right > edge + 1)
                   .map(th => th.textContent.trim()),
      scrolls: !!box,
      sticky: heads.length ? getComputedStyle(heads[0]).position === "sticky" : true,
    });
  }
  return found;
}"""


#: Each dependency's spec path on the page, with the lines it takes.
_PATH_LINES = """() => [...document.querySelectorAll(".modelspec-ref code")].map(
  code => [code.textContent, new Set([...code.getClientRects()].map(r => Math.round(r.top))).size])"""


@pytest.mark.parametrize("width", [1400, 390])
def test_every_page_type_reads_at_both_widths(browser, base_url, models, width) -> None:
    page = new_page(browser, viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    urls = PAGES + [m["url"] for m in models]
    heights = {}
    for url in urls:
        page.goto(base_url + url)
        page.wait_for_load_state("networkidle")
        assert errors == [], (url, errors)
        for table in page.evaluate(_TABLES):
            # A column out of view only when its table scrolls, keeps its first
            # column (the model) in view and says that it scrolls.
            assert not table["hidden"] or (
                table["scrolls"] and table["sticky"] and table["hint"]
            ), (url, table)
        for path, lines in page.evaluate(_PATH_LINES):
            # A spec path breaks after "/" or "-" at most, never between two letters.
            assert lines <= 1 + len(re.findall(r"[/-]", path)), (url, path, lines)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, "the page itself scrolls sideways", overflow)
        heights[url] = page.evaluate("document.documentElement.scrollHeight")
    model_heights = {m["name"]: heights[m["url"]] for m in models}
    print(
        f"\n{width} px: field reference {heights['models/fields/']:,} px; model pages "
        f"{min(model_heights.values()):,} to {max(model_heights.values()):,} px"
    )
    if width == 1400:
        assert heights["models/fields/"] < 10_000
        page.goto(base_url + "models/")
        readiness = page.locator("article table thead th", has_text="Readiness")
        box = readiness.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= width
        screenshot(page, "glance-catalog-1400")


def header_text(page: Any) -> str:
    return page.locator(".modelspec-header").inner_text()


def test_a_model_page_header_says_each_fact_once(browser, base_url, models) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 900})
    model = next(m for m in models if m["name"] == "support-rag-chat")
    page.goto(base_url + model["url"])
    text = header_text(page)
    screenshot(page, "glance-model-header")
    count = spec(model, "spec.runtime.accelerator.count")
    kind = spec(model, "spec.runtime.accelerator.type")
    low = spec(model, "spec.operations.scaling.minReplicas")
    high = spec(model, "spec.operations.scaling.maxReplicas")
    per_replica = model["capacity"]["memoryPerReplicaGb"]
    facts = [
        model["owner"],
        model["contact"],
        spec(model, "metadata.labels.environment"),
        f"{count} × {spec(model, 'spec.runtime.accelerator.vendor')} {kind}",
        f"at minimum ({low} replicas): {low * count} × {kind}, {gigabytes(per_replica * low)}",
        f"at maximum ({high} replicas): {high * count} × {kind}, {gigabytes(per_replica * high)}",
        model["readiness"]["level"],
    ]
    for fact in facts:
        found = re.findall(rf"(?<![\w-]){re.escape(fact)}(?![\w-])", text)
        assert len(found) == 1, (fact, text)
    problems = page.locator(".modelspec-header li", has_text="Problems").inner_text()
    lines = [line for line in problems.splitlines() if line.strip()]
    assert (lines[1] == "none") == (model["problems"] == 0), lines
    # Each fact once on the page: the badges, the line of facts and the ownership
    # table that repeated them are gone.
    article = page.locator("article").inner_text()
    assert article.count(model["owner"]) <= 2  # the header, and the annotation it comes from
    assert "status valid" not in article


def test_an_exempted_check_shows_its_reason(browser, base_url, models) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 900})
    model = next(m for m in models if m["readiness"]["exempt"])
    page.goto(base_url + model["url"] + "#readiness")
    readiness = page.locator("article").inner_text().split("Readiness\n", 2)[-1]
    for reason in set(model["readiness"]["exempt"].values()):
        assert reason in readiness
    page.goto(base_url + "models/scorecards/")
    article = page.locator("article").inner_text()
    section = article.split("Checks marked not applicable")[1].split("Every model")[0]
    assert model["name"] in section


def test_the_demo_gate_means_something(models) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!!", ""))
    plugin = next(
        p["modelspec"] for p in config["plugins"] if isinstance(p, dict) and "modelspec" in p
    )
    required = plugin["readiness"]["required"]["prod"]
    assert LEVEL_NAMES.index(required) > LEVEL_NAMES.index("declared")
    prod = [m for m in models if spec(m, "metadata.labels.environment") == "prod"]
    assert prod
    assert all(m["readiness"]["meetsRequired"] for m in prod)
    # ... and the scorecards still have gaps to show: models short of the top level.
    assert any(m["readiness"]["level"] != LEVEL_NAMES[-1] for m in prod)


def rows(page: Any) -> list[list[str]]:
    body = page.locator("article table[data-modelspec-sortable] tbody tr")
    return [
        r.split("\t")
        for r in body.evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()).join('\\t'))"
        )
    ]


def test_the_catalog_facets_sorting_and_shared_views(browser, base_url, models) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 900})
    page.goto(base_url + "models/")
    page.wait_for_selector("select.modelspec-choice[data-facet=team]")
    headers = [h.strip() for h in page.locator("article table thead th").all_inner_texts()]
    level_at = headers.index("Readiness")
    # Readiness sorts by level, not by name.
    page.locator("article table thead th", has_text="Readiness").click()
    levels = [row[level_at] for row in rows(page)]
    ranks = [LEVEL_NAMES.index(level) for level in levels]
    assert ranks == sorted(ranks), levels
    assert len(set(ranks)) > 2, levels
    # "nvidia" finds the NVIDIA models (the vendor is shown with the type).
    page.locator(".modelspec-filter").fill("nvidia")
    nvidia = sorted(
        m["name"] for m in models if spec(m, "spec.runtime.accelerator.vendor") == "nvidia"
    )
    page.wait_for_function(
        "n => document.querySelectorAll('article table tbody tr').length === n", arg=len(nvidia)
    )
    assert sorted(row[0] for row in rows(page)) == nvidia
    # A facet narrows it further.
    team = next(
        m["team"]
        for m in models
        if m["team"] and spec(m, "spec.runtime.accelerator.vendor") == "nvidia"
    )
    page.locator("select.modelspec-choice[data-facet=team]").select_option(team)
    wanted = sorted(
        m["name"]
        for m in models
        if m["team"] == team and spec(m, "spec.runtime.accelerator.vendor") == "nvidia"
    )
    assert sorted(row[0] for row in rows(page)) == wanted
    screenshot(page, "glance-catalog-facets")
    # The address holds the view: opened again, it shows the same rows, same order.
    shared = page.url
    assert "team=" in shared
    assert "q=nvidia" in shared
    assert "sort=level" in shared
    before = rows(page)
    again = new_page(browser, viewport={"width": 390, "height": 900})
    again.goto(shared)
    again.wait_for_selector("select.modelspec-choice[data-facet=team]")
    assert rows(again) == before
    assert again.locator("select.modelspec-choice[data-facet=team]").input_value() == team
    assert again.locator(".modelspec-filter").input_value() == "nvidia"


def test_search_finds_people_and_concepts(browser, base_url, models) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 900})
    owner = next(
        (m, spec(m, "spec.governance.compliance.governance.owner"))
        for m in models
        if "." in (spec(m, "spec.governance.compliance.governance.owner") or "").split("@")[0]
    )
    surname = owner[1].split("@")[0].split(".")[-1]
    assert owner[0]["url"] in search(page, base_url, surname), surname
    assert "models/hardware/" in search(page, base_url, "GPU")
