"""The hardware matrix: which models need which accelerators, and how many at scale.

How models are counted, everywhere on the site (the page says it once):

* only valid specs with an accelerator are counted (a spec with problems may hold
  anything); the rest are named as not counted;
* accelerator types are grouped by vendor and device, whatever the spelling: ``H100``,
  ``h100`` and ``nvidia-h100-sxm`` are one type (the accelerator table's matching,
  ``capacity.normalise``); the page shows the spelling most specs use and names the
  others;
* accelerators of different types are never added into one number: totals are per
  type, or in GB of accelerator memory, which adds up;
* "at minimum scale" counts the models that declare ``minReplicas``, "at maximum
  scale" those that declare ``maxReplicas``: a model that declares one of the two is
  counted where it can be, and every total names the models it could not count. A
  replica count that is not declared is never guessed;
* memory is summed over the models whose type has a memory figure; a figure that
  cannot be computed is "unknown", never 0.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..capacity import Capacity, normalise
from . import ModelView, by_name


def type_key(view: ModelView) -> tuple[str, str] | None:
    """The accelerator type of a model, as the site groups types: (vendor, device)."""
    kind = view.accelerator_type
    if kind is None:
        return None
    match = view.capacity.match if view.capacity else None
    device = match.entry if match is not None and match.entry else normalise(kind).text
    return ((view.accelerator_vendor or "").strip().casefold(), device or kind.casefold())


@dataclass
class AcceleratorType:
    """One accelerator type, as the specs spell it."""

    key: tuple[str, str]
    spellings: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(vendor, type) as written, and how many models write it so."""

    # Worked out once, when the spellings are all counted (accelerator_types): the
    # hardware matrix asks for the name of each row's type several times.
    @functools.cached_property
    def main(self) -> tuple[str, str]:
        """(vendor, type): the spelling most models use (the first one on a tie)."""
        return self.spellings.most_common(1)[0][0]

    @property
    def vendor(self) -> str:
        return self.main[0]

    @property
    def type(self) -> str:
        return self.main[1]

    @functools.cached_property
    def name(self) -> str:
        """``nvidia h100``: the spelling most models use (the first one on a tie)."""
        return _name(self.vendor, self.type)

    @property
    def variants(self) -> list[str]:
        """The other spellings of the same type (``H100``, ``nvidia-h100``)."""
        return sorted(_name(v, t) for v, t in self.spellings if (v, t) != self.main)


def _name(vendor: str, kind: str) -> str:
    """``nvidia h100``; ``nvidia-a100-80gb`` when the type already names its vendor."""
    if not vendor or kind.casefold().startswith(vendor.casefold()):
        return kind
    return f"{vendor} {kind}"


def accelerator_types(views: Iterable[ModelView]) -> dict[tuple[str, str], AcceleratorType]:
    """The accelerator types in use, by :func:`type_key`, in a stable order."""
    found: dict[tuple[str, str], AcceleratorType] = {}
    for view in by_name(views):
        key = type_key(view)
        if key is None:
            continue
        kind = found.setdefault(key, AcceleratorType(key))
        kind.spellings[(view.accelerator_vendor or "", view.accelerator_type or "")] += 1
    return dict(sorted(found.items(), key=lambda item: (item[0][1], item[0][0])))


@dataclass
class HardwareRow:
    view: ModelView
    type: AcceleratorType
    per_replica: int
    min_replicas: int | None
    max_replicas: int | None
    batch: int | float | None
    sequence: int | float | None
    capacity: Capacity | None = None

    @property
    def memory_per_replica(self) -> float | None:
        """Accelerator memory of one replica, in GB (None: unknown type)."""
        return self.capacity.per_replica_gb if self.capacity else None

    @property
    def memory_at_min(self) -> float | None:
        per = self.memory_per_replica
        return None if per is None or self.min_replicas is None else per * self.min_replicas

    @property
    def memory_at_max(self) -> float | None:
        per = self.memory_per_replica
        return None if per is None or self.max_replicas is None else per * self.max_replicas

    @property
    def at_min(self) -> int | None:
        return None if self.min_replicas is None else self.per_replica * self.min_replicas

    @property
    def at_max(self) -> int | None:
        return None if self.max_replicas is None else self.per_replica * self.max_replicas


@dataclass
class Total:
    """What a group of models needs at minimum and at maximum scale.

    Accelerators are counted per type; memory is summed across types. Each figure
    names the models it could not count.
    """

    key: str
    models: list[ModelView] = field(default_factory=list)
    at_min: dict[str, int] = field(default_factory=dict)
    """Accelerators at minimum scale, by type name, over the models declaring
    ``minReplicas``."""
    at_max: dict[str, int] = field(default_factory=dict)
    memory_at_min: float | None = None
    """GB of accelerator memory at minimum scale; None when no model could be counted."""
    memory_at_max: float | None = None
    no_min: list[ModelView] = field(default_factory=list)
    """Models that declare no ``minReplicas``: not in the figures at minimum scale."""
    no_max: list[ModelView] = field(default_factory=list)
    unknown_memory: list[ModelView] = field(default_factory=list)
    """Models whose accelerator type has no memory figure: not in the memory sums."""

    def add(self, row: HardwareRow) -> None:
        self.models.append(row.view)
        name = row.type.name
        if row.at_min is None:
            self.no_min.append(row.view)
        else:
            self.at_min[name] = self.at_min.get(name, 0) + row.at_min
        if row.at_max is None:
            self.no_max.append(row.view)
        else:
            self.at_max[name] = self.at_max.get(name, 0) + row.at_max
        if row.memory_per_replica is None:
            self.unknown_memory.append(row.view)
            return
        if row.memory_at_min is not None:
            self.memory_at_min = (self.memory_at_min or 0) + row.memory_at_min
        if row.memory_at_max is not None:
            self.memory_at_max = (self.memory_at_max or 0) + row.memory_at_max

    @property
    def min_for_type(self) -> int | None:
        """At minimum scale, for a total of one type (None: no model could be counted)."""
        return sum(self.at_min.values()) if self.at_min else None

    @property
    def max_for_type(self) -> int | None:
        return sum(self.at_max.values()) if self.at_max else None

    @property
    def not_counted(self) -> list[tuple[str, list[ModelView]]]:
        """(what could not be counted, the models), for the figures' footnotes."""
        # By identity: comparing views field by field, each against a list, was
        # quadratic (seconds at 10,000 models).
        no_max = {id(v) for v in self.no_max}
        neither = [v for v in self.no_min if id(v) in no_max]
        both = {id(v) for v in neither}
        return [
            (reason, views)
            for reason, views in (
                ("no replicas declared", neither),
                ("no minReplicas", [v for v in self.no_min if id(v) not in both]),
                ("no maxReplicas", [v for v in self.no_max if id(v) not in both]),
                ("no memory figure for the type", self.unknown_memory),
            )
            if views
        ]


@dataclass
class AcceleratorGroup:
    type: AcceleratorType
    rows: list[HardwareRow]
    total: Total


@dataclass
class UnknownType:
    """An accelerator type with no memory figure, and the models that use it."""

    type: str
    problem: str
    views: list[ModelView]


@dataclass
class HardwarePage:
    groups: list[AcceleratorGroup]
    by_team: list[Total]
    by_environment: list[Total]
    teams: list[str]
    types: list[AcceleratorType]
    grid: dict[tuple[str, str], Total]
    """(team, type name) -> what the team's models of that type need."""
    chart: list[tuple[str, int | None, str]]
    """(type, accelerators at maximum scale or None when unknown, note)."""
    not_counted: list[ModelView]
    """Specs with problems or without an accelerator, left out of every figure."""
    unknown_types: list[UnknownType]
    estimates: list[HardwareRow]
    """Models with a parameter count: their weight estimates."""


NO_TEAM = "(no team)"
NO_ENVIRONMENT = "(no environment)"


def _int(value: int | float | None) -> int | None:
    return int(value) if value is not None and value >= 0 else None


def hardware_rows(views: list[ModelView]) -> tuple[list[HardwareRow], list[ModelView]]:
    """The rows of every countable model (by name), and the models not counted."""
    types = accelerator_types(v for v in views if v.valid)
    rows, not_counted = [], []
    for view in by_name(views):
        key = type_key(view)
        per_replica = view.accelerators
        if not view.valid or key is None or per_replica is None:
            not_counted.append(view)
            continue
        rows.append(
            HardwareRow(
                view=view,
                type=types[key],
                per_replica=per_replica,
                min_replicas=_int(view.number("spec.operations.scaling.minReplicas")),
                max_replicas=_int(view.number("spec.operations.scaling.maxReplicas")),
                batch=view.number("spec.runtime.batch.maxBatchSize"),
                sequence=view.number("spec.runtime.batch.maxSequenceLengthTokens"),
                capacity=view.capacity,
            )
        )
    return rows, not_counted


def hardware_page(views: list[ModelView]) -> HardwarePage:
    rows, not_counted = hardware_rows(views)
    by_type: dict[tuple[str, str], list[HardwareRow]] = defaultdict(list)
    for row in rows:
        by_type[row.type.key].append(row)
    types = sorted((group[0].type for group in by_type.values()), key=lambda t: t.key[::-1])
    team_totals: dict[str, Total] = {}
    environment_totals: dict[str, Total] = {}
    grid: dict[tuple[str, str], Total] = {}
    unknown: dict[tuple[str, str], list[ModelView]] = defaultdict(list)
    groups = []
    for kind in types:
        total = Total(key=kind.name)
        for row in by_type[kind.key]:
            team = row.view.team or NO_TEAM
            environment = row.view.environment or NO_ENVIRONMENT
            for t in (
                total,
                team_totals.setdefault(team, Total(key=team)),
                environment_totals.setdefault(environment, Total(key=environment)),
                grid.setdefault((team, kind.name), Total(key=kind.name)),
            ):
                t.add(row)
            match = row.capacity.match if row.capacity else None
            if match is not None and match.memory_gb is None:
                unknown[(row.view.accelerator_type or "", match.problem or "unknown type")].append(
                    row.view
                )
        groups.append(AcceleratorGroup(kind, by_type[kind.key], total))
    teams = sorted(team_totals, key=lambda t: (t == NO_TEAM, t))
    environments = sorted(environment_totals, key=lambda e: (e == NO_ENVIRONMENT, e))
    return HardwarePage(
        groups=groups,
        by_team=[team_totals[t] for t in teams],
        by_environment=[environment_totals[e] for e in environments],
        teams=teams,
        types=types,
        grid=grid,
        chart=[_bar(g) for g in groups],
        not_counted=not_counted,
        unknown_types=[
            UnknownType(kind, problem, views) for (kind, problem), views in sorted(unknown.items())
        ],
        estimates=[
            row for row in rows if row.capacity is not None and row.capacity.parameters_text
        ],
    )


def _bar(group: AcceleratorGroup) -> tuple[str, int | None, str]:
    missing = len(group.total.no_max)
    note = f"+ {missing} model{'s' * (missing != 1)} without maxReplicas" if missing else ""
    return (group.type.name, group.total.max_for_type, note)
