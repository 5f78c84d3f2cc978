"""Dependency graphs: a model's neighbourhood, and the whole catalog by team.

Past :data:`SPLIT_AT` models, one drawing of everything is unreadable, so the catalog
graph is split into connected components (models with no dependency either way are
listed, not drawn), and a component still too large is split by team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalog import Catalog
from ..loading import SpecFile
from ..rendering.svg import Edge, Node
from . import ModelView, by_name, dependency

SPLIT_AT = 60


@dataclass
class Graph:
    title: str
    nodes: list[Node]
    edges: list[Edge]

    @property
    def groups(self) -> list[str]:
        return sorted({n.group for n in self.nodes if n.group})


@dataclass
class GraphPage:
    graphs: list[Graph]
    standalone: list[ModelView]
    """Models with no dependency and no dependent (listed, not drawn, in a split page)."""
    split: bool


Href = Callable[[ModelView], str]


def _edges(
    catalog: Catalog, by_spec: dict[SpecFile, ModelView], members: set[SpecFile] | None
) -> tuple[list[Edge], list[Node]]:
    """Edges between specs (within ``members``), plus a node for each missing target."""
    edges, missing = [], []
    # Only the members' own links: a page's neighbourhood must not cost a walk over
    # the whole catalog (that made the pages quadratic in the number of models).
    sources = catalog.links if members is None else {m: catalog.links.get(m, []) for m in members}
    for spec, links in sources.items():
        source = by_spec[spec]
        for link in links:
            dep = dependency(spec.data, link.index)
            optional = dep.get("required") is False
            role = dep.get("role") if isinstance(dep.get("role"), str) else None
            if link.target is None:
                key = f"missing:{spec.path}:{link.index}"
                missing.append(Node(key, str(dep.get("id", link.spec_ref)), missing=True))
                edges.append(Edge(source.slug, key, optional, role))
            elif members is None or link.target in members:
                edges.append(Edge(source.slug, by_spec[link.target].slug, optional, role))
    return edges, missing


def _node(view: ModelView, href: Href, focus: bool = False) -> Node:
    return Node(view.slug, view.name, href(view), view.team, focus=focus)


def neighbourhood(
    view: ModelView, catalog: Catalog, by_spec: dict[SpecFile, ModelView], href: Href
) -> Graph:
    """The model, what it depends on, and what depends on it."""
    around = {view.spec}
    around.update(link.target for link in catalog.links.get(view.spec, []) if link.target)
    around.update(link.source for link in catalog.dependents.get(view.spec, []))
    edges, missing = _edges(catalog, by_spec, around)
    # Keep only the edges that touch this model: the neighbours' own links are theirs.
    edges = [e for e in edges if view.slug in (e.source, e.target)]
    missing = [m for m in missing if any(e.target == m.key for e in edges)]
    nodes = [
        _node(by_spec[s], href, s is view.spec)
        for s in sorted(around, key=lambda s: by_spec[s].name)
    ]
    return Graph(f"Dependencies of {view.name}", nodes + missing, edges)


def _components(specs: Iterable[SpecFile], catalog: Catalog) -> list[list[SpecFile]]:
    neighbours: dict[SpecFile, set[SpecFile]] = defaultdict(set)
    for spec, links in catalog.links.items():
        for link in links:
            if link.target is not None:
                neighbours[spec].add(link.target)
                neighbours[link.target].add(spec)
    seen: set[SpecFile] = set()
    components = []
    for spec in specs:
        if spec in seen:
            continue
        stack, component = [spec], []
        seen.add(spec)
        while stack:
            node = stack.pop()
            component.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        components.append(component)
    return components


def graph_page(
    views: list[ModelView],
    catalog: Catalog,
    by_spec: dict[SpecFile, ModelView],
    href: Href,
    split_at: int = SPLIT_AT,
) -> GraphPage:
    ordered = by_name(views)
    if len(ordered) <= split_at:
        edges, missing = _edges(catalog, by_spec, None)
        nodes = [_node(v, href) for v in ordered] + missing
        return GraphPage([Graph("Dependencies between all models", nodes, edges)], [], False)
    graphs, standalone = [], []
    components = _components([v.spec for v in ordered], catalog)
    components.sort(key=lambda c: (-len(c), by_spec[c[0]].name))
    for component in components:
        has_links = any(catalog.links.get(s) for s in component)
        if len(component) == 1 and not has_links:
            standalone.append(by_spec[component[0]])
            continue
        members = sorted(component, key=lambda s: by_spec[s].name)
        if len(members) <= split_at:
            graphs.append(
                _subgraph(
                    members,
                    catalog,
                    by_spec,
                    href,
                    f"{by_spec[members[0]].name} and {len(members) - 1} connected models",
                )
            )
            continue
        teams: dict[str, list[SpecFile]] = defaultdict(list)
        for spec in members:
            teams[by_spec[spec].team or "(no team)"].append(spec)
        for team, specs in sorted(teams.items()):
            for start in range(0, len(specs), split_at):
                chunk = specs[start : start + split_at]
                graphs.append(
                    _subgraph(chunk, catalog, by_spec, href, f"Team {team}", outside=True)
                )
    return GraphPage(graphs, sorted(standalone, key=lambda v: v.name.lower()), True)


def _subgraph(
    members: list[SpecFile],
    catalog: Catalog,
    by_spec: dict[SpecFile, ModelView],
    href: Href,
    title: str,
    *,
    outside: bool = False,
) -> Graph:
    """A graph of ``members``; with ``outside``, their links to other models as well."""
    inside = set(members)
    nodes = [_node(by_spec[s], href) for s in members]
    edges, missing = _edges(catalog, by_spec, inside if not outside else None)
    if outside:
        keep = {by_spec[s].slug for s in members}
        edges = [e for e in edges if e.source in keep or e.target in keep]
        shown = keep | {m.key for m in missing}
        extra = {e.target for e in edges if e.target not in shown} | {
            e.source for e in edges if e.source not in shown
        }
        nodes += [_node(v, href) for v in by_name(by_spec.values()) if v.slug in extra]
    missing = [m for m in missing if any(e.target == m.key for e in edges)]
    return Graph(title, nodes + missing, edges)
