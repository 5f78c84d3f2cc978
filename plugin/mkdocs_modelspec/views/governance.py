"""Governance: PII rules, retention, cost, gaps, and conflicts along dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog
from ..loading import SpecFile
from . import ModelView, by_name, get


@dataclass
class Conflict:
    source: ModelView
    target: ModelView
    what: str


@dataclass
class GovernancePage:
    pii_allowed: list[ModelView]
    pii_forbidden: list[ModelView]
    pii_undeclared: list[ModelView]
    retention: list[ModelView]
    """Models that declare a retention, shortest log retention first."""
    shortest_logs: int | None
    longest_logs: int | None
    shortest_artifacts: int | None
    longest_artifacts: int | None
    no_log_retention: list[ModelView]
    """Models that do not declare how long logs are kept (not in the range above)."""
    no_artifact_retention: list[ModelView]
    only_logs: list[ModelView]
    """Models that declare a log retention but no artifact retention."""
    cost: list[ModelView]
    """Models that declare a cost section."""
    cost_targets: int
    """How many of them declare a target per 1,000 tokens."""
    no_cost_target: list[ModelView]
    """Models that declare no cost target (with or without a cost section)."""
    no_governance: list[ModelView]
    conflicts: list[Conflict]
    total: int


_TARGET = "spec.governance.cost.targetCostPer1kTokensUsd"


def _days(view: ModelView, kind: str) -> int | None:
    value = view.number(f"spec.governance.compliance.retention.{kind}")
    return int(value) if value is not None else None


def conflicts_of(source: ModelView, target: ModelView) -> list[str]:
    """What the governance of ``source`` and of ``target``, one of its dependencies,
    disagree on."""
    found = []
    pii = "spec.governance.compliance.pii.allowed"
    if source.flag(pii) is False and target.flag(pii) is True:
        found.append("forbids PII but depends on a model that allows it")
    for kind, label in (("logsDays", "log"), ("artifactsDays", "artifact")):
        a, b = _days(source, kind), _days(target, kind)
        if a is not None and b is not None and a != b:
            found.append(f"{label} retention differs: {a} days and {b} days")
    return found


def governance_page(
    views: list[ModelView], catalog: Catalog, by_spec: dict[SpecFile, ModelView]
) -> GovernancePage:
    ordered = by_name(views)
    pii = {v: v.flag("spec.governance.compliance.pii.allowed") for v in ordered}
    # Each model's retention read once (by identity: a page of 10,000 models asked
    # for it a dozen times each).
    logs = {id(v): _days(v, "logsDays") for v in ordered}
    kept = {id(v): _days(v, "artifactsDays") for v in ordered}
    retention = [v for v in ordered if logs[id(v)] is not None or kept[id(v)] is not None]
    log_days = [d for d in logs.values() if d is not None]
    artifact_days = [d for d in kept.values() if d is not None]
    conflicts = []
    for spec, links in catalog.links.items():
        for link in links:
            if link.target is None:
                continue
            source, target = by_spec[spec], by_spec[link.target]
            conflicts += [Conflict(source, target, what) for what in conflicts_of(source, target)]
    targets = {id(v): v.number(_TARGET) for v in ordered}
    return GovernancePage(
        pii_allowed=[v for v in ordered if pii[v] is True],
        pii_forbidden=[v for v in ordered if pii[v] is False],
        pii_undeclared=[v for v in ordered if pii[v] is None],
        retention=sorted(retention, key=lambda v: (logs[id(v)] is None, logs[id(v)] or 0)),
        shortest_logs=min(log_days, default=None),
        longest_logs=max(log_days, default=None),
        shortest_artifacts=min(artifact_days, default=None),
        longest_artifacts=max(artifact_days, default=None),
        no_log_retention=[v for v in ordered if logs[id(v)] is None],
        no_artifact_retention=[v for v in ordered if kept[id(v)] is None],
        only_logs=[v for v in ordered if kept[id(v)] is None and logs[id(v)] is not None],
        cost=[v for v in ordered if isinstance(get(v.data, "spec.governance.cost"), dict)],
        cost_targets=sum(1 for v in ordered if targets[id(v)] is not None),
        no_cost_target=[v for v in ordered if targets[id(v)] is None],
        no_governance=[v for v in ordered if not isinstance(get(v.data, "spec.governance"), dict)],
        conflicts=sorted(conflicts, key=lambda c: (c.source.name, c.target.name, c.what)),
        total=len(ordered),
    )
