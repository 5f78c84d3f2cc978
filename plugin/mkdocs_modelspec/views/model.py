"""The data of one model's page: every field of the format, declared or not.

Each section walks the fields the format defines for it (``layout.py``, from the
same models that validate): a declared value is shown as the spec writes it (numbers
with every digit, text with its line breaks), a value the format fills in is marked
as its default, an empty list or map says so, and every field left out is named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..capacity import PARAMETERS_ANNOTATION, gigabytes, parameters_text
from ..catalog import Catalog
from ..diagnostics import Diagnostic
from ..loading import SpecFile
from ..readiness import Result, areas_of
from ..rendering.escape import href
from ..yamlread import Path as YamlPath
from ..yamlread import source_lines
from . import ModelView, dependency, get, plain_number
from .layout import FIELD_SECTIONS, Label, Node, tree

#: Sections of a model page, in order: (anchor, title). The anchors are stable:
#: other pages link to ``<model page>#hardware``.
SECTIONS = (
    *((anchor, title) for anchor, title, _ in FIELD_SECTIONS[:-1]),
    ("ownership", "Ownership"),
    FIELD_SECTIONS[-1][:2],
    ("readiness", "Readiness"),
    ("source", "Source"),
)


@dataclass(frozen=True)
class Shown:
    """One value as the page shows it.

    ``kind`` says how: ``absent`` (the spec does not declare it), ``empty`` (declared
    as an empty list or map), ``text``, ``code``, ``uri`` (code, a link when it is a
    web address), ``link`` (text, a link when it is a web address), ``number`` and
    ``money`` (``text`` holds every digit as written), ``flag`` (yes or no), ``model``
    (a specRef: ``text`` is the path, ``target`` the model it names, if any).
    """

    kind: str
    text: str = ""
    unit: str = ""
    default: bool = False
    """Not in the spec: the format's default for the field."""
    target: ModelView | None = None


ABSENT = Shown("absent")
EMPTY = Shown("empty")


@dataclass
class Row:
    """One field of a section."""

    label: str
    value: Shown
    path: str = ""
    """The field's path in the format (empty for figures the site works out)."""


@dataclass
class Table:
    """A map (labels, variables) or a list (steps, dependencies) of a section."""

    label: str
    path: str
    columns: list[str]
    rows: list[list[Shown]]


@dataclass
class Section:
    anchor: str
    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """The parts of the format this section shows that the spec leaves out entirely
    (one line on the page, not a table of empty rows)."""

    @property
    def declared(self) -> bool:
        return bool(self.rows or self.tables)


@dataclass
class User:
    """A model that depends on this one."""

    view: ModelView
    role: str | None
    required: bool


#: Annotations read as on-call (first found): text, or a link when a web address.
ON_CALL = ("oncall", "onCall", "on-call", "pager", "pagerduty", "escalation")


@dataclass
class Scale:
    """Accelerators and their memory at one end of the replica range."""

    replicas: int | None
    accelerators: int | None
    memory_gb: float | None


@dataclass
class Header:
    """What a reader comes for, at the top of a model page: each fact once."""

    owner: str | None
    team: str | None
    contact: str | None
    on_call: str | None
    links: list[tuple[str, str]]
    """Annotations whose value is a web address (a dashboard, a runbook): (key, URL)."""
    environment: str | None
    tier: str | None
    accelerator: str | None
    """``4 × nvidia h100`` per replica (None: not declared)."""
    memory_per_replica_gb: float | None
    low: Scale
    high: Scale
    level: str | None
    """The readiness level (None: the model was not scored)."""
    required: str | None
    meets: bool | None
    next_level: str | None
    next_steps: list[str]
    """The fields the next level needs, first few."""
    more_steps: int
    exempt: int
    errors: int
    warnings: int


@dataclass
class ModelPage:
    view: ModelView
    sections: dict[str, Section]
    description: list[list[str]] | None
    """The description's paragraphs, each a list of lines (None: not declared)."""
    version: Shown
    format: str
    """``apiVersion`` and ``kind`` as the spec writes them."""
    header: Header
    glance: list[tuple[str, str | None]]
    """The few facts a card embedded in another page shows."""
    tags: list[str]
    diagnostics: list[Diagnostic]
    used_by: list[User]
    source_lines: list[str] = field(default_factory=list)
    readiness: list[tuple[str, list[Result]]] = field(default_factory=list)
    """The readiness checks, by review area (empty when the model was not scored)."""
    estimate: str | None = None
    """The weight estimate, in words, when the spec annotates a parameter count."""
    verdict: str | None = None
    """``fits``, ``tight`` or ``does not fit`` (None without an estimate)."""

    @property
    def declared(self) -> dict[str, bool]:
        return {anchor: section.declared for anchor, section in self.sections.items()}


_MISSING: Any = object()


def shown(value: Any, label: Label, written: str | None = None) -> Shown:
    """A scalar of a spec as a page shows it (a spec with problems may hold anything)."""
    if isinstance(value, bool):
        return Shown("flag", "yes" if value else "no")
    if isinstance(value, int | float):
        kind = "money" if label.style == "money" else "number"
        if label.style == "port":  # 8000, not 8,000
            return Shown(kind, written or str(value))
        return Shown(kind, plain_number(value, written), label.unit)
    if isinstance(value, str):
        return Shown(label.style if label.style in ("code", "uri", "link") else "text", value)
    if value is None:
        return Shown("code", "null")
    return Shown("code", json.dumps(value, ensure_ascii=False, default=str))


def _default(node: Node) -> Shown:
    """What a field left out means, by the format: its default, or nothing."""
    if node.default is None:
        return ABSENT
    value = shown(node.default, node.label)
    return Shown(value.kind, value.text, value.unit, default=True)


def _at(data: Any, path: str) -> Any:
    """The value at a schema path with no list in it, or ``_MISSING``."""
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _leaves(node: Node) -> list[Node]:
    """The fields of the items of a list, nested objects flattened (the columns)."""
    found: list[Node] = []
    for child in node.children:
        if child.kind == "object":
            found += _leaves(child)
        else:
            found.append(child)
    # The column of a link to another spec (model and path) is the widest: last.
    return sorted(found, key=lambda leaf: leaf.label.style == "model")


class _Walk:
    """Fills the sections of one page from the spec's data, field by field."""

    def __init__(self, view: ModelView, targets: dict[int, ModelView]) -> None:
        self.data = view.data
        self.written = view.written
        self.targets = targets
        """The model each dependency's specRef names, by the dependency's index."""

    def section(self, anchor: str, title: str, roots: Iterable[str]) -> Section:
        found = Section(anchor, title)
        nodes = tree()
        for root in roots:
            value = _at(self.data, root)
            if value is _MISSING:
                found.missing.append(nodes[root].label.text)
            else:
                self.field(nodes[root], value, tuple(root.split(".")), found)
        return found

    def field(self, node: Node, value: Any, at: YamlPath, into: Section) -> None:
        label = node.label
        if value is _MISSING:
            into.rows.append(Row(label.text, _default(node), node.path))
        elif node.kind == "scalar" or not isinstance(value, dict | list):
            into.rows.append(Row(label.text, shown(value, label, self.written.get(at)), node.path))
        elif not value:
            into.rows.append(Row(label.text, EMPTY, node.path))
        elif node.kind == "object" and isinstance(value, dict):
            for child in node.children:
                self.field(child, value.get(child.key, _MISSING), (*at, child.key), into)
            self.unknown(node, value, into)
        elif node.kind == "map" and isinstance(value, dict):
            rows = [
                [Shown("code", str(key)), shown(item, label, self.written.get((*at, key)))]
                for key, item in value.items()
            ]
            into.tables.append(Table(label.text, node.path, ["Key", "Value"], rows))
        elif node.kind == "list" and isinstance(value, list):
            into.tables.append(self.table(node, value, at))
        else:  # a spec with problems: a list where a mapping goes, or the other way
            into.rows.append(Row(label.text, shown(value, label), node.path))

    def unknown(self, node: Node, value: dict[Any, Any], into: Section) -> None:
        """Keys the format does not have (a spec with problems): shown, never dropped."""
        known = {child.key for child in node.children}
        for key, item in value.items():
            if key not in known:
                label = Label(f"{key} (not a field of the format)")
                into.rows.append(Row(label.text, shown(item, label)))

    def table(self, node: Node, items: list[Any], at: YamlPath) -> Table:
        """A list of objects: one row per item, one column per field."""
        leaves = _leaves(node)
        rows = []
        for index, entry in enumerate(items):
            if not isinstance(entry, dict):  # a spec with problems
                rows.append([shown(entry, node.label), *[ABSENT] * (len(leaves) - 1)])
                continue
            row = []
            for leaf in leaves:
                inner = leaf.path[len(node.path) + 3 :].split(".")  # after "[]."
                value = _at(entry, ".".join(inner))
                row.append(self.cell(leaf, value, (*at, index, *inner), index))
            rows.append(row)
        return Table(node.label.text, node.path, [leaf.label.text for leaf in leaves], rows)

    def cell(self, leaf: Node, value: Any, at: YamlPath, index: int) -> Shown:
        if value is _MISSING:
            return _default(leaf)
        if leaf.label.style == "model" and isinstance(value, str):
            return Shown("model", value, target=self.targets.get(index))
        return shown(value, leaf.label, self.written.get(at))


def _paragraphs(text: str | None) -> list[list[str]] | None:
    """A description as paragraphs of lines: blank lines part paragraphs, line
    breaks stay line breaks (None: no description; empty: an empty one)."""
    if text is None:
        return None
    if not text.strip():
        return []
    paragraphs: list[list[str]] = [[]]
    for line in text.strip("\n").split("\n"):
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def model_page(view: ModelView, catalog: Catalog, views: dict[SpecFile, ModelView]) -> ModelPage:
    """Everything the model page of ``view`` shows."""
    d = view.data

    def g(path: str) -> Any:
        return get(d, path)

    targets = {
        link.index: views[link.target]
        for link in catalog.links.get(view.spec, [])
        if link.target is not None and link.target in views
    }
    walk = _Walk(view, targets)
    sections = {
        anchor: walk.section(anchor, title, roots) for anchor, title, roots in FIELD_SECTIONS
    }
    hardware = sections["hardware"]
    at = next((i for i, r in enumerate(hardware.rows) if r.path.endswith("count")), -1) + 1
    hardware.rows[at:at] = [
        row for row in (_memory(view), _parameters(view)) if row.value is not ABSENT
    ]
    # Shown in the page's header; sections of their own for embeds.
    sections["ownership"] = Section(
        "ownership",
        "Ownership",
        [
            Row("Team", _derived(view.team)),
            Row("Owner", _derived(view.owner)),
            Row("Contact", _derived(view.contact, "link")),
        ],
    )
    sections["readiness"] = Section("readiness", "Readiness", _readiness_rows(view))
    model = "spec.identity.model."
    tags = [
        t
        for t in (
            view.text(model + "family"),
            view.text(model + "task"),
            view.team,
            view.accelerator_type,
        )
        if t
    ]
    glance = [
        ("Accelerators", _accelerator(view)),
        (
            "Replicas",
            _range(
                g("spec.operations.scaling.minReplicas"), g("spec.operations.scaling.maxReplicas")
            ),
        ),
        ("Team", view.team),
        ("Owner", view.owner),
        ("Contact", view.contact),
    ]
    if view.score is not None:
        glance.append(("Readiness", view.score.level_name))
    version = _at(d, "metadata.version")
    return ModelPage(
        view=view,
        sections=sections,
        description=_paragraphs(view.text("metadata.description")),
        version=ABSENT if version is _MISSING else shown(version, Label("Version")),
        format=" ".join(
            str(v) for v in (g("apiVersion"), g("kind")) if isinstance(v, str | int | float)
        ),
        header=_header(view),
        glance=glance,
        tags=list(dict.fromkeys(tags)),
        diagnostics=view.spec.diagnostics,
        used_by=[
            User(views[link.source], *_role(link.source, link.index))
            for link in catalog.dependents.get(view.spec, [])
        ],
        source_lines=source_lines(view.spec.source or ""),
        readiness=areas_of(view.score.results) if view.score else [],
        estimate=_estimate(view),
        verdict=view.capacity.verdict if view.capacity else None,
    )


def _header(view: ModelView) -> Header:
    annotations = get(view.data, "metadata.annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    on_call = next(
        (str(annotations[k]) for k in ON_CALL if isinstance(annotations.get(k), str)), None
    )
    taken = {view.contact, on_call}
    links = [
        (str(key), value)
        for key, value in annotations.items()
        if isinstance(value, str) and href(value) is not None and value not in taken
    ]
    capacity = view.capacity
    per_replica = view.accelerators

    def scale(replicas: int | None) -> Scale:
        return Scale(
            replicas,
            per_replica * replicas if per_replica is not None and replicas is not None else None,
            capacity.per_replica_gb * replicas
            if capacity is not None and capacity.per_replica_gb is not None and replicas is not None
            else None,
        )

    score = view.score
    steps = score.next_steps if score is not None else []
    diagnostics = view.spec.diagnostics
    kind = view.accelerator_type
    return Header(
        owner=view.owner,
        team=view.team,
        contact=view.contact,
        on_call=on_call,
        links=links,
        environment=view.environment,
        tier=view.text("metadata.labels.tier"),
        accelerator=(
            f"{per_replica} × {view.accelerator_vendor or ''} {kind}".replace("  ", " ")
            if kind is not None and per_replica is not None
            else kind
        ),
        memory_per_replica_gb=capacity.per_replica_gb if capacity is not None else None,
        low=scale(capacity.min_replicas if capacity is not None else None),
        high=scale(capacity.max_replicas if capacity is not None else None),
        level=score.level_name if score is not None else None,
        required=score.required.name if score is not None and score.required else None,
        meets=score.meets_requirement if score is not None else None,
        next_level=score.next_level.name if score is not None and score.next_level else None,
        next_steps=[r.field for r in steps[:3]],
        more_steps=max(0, len(steps) - 3),
        exempt=score.count("exempt") if score is not None else 0,
        errors=sum(1 for d in diagnostics if d.is_error),
        warnings=sum(1 for d in diagnostics if not d.is_error),
    )


def _derived(value: str | None, kind: str = "text") -> Shown:
    return ABSENT if value is None else Shown(kind, value)


def _num(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return plain_number(value)


def _range(low: Any, high: Any) -> str | None:
    lo, hi = _num(low), _num(high)
    if lo is None and hi is None:
        return None
    return f"{lo or 'not declared'} to {hi or 'not declared'}"


def _memory(view: ModelView) -> Row:
    """``80 GB each, 320 GB per replica`` (or why it is unknown), from the site's
    accelerator table."""
    capacity = view.capacity
    if capacity is None or capacity.match is None:
        return Row("Accelerator memory", ABSENT)
    if capacity.memory_gb is None:
        return Row("Accelerator memory", Shown("text", f"unknown: {capacity.match.problem}"))
    text = f"{gigabytes(capacity.memory_gb)} each"
    if capacity.per_replica_gb is not None and capacity.count != 1:
        text += f", {gigabytes(capacity.per_replica_gb)} per replica"
    return Row("Accelerator memory", Shown("text", text))


def _parameters(view: ModelView) -> Row:
    capacity = view.capacity
    if capacity is None or capacity.parameters_text is None:
        return Row("Parameters", ABSENT)
    if capacity.parameters is None:
        text = f"{capacity.parameters_text} (not a count: write 70b, 350m or 7000000000)"
    else:
        text = (
            f"{parameters_text(capacity.parameters)} (from the annotation "
            f"{PARAMETERS_ANNOTATION}: {capacity.parameters_text})"
        )
    return Row("Parameters", Shown("text", text))


def _estimate(view: ModelView) -> str | None:
    capacity = view.capacity
    if capacity is None or capacity.parameters_text is None:
        return None
    if capacity.estimate_note is not None:
        return f"none, {capacity.estimate_note}."
    assert capacity.parameters is not None
    assert capacity.bytes_per_parameter is not None
    weights = (
        f"{parameters_text(capacity.parameters)} parameters x "
        f"{capacity.bytes_per_parameter:g} bytes ({capacity.precision}) = about "
        f"{gigabytes(capacity.weights_gb)} of weights"
    )
    if capacity.per_replica_gb is None:
        return f"{weights}; the accelerator memory of a replica is unknown."
    share = capacity.share or 0
    return (
        f"{weights}, in {gigabytes(capacity.per_replica_gb)} of accelerator memory "
        f"per replica ({share:.0%})."
    )


def _readiness_rows(view: ModelView) -> list[Row]:
    """One row per check, for embeds (``<!-- modelspec:section NAME readiness -->``)."""
    if view.score is None:
        return []
    rows = [Row("Level", Shown("text", view.score.level_name))]
    for result in view.score.results:
        if result.status == "fail":
            value = f"fails: set {result.field}"
        else:
            value = "passes" if result.status == "pass" else "does not apply"
        rows.append(Row(result.check.title, Shown("text", value)))
    return rows


def _accelerator(view: ModelView) -> str | None:
    kind, count, vendor = view.accelerator_type, view.accelerators, view.accelerator_vendor
    if kind is None and vendor is None:
        return None
    shown = f"{vendor} {kind}" if vendor and kind else (kind or vendor or "")
    if count is not None:
        shown += f" x {count} per replica"
    return shown


def _role(spec: SpecFile, index: int) -> tuple[str | None, bool]:
    dep = dependency(spec.data, index)
    role, required = dep.get("role"), dep.get("required")
    return (
        role if isinstance(role, str) else None,
        required if isinstance(required, bool) else True,
    )
