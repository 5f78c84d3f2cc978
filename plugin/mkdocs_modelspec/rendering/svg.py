"""Graphs and charts drawn at build time as inline SVG.

The site must work where the internet is out of reach, so nothing is drawn by a
script fetched from a CDN: the dependency graphs and the hardware chart are SVG
written here, with every text escaped for XML. Each graph also comes with its
Mermaid source (:func:`mermaid`), for readers who want to paste it elsewhere.

The layout is a small layered drawing: a model on the left depends on the models to
its right; layers come from the longest path (cycles are broken where the search
finds them), and nodes are ordered in each layer by the mean position of their
neighbours, which keeps most edges short and straight.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .escape import Md, html, mermaid_label

NODE_WIDTH = 200
NODE_HEIGHT = 34
GAP_X = 70
GAP_Y = 14
MARGIN = 8
_CHARS = 27  # label characters that fit in a node at the font size used

# Colour-blind friendly palette (Okabe-Ito and friends), one colour a team.
PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#7a6fd0",
    "#8c8c00",
    "#b15928",
    "#1b9e9e",
)


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    href: str | None = None
    group: str | None = None
    """The team: gives the node its colour."""
    missing: bool = False
    """A dependency that is not in the catalog (drawn dashed, not linked)."""
    focus: bool = False
    """The model whose page this is (drawn bold)."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    optional: bool = False
    """``required: false``: drawn dashed."""
    label: str | None = None


def colour(group: str | None) -> str:
    if not group:
        return "#888888"
    digest = hashlib.sha256(group.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _layers(nodes: Sequence[Node], edges: Sequence[Edge]) -> list[list[str]]:
    keys = [n.key for n in nodes]
    successors: dict[str, list[str]] = {k: [] for k in keys}
    for edge in edges:
        if edge.source in successors and edge.target in successors:
            successors[edge.source].append(edge.target)
    # Drop back edges (found by an iterative depth-first search) to get a DAG.
    state: dict[str, int] = {}
    forward: dict[str, list[str]] = {k: [] for k in keys}
    for start in keys:
        if start in state:
            continue
        stack = [(start, iter(successors[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                continue  # a back edge: part of a cycle
            else:
                forward[node].append(child)
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(successors[child])))
    # Longest path from the sources, in topological order.
    indegree = dict.fromkeys(keys, 0)
    for targets in forward.values():
        for target in targets:
            indegree[target] += 1
    layer = dict.fromkeys(keys, 0)
    ready = [k for k in keys if indegree[k] == 0]
    while ready:
        node = ready.pop()
        for target in forward[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    depth = max(layer.values(), default=0) + 1
    layers: list[list[str]] = [[] for _ in range(depth)]
    for key in keys:
        layers[layer[key]].append(key)
    # A few sweeps of the barycentre heuristic.
    neighbours: dict[str, list[str]] = {k: [] for k in keys}
    for source, targets in successors.items():
        for target in targets:
            neighbours[source].append(target)
            neighbours[target].append(source)
    for _ in range(4):
        position = {key: i for column in layers for i, key in enumerate(column)}
        for column in layers:
            column.sort(
                key=lambda k: (
                    sum(position[n] for n in neighbours[k]) / len(neighbours[k])
                    if neighbours[k]
                    else position[k]
                )
            )
    return layers


def _short(label: str) -> str:
    return label if len(label) <= _CHARS else label[: _CHARS - 1] + "\u2026"


def graph(nodes: Sequence[Node], edges: Sequence[Edge], title: str) -> Md:
    """An inline SVG drawing of the graph (empty when there are no nodes)."""
    if not nodes:
        return Md("")
    layers = _layers(nodes, edges)
    rows = max(len(column) for column in layers)
    width = MARGIN * 2 + len(layers) * NODE_WIDTH + (len(layers) - 1) * GAP_X
    height = MARGIN * 2 + rows * NODE_HEIGHT + (rows - 1) * GAP_Y
    where: dict[str, tuple[float, float]] = {}
    for index, column in enumerate(layers):
        top = MARGIN + (rows - len(column)) * (NODE_HEIGHT + GAP_Y) / 2
        for row, key in enumerate(column):
            where[key] = (MARGIN + index * (NODE_WIDTH + GAP_X), top + row * (NODE_HEIGHT + GAP_Y))
    parts = [
        f'<svg class="modelspec-graph" xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">',
        f"<title>{html(title)}</title>",
        '<defs><marker id="modelspec-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#777"/></marker></defs>',
    ]
    for edge in edges:
        if edge.source not in where or edge.target not in where:
            continue
        (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
        y1, y2 = y1 + NODE_HEIGHT / 2, y2 + NODE_HEIGHT / 2
        if x2 > x1:
            x1 += NODE_WIDTH
            bend = (x2 - x1) / 2
            c1, c2 = x1 + bend, x2 - bend
            d = f"M {x1:.1f} {y1:.1f} C {c1:.1f} {y1:.1f}, {c2:.1f} {y2:.1f}, {x2:.1f} {y2:.1f}"
        else:  # same layer or backwards (a cycle): loop around the right side
            x1 += NODE_WIDTH
            x2 += NODE_WIDTH
            reach = GAP_X / 2 + abs(y2 - y1) / 4
            c1, c2 = x1 + reach, x2 + reach
            d = f"M {x1:.1f} {y1:.1f} C {c1:.1f} {y1:.1f}, {c2:.1f} {y2:.1f}, {x2:.1f} {y2:.1f}"
        dash = ' stroke-dasharray="5 4"' if edge.optional else ""
        tip = f"<title>{html(edge.label)}</title>" if edge.label else ""
        parts.append(
            f'<path class="modelspec-edge" d="{d}" fill="none" stroke="#777" stroke-width="1.4"{dash} '
            f'marker-end="url(#modelspec-arrow)">{tip}</path>'
        )
    for node in nodes:
        x, y = where[node.key]
        stroke = colour(node.group)
        dash = ' stroke-dasharray="4 3"' if node.missing else ""
        weight = "3" if node.focus else "1.5"
        bold = ' font-weight="bold"' if node.focus else ""
        box = (
            f'<rect class="modelspec-{"missing" if node.missing else "node"}" x="{x:.1f}" '
            f'y="{y:.1f}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" '
            f'fill="{"#f4f4f4" if node.missing else "#ffffff"}" stroke="{stroke}" '
            f'stroke-width="{weight}"{dash}/>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="6" height="{NODE_HEIGHT}" rx="3" '
            f'fill="{stroke}"/>'
            f'<text x="{x + 14:.1f}" y="{y + NODE_HEIGHT / 2 + 4:.1f}" font-size="12" '
            f'font-family="sans-serif" fill="#222"{bold}>'
            f"{html(_short(node.label))}</text>"
        )
        tooltip = node.label + (f" ({node.group})" if node.group else "")
        if node.missing:
            tooltip += ": not in the catalog"
        group = f"<g><title>{html(tooltip)}</title>{box}</g>"
        if node.href and not node.missing:
            # xlink:href, not href: Zensical rewrites every href in a page's HTML as if
            # relative to the Markdown file (one folder off for MkDocs' page URLs), MkDocs
            # rewrites none, and Material's instant navigation resets every [href] (an
            # SVG link's cannot be set: a console error on every page with a graph). All
            # three leave xlink:href as written, and browsers follow it.
            group = f'<a xlink:href="{html(node.href)}">{group}</a>'
        parts.append(group)
    parts.append("</svg>")
    return Md("".join(parts))


def legend(groups: Sequence[str]) -> Md:
    """An HTML legend of the team colours used in a graph."""
    if not groups:
        return Md("")
    entries = "".join(
        f'<span class="modelspec-legend-item"><span class="modelspec-swatch" '
        f'style="background:{colour(g)}"></span>{html(g)}</span>'
        for g in groups
    )
    return Md(f'<p class="modelspec-legend">{entries}</p>')


def mermaid(nodes: Sequence[Node], edges: Sequence[Edge]) -> str:
    """The same graph as Mermaid source (node ids are ours, labels are escaped)."""
    ids = {node.key: f"n{i}" for i, node in enumerate(nodes)}
    lines = ["graph LR"]
    for node in nodes:
        lines.append(f'    {ids[node.key]}["{mermaid_label(node.label)}"]')
    for edge in edges:
        if edge.source in ids and edge.target in ids:
            arrow = "-.->" if edge.optional else "-->"
            lines.append(f"    {ids[edge.source]} {arrow} {ids[edge.target]}")
    return "\n".join(lines)


def bar_chart(rows: Sequence[tuple[str, float | None, str]], title: str, unit: str) -> Md:
    """A horizontal bar chart of (label, value, note): each value written at the end of
    its bar, then its note; a value that is not known (None) is written "unknown",
    with no bar, never drawn as 0."""
    if not rows:
        return Md("")
    label_width, bar_width, row_height = 190, 360, 24
    peak = max((value for _, value, _ in rows if value is not None), default=0) or 1
    height = MARGIN * 2 + row_height * len(rows)
    width = MARGIN * 2 + label_width + bar_width + 290
    parts = [
        f'<svg class="modelspec-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{html(title)}</title>",
    ]
    for index, (label, value, note) in enumerate(rows):
        y = MARGIN + index * row_height
        length = 0.0 if value is None else bar_width * value / peak
        shown = "unknown" if value is None else f"{value:,}"
        shown += f" ({note})" if note else ""
        parts.append(
            f'<text x="{MARGIN + label_width - 8}" y="{y + 16}" text-anchor="end" '
            f'font-size="12" font-family="sans-serif" fill="#222">{html(_short(label))}</text>'
        )
        if value is not None:
            parts.append(
                f'<rect x="{MARGIN + label_width}" y="{y + 4}" width="{length:.1f}" '
                f'height="16" fill="#0072b2"><title>{html(label)}: {html(shown)} '
                f"{html(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{MARGIN + label_width + length + 6:.1f}" y="{y + 16}" font-size="12" '
            f'font-family="sans-serif" fill="#222">{html(shown)}</text>'
        )
    parts.append("</svg>")
    return Md("".join(parts))
