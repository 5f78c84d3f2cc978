"""The scorecard page: readiness levels per team, models below their required level,
and the checks that fail most often."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..readiness import (
    AREA_TITLES,
    CHECKS,
    EXEMPT_ANNOTATION,
    LEVELS,
    Check,
    Level,
    Result,
    Settings,
)
from . import ModelView, by_name

NO_TEAM = "(no team)"
NONE = "none"
"""The column of models that do not reach the first level."""


@dataclass
class LevelRow:
    level: Level
    checks: int
    """Checks it requires (of those turned on)."""
    models: int


@dataclass
class TeamRow:
    team: str
    counts: dict[str, int]
    """Level name (or ``none``) -> models at that level."""
    models: int
    below: int
    """Models below their required level."""


@dataclass
class Gap:
    """A check, and the models that fail it."""

    check: Check
    area: str
    level: Level
    views: list[ModelView]


@dataclass
class ScorecardsPage:
    levels: list[LevelRow]
    columns: list[str]
    """``none`` then each level name, lowest first."""
    teams: list[TeamRow]
    totals: dict[str, int]
    below: list[ModelView]
    """Models below their required level, lowest level first."""
    requirements: list[tuple[str, str]]
    """(environment label or ``*``, level) from the site's configuration."""
    gaps: list[Gap]
    """Failing checks, the most common first."""
    rows: list[ModelView]
    disabled: list[Check] = field(default_factory=list)
    exempt: list[tuple[ModelView, list[Result]]] = field(default_factory=list)
    """Models that mark checks as not applicable to them, with those checks."""
    chart: list[tuple[str, float | None, str]] = field(default_factory=list)


def scorecards_page(views: list[ModelView], settings: Settings) -> ScorecardsPage:
    scored = [v for v in by_name(views) if v.score is not None]
    columns = [NONE, *(level.name for level in LEVELS)]
    totals = dict.fromkeys(columns, 0)
    teams: dict[str, TeamRow] = {}
    failing: dict[str, list[ModelView]] = {}
    for view in scored:
        score = view.score
        assert score is not None
        team = view.team or NO_TEAM
        row = teams.setdefault(team, TeamRow(team, dict.fromkeys(columns, 0), 0, 0))
        row.counts[score.level_name] += 1
        row.models += 1
        totals[score.level_name] += 1
        if score.meets_requirement is False:
            row.below += 1
        for result in score.failing:
            failing.setdefault(result.check.id, []).append(view)
    checks = settings.checks
    by_id = {c.id: c for c in checks}
    gaps = [
        Gap(by_id[check_id], AREA_TITLES[by_id[check_id].area], _level_of(check_id), found)
        for check_id, found in failing.items()
    ]
    gaps.sort(key=lambda g: (-len(g.views), [c.id for c in checks].index(g.check.id)))
    enabled = {c.id for c in checks}
    return ScorecardsPage(
        levels=[
            LevelRow(level, sum(1 for c in level.checks if c in enabled), totals[level.name])
            for level in LEVELS
        ],
        columns=columns,
        teams=sorted(teams.values(), key=lambda t: (t.team == NO_TEAM, t.team)),
        totals=totals,
        below=sorted(
            (v for v in scored if v.score is not None and v.score.meets_requirement is False),
            key=lambda v: (v.score.rank if v.score else 0, v.name.lower()),
        ),
        requirements=sorted(settings.required.items()),
        gaps=gaps,
        rows=sorted(scored, key=lambda v: (-(v.score.rank if v.score else 0), v.name.lower())),
        disabled=[c for c in CHECKS if c.id in settings.disabled],
        exempt=[
            (view, found)
            for view in scored
            if view.score is not None
            and (found := [r for r in view.score.results if r.status == "exempt"])
        ],
        chart=[(name, totals[name], "") for name in columns],
    )


def _level_of(check_id: str) -> Level:
    return next(level for level in LEVELS if check_id in level.checks)


def shortfalls(views: list[ModelView]) -> list[str]:
    """One line per mistake in a spec's exemptions, and per model below its required
    level, at the label that requires it:
    ``file:line:col: warning: [readiness] NAME: ...`` (the plugin logs them as warnings,
    ``modelspec check`` prints them)."""
    lines = []
    for view in sorted(views, key=lambda v: v.spec.display):
        score = view.score
        if score is not None and score.mistakes:
            where = view.spec.where(("metadata", "annotations", EXEMPT_ANNOTATION))
            lines += [
                f"{view.spec.display}:{where.line}:{where.column}: warning: [readiness] "
                f"{view.name}: {mistake}"
                for mistake in score.mistakes
            ]
        reason = score.shortfall() if score is not None else None
        if score is None or reason is None:
            continue
        if score.required_by and score.required_by.startswith("environment"):
            where = view.spec.where(("metadata", "labels", "environment"))
        else:
            where = view.spec.where(("metadata", "name"))
        lines.append(
            f"{view.spec.display}:{where.line}:{where.column}: warning: [readiness] "
            f"{view.name}: {reason}"
        )
    return lines
