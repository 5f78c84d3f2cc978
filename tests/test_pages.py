"""Golden Markdown of every page type, on a small catalog (tests/fixtures/catalog).

When a change to the pages is intended, regenerate with
``MODELSPEC_UPDATE_GOLDEN=1 pytest tests/test_pages.py`` and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkdocs_modelspec import pages as pages_module
from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Backlink, Options, Site, generate

from conftest import FIXTURES, pipe_rows

GOLDEN = Path(__file__).parent / "golden"
CATALOG = FIXTURES / "catalog"


def pages() -> dict[str, str]:
    specs = load_roots([CATALOG], base=FIXTURES)
    generated, _ = generate(build_catalog(specs, [CATALOG]), Options())
    return {page.src_uri: page.content for page in generated}


GENERATED = pages()


def test_every_page_is_generated() -> None:
    assert sorted(GENERATED) == [
        "models/broken.md",
        "models/changes.md",
        "models/chat.md",
        "models/drift.md",
        "models/embed.md",
        "models/fields.md",
        "models/governance.md",
        "models/graph.md",
        "models/guard.md",
        "models/hardware.md",
        "models/index.md",
        "models/ownership.md",
        "models/problems.md",
        "models/scorecards.md",
    ]


@pytest.mark.parametrize("src_uri", sorted(GENERATED))
def test_golden(src_uri: str) -> None:
    golden = GOLDEN / src_uri.replace("/", "__")
    if os.environ.get("MODELSPEC_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(GENERATED[src_uri], encoding="utf-8")
    assert GENERATED[src_uri] == golden.read_text(encoding="utf-8")


def test_pages_show_what_a_reader_looks_for() -> None:
    chat = GENERATED["models/chat.md"]
    assert "| Minimum replicas | 2 |" in chat
    assert "| Maximum replicas | 6 |" in chat
    assert "| Accelerator type | h100 |" in chat
    assert "| Accelerators per replica | 4 |" in chat
    # a resolved specRef links to the model's page, and keeps its path beside it
    ref = '<span class="modelspec-ref"><code>&#46;/{}.modelspec.yaml</code></span>'
    assert "[embed](embed.md)<br>" + ref.format("embed") in chat
    assert ref.format("reranker") + " (not in the catalog)" in chat
    assert "*The spec does not declare observability.*" in chat
    assert "## Source" in chat
    assert 'class="modelspec-gutter"' in chat
    guard = GENERATED["models/guard.md"]
    assert "Used by:" in guard
    assert "[chat](chat.md)" in guard
    broken = GENERATED["models/broken.md"]
    assert "This spec has 1 error" in broken
    assert '<a href="#L18">catalog/broken.modelspec.yaml:18:14</a>' in broken
    assert "| Model id | <code>broken-1</code> |" in broken  # what can be shown still is


def test_hardware_totals_never_count_undeclared_replicas_as_one() -> None:
    hardware = GENERATED["models/hardware.md"]
    assert (
        "Total for nvidia l4: **1** at minimum scale (over 1 of 2 models; 1 declares no "
        "minReplicas); **3** at maximum scale (over 1 of 2 models; 1 declares no maxReplicas)."
    ) in hardware
    assert "Total for nvidia h100: **8** at minimum scale; **24** at maximum scale." in hardware
    assert "**Not counted:** 1 spec with problems" in hardware
    assert '<a href="../broken/">broken</a>' in hardware  # not counted


def test_governance_flags_conflicts_along_dependencies() -> None:
    governance = pipe_rows(GENERATED["models/governance.md"])
    assert (
        "| [chat](../chat/#governance) | [embed](../embed/#governance) | forbids PII but depends on a model that allows it |"
        in governance
    )
    assert "log retention differs&#58; 30 days and 7 days" in governance


def test_ownership_lists_gaps_first() -> None:
    ownership = pipe_rows(GENERATED["models/ownership.md"])
    gaps = ownership.index("## Gaps")
    assert ownership.index("[guard](../guard/#ownership)") > gaps
    assert ownership.index("[guard](../guard/#ownership)") < ownership.index("## assistant")


def test_problems_page_is_present_and_links_each_file() -> None:
    problems = GENERATED["models/problems.md"]
    assert "1 error and 1 warning in 2 spec files" in problems
    assert "Page: [broken](broken.md)" in problems
    assert "Page: [chat](chat.md)" in problems


def test_model_pages_rendered_by_forked_processes_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A build renders large catalogs' model pages in forked processes; the pages and
    # their order must not depend on it. Each page is tagged with the process that
    # rendered it, to prove the forked path ran.
    site = Site(build_catalog(load_roots([CATALOG], base=FIXTURES), [CATALOG]), Options())
    backlinks = {"chat": [Backlink("design.md", "Design doc")]}
    render_one = Site._model_content

    def tagged(self: Site, view: object, links: object) -> str:
        return f"{os.getpid()}\n" + render_one(self, view, links)  # type: ignore[arg-type]

    monkeypatch.setattr(Site, "_model_content", tagged)
    monkeypatch.setattr(pages_module, "PARALLEL_FROM", 10**9)
    serial = [page.content for page in site.pages(backlinks)]
    monkeypatch.setattr(pages_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pages_module, "default_jobs", lambda: 2)
    forked = [page.content for page in site.pages(backlinks)]

    overviews = len(pages_module.OVERVIEWS)

    def pids(contents: list[str]) -> set[str]:
        return {c.split("\n", 1)[0] for c in contents[overviews:]}

    assert pids(serial) == {str(os.getpid())}
    assert str(os.getpid()) not in pids(forked)
    assert serial[:overviews] == forked[:overviews]
    untag = [c.split("\n", 1)[1] for c in serial[overviews:]]
    assert untag == [c.split("\n", 1)[1] for c in forked[overviews:]]
    chat = [page.src_uri for page in site.pages()].index("models/chat.md")
    assert "Design doc" in untag[chat - overviews]  # backlinks reach the forked processes
