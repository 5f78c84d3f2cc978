"""Dependency graphs: a model's neighbourhood, and the whole catalog by team.

Past :data:`SPLIT_AT` models, one drawing of everything is unreadable, so the catalog
graph is split into connected components (models with no dependency either way are
listed, not drawn), and a component still too large is split by team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..catalog import Catalog
from ..loading import SpecFile
from ..rendering.svg import Edge, Node
from . import ModelView, by_name, dependency, slugify

SPLIT_AT = 60


@dataclass
class Graph:
    title: str
    nodes: list[Node]
    edges: list[Edge]
    name: str = ""
    """The page name of a part of a split graph: from its group (its first model, or its
    team), never its place in the list, so that a new group leaves the others' pages
    as they are."""

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
    catalog: Catalog,
    by_spec: dict[SpecFile, ModelView],
    members: list[SpecFile] | None,
    *,
    outside: bool = False,
    callers: Sequence[SpecFile] = (),
) -> tuple[list[Edge], list[Node]]:
    """Edges of the catalog (``members`` None), or between ``members``; with ``outside``,
    also those from a member to any other model, and from ``callers`` (the models
    outside that depend on a member) into the members. Plus a node for each missing
    target of a member.

    Only the members' own links and dependents are read: a graph of a few models
    must not cost a walk over the whole catalog (that made the neighbourhoods and the
    split catalog graph quadratic in the number of models). The order follows
    ``members`` (then the catalog's), so the pages are the same in every build.
    """
    edges, missing = [], []
    everything = members is None
    inside = set(members or ())
    sources = [*(catalog.links if members is None else members), *callers]
    for spec in sources:
        source = by_spec[spec]
        mine = everything or spec in inside
        for link in catalog.links.get(spec, []):
            if not mine and link.target not in inside:
                continue  # a caller's link to a model outside the graph
            dep = dependency(spec.data, link.index)
            optional = dep.get("required") is False
            role = dep.get("role") if isinstance(dep.get("role"), str) else None
            if link.target is None:
                key = f"missing:{spec.path}:{link.index}"
                missing.append(Node(key, str(dep.get("id", link.spec_ref)), missing=True))
                edges.append(Edge(source.slug, key, optional, role))
            elif everything or outside or link.target in inside:
                edges.append(Edge(source.slug, by_spec[link.target].slug, optional, role))
    return edges, missing


def _callers(catalog: Catalog, inside: set[SpecFile]) -> set[SpecFile]:
    """The models outside ``inside`` that depend on one inside."""
    return {
        link.source
        for spec in inside
        for link in catalog.dependents.get(spec, [])
        if link.source not in inside
    }


def _by_name_specs(specs: Iterable[SpecFile], by_spec: dict[SpecFile, ModelView]) -> list[SpecFile]:
    return [v.spec for v in by_name(by_spec[s] for s in specs)]


def _node(view: ModelView, href: Href, focus: bool = False) -> Node:
    return Node(view.slug, view.name, href(view), view.team, focus=focus)


def neighbourhood(
    view: ModelView, catalog: Catalog, by_spec: dict[SpecFile, ModelView], href: Href
) -> Graph:
    """The model, what it depends on, and what depends on it."""
    around = {view.spec}
    around.update(link.target for link in catalog.links.get(view.spec, []) if link.target)
    around.update(link.source for link in catalog.dependents.get(view.spec, []))
    members = _by_name_specs(around, by_spec)
    edges, missing = _edges(catalog, by_spec, members)
    # Keep only the edges that touch this model: the neighbours' own links are theirs.
    edges = [e for e in edges if view.slug in (e.source, e.target)]
    missing = [m for m in missing if any(e.target == m.key for e in edges)]
    nodes = [_node(by_spec[s], href, s is view.spec) for s in members]
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


def splits(count: int, split_at: int = SPLIT_AT) -> bool:
    """Whether the catalog graph of ``count`` models is drawn in parts."""
    return count > split_at


def graph_page(
    views: list[ModelView],
    catalog: Catalog,
    by_spec: dict[SpecFile, ModelView],
    href: Href,
    split_at: int = SPLIT_AT,
) -> GraphPage:
    ordered = by_name(views)
    if not splits(len(ordered), split_at):
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
        members = _by_name_specs(component, by_spec)
        if len(members) <= split_at:
            graphs.append(
                _subgraph(
                    members,
                    catalog,
                    by_spec,
                    href,
                    f"{by_spec[members[0]].name} and {len(members) - 1} connected models",
                    name=by_spec[members[0]].slug,
                )
            )
            continue
        teams: dict[str | None, list[SpecFile]] = defaultdict(list)
        for spec in members:
            teams[by_spec[spec].team or None].append(spec)
        for team, specs in sorted(teams.items(), key=lambda t: (t[0] is not None, t[0] or "")):
            parts = -(-len(specs) // split_at)
            for part, start in enumerate(range(0, len(specs), split_at), 1):
                title = f"Team {team}" if team is not None else "Models with no team"
                name = f"team-{slugify(team)}" if team is not None else "no-team"
                if parts > 1:
                    title += f" ({part} of {parts})"
                    name += f"-part-{part}"
                chunk = specs[start : start + split_at]
                graphs.append(
                    _subgraph(chunk, catalog, by_spec, href, title, outside=True, name=name)
                )
    taken: set[str] = set()
    for graph in graphs:
        name, suffix = graph.name, 1
        while name in taken:
            suffix += 1
            name = f"{graph.name}-{suffix}"
        graph.name = name
        taken.add(name)
    return GraphPage(graphs, sorted(standalone, key=lambda v: v.name.lower()), True)


def _subgraph(
    members: list[SpecFile],
    catalog: Catalog,
    by_spec: dict[SpecFile, ModelView],
    href: Href,
    title: str,
    *,
    outside: bool = False,
    name: str = "",
) -> Graph:
    """A graph of ``members``; with ``outside``, their links to other models as well."""
    nodes = [_node(by_spec[s], href) for s in members]
    if not outside:
        edges, missing = _edges(catalog, by_spec, members)
    else:
        inside = set(members)
        callers = _callers(catalog, inside)
        edges, missing = _edges(
            catalog, by_spec, members, outside=True, callers=_by_name_specs(callers, by_spec)
        )
        targets = {
            link.target
            for spec in members
            for link in catalog.links.get(spec, [])
            if link.target is not None and link.target not in inside
        }
        nodes += [_node(by_spec[s], href) for s in _by_name_specs(targets | callers, by_spec)]
    return Graph(title, nodes + missing, edges, name)  # each missing node has its edge
