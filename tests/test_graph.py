"""The dependency graphs: a model's neighbourhood, and the catalog graph, split past a size.

Catalog used here (teams a and b, one model with no dependency either way):

    a1 -> a2 -> a3 -> b1 <- b2        a1 -> ./nowhere (missing)        c1
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site
from mkdocs_modelspec.views.graph import Graph, graph_page, neighbourhood

from conftest import spec_text

TEAMS = {"a1": "a", "a2": "a", "a3": "a", "b1": "b", "b2": "b", "c1": "c"}
DEPENDS = {"a1": ["a2", "nowhere"], "a2": ["a3"], "a3": ["b1"], "b2": ["b1"]}


@pytest.fixture
def site(write_spec: Callable[..., Path], tmp_path: Path) -> Site:
    for name, team in TEAMS.items():
        deps = "".join(
            f"      - id: {d}\n        role: input\n        specRef: ./{d}.modelspec.yaml\n"
            for d in DEPENDS.get(name, [])
        )
        text = spec_text(name, ("  name: " + name, f"  name: {name}\n  labels:\n    team: {team}"))
        if deps:
            text += f"  pipeline:\n    dependencies:\n{deps}"
        write_spec(f"{name}.modelspec.yaml", text)
    root = tmp_path / "specs"
    return Site(build_catalog(load_roots([root], base=tmp_path), [root]), Options())


def shape(graph: Graph) -> tuple[list[str], set[tuple[str, str]]]:
    """The node labels in drawing order, and the edges by label."""
    label = {n.key: n.label for n in graph.nodes}
    return [n.label for n in graph.nodes], {(label[e.source], label[e.target]) for e in graph.edges}


def page(site: Site, split_at: int) -> tuple[list[Graph], list[str]]:
    found = graph_page(site.views, site.catalog, site.by_spec, site._href, split_at)
    return found.graphs, [v.name for v in found.standalone]


def test_a_small_catalog_is_one_graph_of_every_model(site: Site) -> None:
    graphs, standalone = page(site, split_at=60)
    assert standalone == []
    [everything] = graphs
    nodes, edges = shape(everything)
    assert nodes == ["a1", "a2", "a3", "b1", "b2", "c1", "nowhere"]
    assert edges == {("a1", "a2"), ("a1", "nowhere"), ("a2", "a3"), ("a3", "b1"), ("b2", "b1")}


def test_past_the_limit_a_component_too_large_is_split_by_team(site: Site) -> None:
    # The component a1..b2 has 5 models, more than 3: one graph per team, each with
    # its links to the other team's models; c1 depends on nothing and is listed.
    graphs, standalone = page(site, split_at=3)
    assert standalone == ["c1"]
    assert [g.title for g in graphs] == ["Team a", "Team b"]
    nodes, edges = shape(graphs[0])
    assert nodes == ["a1", "a2", "a3", "b1", "nowhere"]
    assert edges == {("a1", "a2"), ("a1", "nowhere"), ("a2", "a3"), ("a3", "b1")}
    nodes, edges = shape(graphs[1])
    assert nodes == ["b1", "b2", "a3"]
    assert edges == {("a3", "b1"), ("b2", "b1")}


def test_past_the_limit_a_small_component_is_drawn_whole(site: Site) -> None:
    graphs, standalone = page(site, split_at=5)
    assert standalone == ["c1"]
    [component] = graphs
    assert component.title == "a1 and 4 connected models"
    assert shape(component)[1] == {
        ("a1", "a2"),
        ("a1", "nowhere"),
        ("a2", "a3"),
        ("a3", "b1"),
        ("b2", "b1"),
    }


def test_a_neighbourhood_shows_only_the_links_that_touch_the_model(site: Site) -> None:
    view = site.find("a3")
    assert view is not None
    graph = neighbourhood(view, site.catalog, site.by_spec, site._href)
    nodes, edges = shape(graph)
    assert nodes == ["a2", "a3", "b1"]
    assert edges == {("a2", "a3"), ("a3", "b1")}
    assert [n.label for n in graph.nodes if n.focus] == ["a3"]


def test_a_split_graph_is_a_page_of_groups_each_drawn_on_its_own_page(site: Site) -> None:
    # Hundreds of drawings on one page are more than a browser opens (10,000 models:
    # 23 MB, not loaded in 30 s): past the limit, the graph page lists the groups.
    split = Site(site.catalog, Options(graph_split_at=3))
    pages = {page.src_uri: page for page in split.pages()}
    index = pages["models/graph.md"].content
    # Each group's page is named by the group, not by its place in the list: a new
    # group leaves the other pages as they are (under mkdocs serve, not written again).
    assert "[Team a](graph/team-a.md)" in index
    assert "[Team b](graph/team-b.md)" in index
    assert "<svg" not in index
    assert "[c1](c1.md)" in index  # listed: no dependency either way
    part = pages["models/graph/team-b.md"]
    assert part.title == "Team b"
    assert not part.listed  # reached from the graph page, not from the navigation
    assert "[dependency graph](../graph.md)" in part.content
    # Its drawing links to model pages one folder up.
    assert 'href="../../b1/"' in part.content
    assert 'href="../../a3/"' in part.content
    assert sorted(uri for uri in pages if uri.startswith("models/graph/")) == [
        "models/graph/team-a.md",
        "models/graph/team-b.md",
    ]
    # A team too large for one drawing is drawn in numbered parts.
    parts = Site(site.catalog, Options(graph_split_at=2)).pages()
    assert [(p.src_uri, p.title) for p in parts if p.src_uri.startswith("models/graph/")] == [
        ("models/graph/team-a-part-1.md", "Team a (1 of 2)"),
        ("models/graph/team-a-part-2.md", "Team a (2 of 2)"),
        ("models/graph/team-b.md", "Team b"),
    ]
    small = {page.src_uri for page in site.pages()}
    assert "models/graph.md" in small
    assert not any(uri.startswith("models/graph/") for uri in small)


def test_a_new_group_leaves_the_other_parts_pages_as_they_were(
    site: Site, write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    # Under `mkdocs serve --dirty` a page is written again only when its text changes:
    # with parts numbered by their place, one new team renumbered (and rewrote) them all.
    before = {
        p.src_uri: p.content
        for p in Site(site.catalog, Options(graph_split_at=3)).pages()
        if p.src_uri.startswith("models/graph/")
    }
    text = spec_text("a0", ("  name: a0", "  name: a0\n  labels:\n    team: a0-team"))
    text += "  pipeline:\n    dependencies:\n"
    text += "      - id: a1\n        role: input\n        specRef: ./a1.modelspec.yaml\n"
    write_spec("a0.modelspec.yaml", text)
    root = tmp_path / "specs"
    grown = Site(
        build_catalog(load_roots([root], base=tmp_path), [root]), Options(graph_split_at=3)
    )
    after = {p.src_uri: p.content for p in grown.pages() if p.src_uri.startswith("models/graph/")}
    # The new team's part sits between the others; team b's page (which a0 does not
    # touch) keeps its name and its text; team a's shows the new caller.
    assert list(after) == [
        "models/graph/team-a.md",
        "models/graph/team-a0-team.md",
        "models/graph/team-b.md",
    ]
    assert after["models/graph/team-b.md"] == before["models/graph/team-b.md"]
    assert after["models/graph/team-a.md"] != before["models/graph/team-a.md"]
