"""Declared vs running: the drift page, and the section of each model page.

``drift.py`` links workloads to specs and compares them; this module arranges the
result for a reader: models with drift first, then the models not seen running (per
environment), then what runs without a spec, then the models running as declared.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..drift import (
    DRIFT,
    FIELDS,
    STATUS_DRIFT,
    STATUS_MATCH,
    STATUS_NOT_SEEN,
    ModelDrift,
    Report,
    Row,
    age_text,
)
from ..observed import SPELLING_RULES, Fact, Workload, parse_time
from . import ModelView, by_name

NO_ENVIRONMENT = "(no environment label)"
STATUS_LABELS = {STATUS_DRIFT: "drift", STATUS_MATCH: "as declared", STATUS_NOT_SEEN: "not seen"}


@functools.lru_cache(maxsize=4096)
def when_text(value: str | None) -> str | None:
    """``2026-11-20T09:15:00Z`` -> ``2026-11-20 09:15 UTC``; None stays None."""
    when = parse_time(value)
    if when is None:
        return value
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Evidence:
    """Where one shown value comes from, in parts a template lays out."""

    origin: str | None
    """The fact key, flag or field it was read from (``vllm.maxModelLen``)."""
    where: str | None
    """``file:line`` in a manifest (None in a bundle: the workload names it)."""
    method: str | None
    confidence: str | None
    observed: str | None
    """When, when it differs from the workload's scan time."""
    stale: bool


def evidence(fact: Fact | None, workload: Workload, stale: bool) -> Evidence:
    if fact is None:
        return Evidence(None, None, None, None, None, False)
    where = None
    if workload.format == "manifest":
        where = f"{workload.file}:{fact.line or workload.line}"
    observed = fact.observed_at if fact.observed_at != workload.observed_at else None
    return Evidence(fact.origin, where, fact.method, fact.confidence, when_text(observed), stale)


@dataclass
class SectionRow:
    label: str
    declared: str | None
    observed: str | None
    verdict: str
    note: str | None
    evidence: Evidence


@dataclass
class Load:
    label: str
    observed: str
    target: str | None
    evidence: Evidence


@dataclass
class WorkloadSection:
    workload: Workload
    matched_by: str
    observed: str | None
    """When its bundle was made, with its age (``2026-11-29 06:00 UTC, 1 day ago``)."""
    stale: bool
    rows: list[SectionRow]
    load: list[Load]
    drifts: int


class DriftSection:
    """The "Declared vs running" section of one model page.

    Its rows are laid out when a page first asks for them: in a large build that is
    in the processes that render the model pages, not before."""

    def __init__(self, model: ModelDrift, report: Report[ModelView]) -> None:
        self.model = model
        self.now = report.now
        self.link_key = report.settings.link_key
        self.stale_after = report.stale_after

    @property
    def status(self) -> str:
        return self.model.status

    @property
    def drifts(self) -> int:
        return self.model.count(DRIFT)  # without making the rows

    @property
    def label(self) -> str:
        """What the catalog's Running column says: ``drift``, ``as declared``, ``not seen``."""
        return STATUS_LABELS[self.status]

    @functools.cached_property
    def workloads(self) -> list[WorkloadSection]:
        sections = []
        for found in self.model.workloads:
            workload = found.workload
            observed = when_text(workload.observed_at)
            if observed is not None:
                observed = f"{observed}, {age_text(workload.observed_at, self.now)}"
            sections.append(
                WorkloadSection(
                    workload=workload,
                    matched_by=found.matched_by,
                    observed=observed,
                    stale=found.stale,
                    rows=[_section_row(r) for r in found.rows],
                    load=[
                        Load(m.label, m.observed, m.target, evidence(m.fact, workload, m.stale))
                        for m in found.load
                    ],
                    drifts=found.count(DRIFT),
                )
            )
        return sections


def drift_section(model: ModelDrift, report: Report[ModelView]) -> DriftSection:
    return DriftSection(model, report)


def _section_row(row: Row) -> SectionRow:
    return SectionRow(
        row.field.label,
        row.declared,
        row.observed,
        row.verdict,
        row.note,
        evidence(row.fact, row.workload, row.stale),
    )


# --- the overview page ------------------------------------------------------------------


@dataclass
class DriftLine:
    """A drifting field, as the overview lists it."""

    view: ModelView
    workload: Workload
    row: SectionRow


@dataclass
class DriftPage:
    enabled: bool
    drifting: list[DriftLine] = field(default_factory=list)
    drifting_models: int = 0
    not_seen: list[tuple[str, list[ModelView]]] = field(default_factory=list)
    """Environment -> the models declared there that no workload runs."""
    not_seen_count: int = 0
    unmatched: list[Workload] = field(default_factory=list)
    matching: list[ModelView] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    bundles: int = 0
    manifests: int = 0
    workloads: int = 0
    newest: str | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    link_key: str = ""
    mapped: int = 0
    stale_after: str = ""
    rules: Sequence[str] = SPELLING_RULES
    fields: Sequence[str] = tuple(f.label for f in FIELDS)


def drift_page(views: list[ModelView], report: Report[ModelView] | None) -> DriftPage:
    if report is None:
        return DriftPage(enabled=False)
    drifting: list[DriftLine] = []
    environments: dict[str, list[ModelView]] = {}
    matching: list[ModelView] = []
    models = 0
    for view in by_name(views):
        section = view.drift
        if section is None:
            continue
        if section.status == STATUS_DRIFT:
            models += 1
            drifting += [
                DriftLine(view, w.workload, row)
                for w in section.workloads
                for row in w.rows
                if row.verdict == DRIFT
            ]
        elif section.status == STATUS_NOT_SEEN:
            environments.setdefault(view.environment or NO_ENVIRONMENT, []).append(view)
        elif section.status == STATUS_MATCH:
            matching.append(view)
    observations = report.observations
    return DriftPage(
        enabled=True,
        drifting=drifting,
        drifting_models=models,
        not_seen=sorted(environments.items(), key=lambda e: (e[0] == NO_ENVIRONMENT, e[0])),
        not_seen_count=sum(len(v) for v in environments.values()),
        unmatched=report.unmatched,
        matching=matching,
        files=observations.files,
        bundles=observations.bundles,
        manifests=observations.manifests,
        workloads=len(observations.workloads),
        newest=when_text(observations.newest),
        problems=report.diagnostics,
        link_key=report.settings.link_key,
        mapped=len(report.settings.workloads),
        stale_after=report.stale_after,
    )
