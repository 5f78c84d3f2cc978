"""Model pages that cost MkDocs less: the big raw HTML blocks of a generated page (its
source listing, its graphs) reach MkDocs as placeholders and are put back into the
page's HTML, which stays the same, anchors included."""

from __future__ import annotations

import json
import logging
import posixpath
import re
from pathlib import Path

import pytest

from mkdocs_modelspec import plugin
from serving import clean_build, snapshot

from conftest import FIXTURES


def _project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(
        "# Home\n\nThe [line with a problem](models/broken.md#L18) of a spec.\n"
    )
    (root / "mkdocs.yml").write_text(
        "site_name: Weight\ntheme:\n  name: material\n"
        "validation:\n  anchors: warn\n"
        "plugins:\n  - search\n  - modelspec:\n      history: false\n"
    )
    (root / "specs").symlink_to(FIXTURES / "catalog")  # with a broken spec: #L anchors
    return root


def test_a_page_is_the_same_with_its_blocks_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = _project(tmp_path / "project")
    set_aside: dict[str, int] = {}
    original = plugin._set_aside

    def recording(markdown: str) -> tuple[str, list[str]]:
        out, blocks = original(markdown)
        for block in blocks:
            kind = "listing" if "modelspec-source" in block[:60] else "graph"
            set_aside[kind] = set_aside.get(kind, 0) + 1
        return out, blocks

    monkeypatch.setattr(plugin, "_set_aside", recording)
    with caplog.at_level(logging.WARNING):
        clean_build(project, tmp_path / "aside")
    # Each model page's listing, and the graphs, did reach MkDocs as placeholders.
    models = len(list((FIXTURES / "catalog").rglob("*.modelspec.yaml")))
    assert set_aside.get("listing", 0) >= models - 1, set_aside
    assert set_aside.get("graph", 0) >= 1, set_aside
    # A page links to a line of the broken spec's listing: MkDocs finds the anchor.
    assert not [r for r in caplog.records if "anchor" in r.getMessage()], caplog.text
    monkeypatch.setattr(plugin, "_BLOCKS", ())
    clean_build(project, tmp_path / "whole")
    aside, whole = snapshot(tmp_path / "aside"), snapshot(tmp_path / "whole")
    assert aside.keys() == whole.keys()
    index = "search/search_index.json"
    assert [path for path in whole if aside[path] != whole[path] and path != index] == []
    # The search index: the same entries, without the graphs' legends and Mermaid
    # sources, which Material's search kept for all data-search-exclude (its parser
    # loses track of the excluded element inside an SVG drawing).
    found, every = (json.loads(site[index])["docs"] for site in (aside, whole))
    assert [(e["location"], e["title"]) for e in found] == [
        (e["location"], e["title"]) for e in every
    ]
    assert any("Mermaid source" in e["text"] for e in every)
    assert not any("Mermaid source" in e["text"] for e in found)
    page = aside["models/broken/index.html"].decode()
    assert 'class="modelspec-source"' in page
    assert 'id="L18"' in page
    assert "data-modelspec-block" not in page


def test_a_large_overview_page_holds_its_first_rows_and_its_data_file_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past INLINE_ROWS rows a page's tables keep their first rows in the HTML and put
    # the others in the page's data file: together, every row of every table, in order.
    from mkdocs_modelspec.catalog import build_catalog
    from mkdocs_modelspec.loading import load_roots
    from mkdocs_modelspec.pages import Options, Site, data_file
    from mkdocs_modelspec.rendering import tables

    from conftest import pipe_rows

    catalog = FIXTURES / "catalog"

    def pages() -> dict[str, tuple[str, str | None]]:
        site = Site(build_catalog(load_roots([catalog], base=FIXTURES), [catalog]), Options())
        return {p.src_uri: (p.content, p.data) for p in site.pages()}

    whole = pages()
    assert all(data is None for _, data in whole.values())  # a few rows: all in the HTML
    monkeypatch.setattr(tables, "INLINE_ROWS", 3)
    monkeypatch.setattr(tables, "FIRST_ROWS", 1)
    split = pages()
    paged = [uri for uri, (_, data) in split.items() if data is not None]
    assert sorted(paged) == [
        "models/governance.md",
        "models/hardware.md",
        "models/ownership.md",
        "models/scorecards.md",
    ]
    for uri in paged:
        content, data = split[uri]
        rest = json.loads(data or "")["tables"]
        address = posixpath.basename(data_file(uri))
        assert f'data-rows="../{address}"' in content
        shown = [_rows(table) for table in _TABLE.findall(content)]
        every = [_rows(table) for table in _TABLE.findall(whole[uri][0])]
        assert len(shown) == len(every) == len(rest)
        for first, others, all_rows in zip(shown, rest, every, strict=True):
            assert first + [pipe_rows(_tr(row)).strip() for row in others] == all_rows
        assert "The first" in content  # what a reader without JavaScript is told


_TABLE = re.compile(r'<div class="modelspec-rows"><table>.*?</table>')


def _tr(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _rows(table: str) -> list[str]:
    from conftest import pipe_rows

    body = table.split("<tbody>", 1)[1]
    return [line.strip() for line in pipe_rows(body).split("\n") if line.startswith("|")]


def test_the_search_index_reads_each_cell_of_the_tables_built_in_python_as_words(
    demo_site: Path,
) -> None:
    """The overview tables and the drift tables are one line of HTML each: cells written
    without a space between them made one word of two values in the search index
    (``support-rag-chatsupport-assistant-ml``), and a search for either found nothing."""
    import html
    import itertools
    import re

    docs = json.loads((demo_site / "search/search_index.json").read_text())["docs"]
    text = {}
    for entry in docs:
        page = entry["location"].split("#")[0]
        text[page] = text.get(page, "") + " " + html.unescape(re.sub(r"<[^>]+>", "", entry["text"]))
    checked = 0
    for page in ("models/ownership/", "models/governance/", "models/support-rag-chat/"):
        built = (demo_site / page / "index.html").read_text()
        for block in re.findall(r'<div class="modelspec-rows">(.*?)</table>', built):
            for row in re.findall(r"<tr>(.*?)</tr>", block):
                cells = [
                    " ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split())
                    for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
                ]
                for left, right in itertools.pairwise(cells):
                    if left and right:
                        assert f"{left} {right}" in " ".join(text[page].split()), (
                            page,
                            left,
                            right,
                        )
                        checked += 1
    assert checked > 100
