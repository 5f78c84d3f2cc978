"""The hardware matrix: which models need which accelerators, and how many at scale.

Only valid specs are counted (a spec with problems may hold anything). Replicas that
a spec does not declare are never guessed: such models are counted apart, and the
totals say how many were left out. Accelerator memory comes from the site's
accelerator table (``capacity.py``); a type the table does not know is listed, and
its models are left out of the memory sums, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..capacity import Capacity
from . import ModelView, by_name


@dataclass
class HardwareRow:
    view: ModelView
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
    """GPUs at minimum and maximum scale over the models that declare replicas."""

    key: str
    models: int = 0
    at_min: int = 0
    at_max: int = 0
    undeclared: int = 0
    """Models without declared replicas: not in the sums."""
    memory_at_min: float = 0
    """Accelerator memory (GB) at minimum scale, over the models whose type is known."""
    memory_at_max: float = 0
    unknown_memory: int = 0
    """Models with declared replicas whose accelerator memory is unknown: not in the
    memory sums."""

    def add(self, row: HardwareRow) -> None:
        self.models += 1
        if row.at_min is None or row.at_max is None:
            self.undeclared += 1
            return
        self.at_min += row.at_min
        self.at_max += row.at_max
        if row.memory_at_min is None or row.memory_at_max is None:
            self.unknown_memory += 1
        else:
            self.memory_at_min += row.memory_at_min
            self.memory_at_max += row.memory_at_max


@dataclass
class AcceleratorGroup:
    vendor: str
    type: str
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
    types: list[str]
    grid: dict[tuple[str, str], int]
    """(team, accelerator type) -> GPUs at maximum scale."""
    grid_undeclared: dict[tuple[str, str], int]
    chart: list[tuple[str, float]]
    not_counted: list[ModelView]
    """Specs with problems, left out of every figure."""
    unknown_types: list[UnknownType]
    estimates: list[HardwareRow]
    """Models with a parameter count: their weight estimates."""


NO_TEAM = "(no team)"
NO_ENVIRONMENT = "(no environment)"


def _int(value: int | float | None) -> int | None:
    return int(value) if value is not None else None


def hardware_page(views: list[ModelView]) -> HardwarePage:
    groups: dict[tuple[str, str], list[HardwareRow]] = defaultdict(list)
    not_counted = []
    for view in by_name(views):
        per_replica = view.accelerators
        if not view.valid or view.accelerator_type is None or per_replica is None:
            not_counted.append(view)
            continue
        row = HardwareRow(
            view=view,
            per_replica=per_replica,
            min_replicas=_int(view.number("spec.operations.scaling.minReplicas")),
            max_replicas=_int(view.number("spec.operations.scaling.maxReplicas")),
            batch=view.number("spec.runtime.batch.maxBatchSize"),
            sequence=view.number("spec.runtime.batch.maxSequenceLengthTokens"),
            capacity=view.capacity,
        )
        groups[(view.accelerator_vendor or "", view.accelerator_type)].append(row)
    accelerator_groups = []
    team_totals: dict[str, Total] = {}
    environment_totals: dict[str, Total] = {}
    grid: dict[tuple[str, str], int] = defaultdict(int)
    grid_undeclared: dict[tuple[str, str], int] = defaultdict(int)
    unknown: dict[tuple[str, str], list[ModelView]] = defaultdict(list)
    for (vendor, kind), rows in sorted(groups.items()):
        total = Total(key=kind)
        for row in rows:
            team = row.view.team or NO_TEAM
            environment = row.view.environment or NO_ENVIRONMENT
            team_total = team_totals.setdefault(team, Total(key=team))
            environment_total = environment_totals.setdefault(environment, Total(environment))
            for t in (total, team_total, environment_total):
                t.add(row)
            match = row.capacity.match if row.capacity else None
            if match is not None and match.memory_gb is None:
                unknown[(kind, match.problem or "unknown type")].append(row.view)
            if row.at_max is None:
                grid_undeclared[(team, kind)] += 1
            else:
                grid[(team, kind)] += row.at_max
        accelerator_groups.append(AcceleratorGroup(vendor, kind, rows, total))
    types = sorted({kind for _, kind in groups})
    teams = sorted(team_totals, key=lambda t: (t == NO_TEAM, t))
    environments = sorted(environment_totals, key=lambda e: (e == NO_ENVIRONMENT, e))
    return HardwarePage(
        groups=accelerator_groups,
        by_team=[team_totals[t] for t in teams],
        by_environment=[environment_totals[e] for e in environments],
        teams=teams,
        types=types,
        grid=dict(grid),
        grid_undeclared=dict(grid_undeclared),
        chart=[(g.type, g.total.at_max) for g in accelerator_groups],
        not_counted=not_counted,
        unknown_types=[
            UnknownType(kind, problem, views) for (kind, problem), views in sorted(unknown.items())
        ],
        estimates=[
            row
            for group in accelerator_groups
            for row in group.rows
            if row.capacity is not None and row.capacity.parameters_text is not None
        ],
    )
