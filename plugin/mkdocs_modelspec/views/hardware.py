"""The hardware matrix: which models need which accelerators, and how many at scale.

Only valid specs are counted (a spec with problems may hold anything). Replicas that
a spec does not declare are never guessed: such models are counted apart, and the
totals say how many were left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import ModelView, by_name


@dataclass
class HardwareRow:
    view: ModelView
    per_replica: int
    min_replicas: int | None
    max_replicas: int | None
    batch: int | float | None
    sequence: int | float | None

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


@dataclass
class AcceleratorGroup:
    vendor: str
    type: str
    rows: list[HardwareRow]
    total: Total


@dataclass
class HardwarePage:
    groups: list[AcceleratorGroup]
    by_team: list[Total]
    teams: list[str]
    types: list[str]
    grid: dict[tuple[str, str], int]
    """(team, accelerator type) -> GPUs at maximum scale."""
    grid_undeclared: dict[tuple[str, str], int]
    chart: list[tuple[str, float]]
    not_counted: list[ModelView]
    """Specs with problems, left out of every figure."""


NO_TEAM = "(no team)"


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
        )
        groups[(view.accelerator_vendor or "", view.accelerator_type)].append(row)
    accelerator_groups = []
    team_totals: dict[str, Total] = {}
    grid: dict[tuple[str, str], int] = defaultdict(int)
    grid_undeclared: dict[tuple[str, str], int] = defaultdict(int)
    for (vendor, kind), rows in sorted(groups.items()):
        total = Total(key=kind)
        for row in rows:
            team = row.view.team or NO_TEAM
            team_total = team_totals.setdefault(team, Total(key=team))
            for t in (total, team_total):
                t.models += 1
                if row.at_min is None or row.at_max is None:
                    t.undeclared += 1
                else:
                    t.at_min += row.at_min
                    t.at_max += row.at_max
            if row.at_max is None:
                grid_undeclared[(team, kind)] += 1
            else:
                grid[(team, kind)] += row.at_max
        accelerator_groups.append(AcceleratorGroup(vendor, kind, rows, total))
    types = sorted({kind for _, kind in groups})
    teams = sorted(team_totals, key=lambda t: (t == NO_TEAM, t))
    return HardwarePage(
        groups=accelerator_groups,
        by_team=[team_totals[t] for t in teams],
        teams=teams,
        types=types,
        grid=dict(grid),
        grid_undeclared=dict(grid_undeclared),
        chart=[(g.type, g.total.at_max) for g in accelerator_groups],
        not_counted=not_counted,
    )
