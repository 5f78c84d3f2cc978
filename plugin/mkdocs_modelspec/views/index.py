"""The catalog page: one row per model, with counts on top, facets to narrow it, and
the compact data file its script sorts and filters every row from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..readiness import LEVELS
from . import ModelView, by_name
from .hardware import accelerator_types, type_key

#: Catalogs of up to this many models have every row in the page's HTML (it works
#: without JavaScript); larger ones the first rows, the rest from the data file.
INLINE_ROWS = 500
#: Rows in the HTML of a larger catalog: the first screen and some.
FIRST_ROWS = 100
#: The data file of the catalog, beside the catalog page.
CATALOG_DATA = "catalog.json"
#: The columns of the data file, in order (each row is a list).
COLUMNS = (
    "name",
    "url",
    "team",
    "owner",
    "task",
    "framework",
    "accelerator",
    "environment",
    "level",
    "running",
    "problems",
)
_LEVELS = tuple(level.name for level in LEVELS)
#: The facets offered beside the free text: (column, label).
FACETS = (
    ("team", "Team"),
    ("environment", "Environment"),
    ("accelerator", "Accelerator"),
    ("framework", "Framework"),
    ("level", "Readiness"),
    ("running", "Running"),
)


@dataclass
class CatalogPage:
    rows: list[ModelView]
    """Every model, by name."""
    shown: list[ModelView]
    """The rows in the page's HTML (every row, up to :data:`INLINE_ROWS`)."""
    teams: list[str]
    accelerator_types: list[str]
    problems: int
    """Diagnostics across the catalog (errors and warnings)."""
    invalid: int
    levels: list[tuple[str, str]]
    """(level, what it takes), lowest first: the glossary under the table."""
    running: bool
    """Whether the site reads observed data (the Running column)."""
    drifting: int | None = None
    """Models whose workloads drift from their spec (None: no observed data read)."""


def catalog_page(views: list[ModelView]) -> CatalogPage:
    rows = by_name(views)
    observed = [v.drift for v in views if v.drift is not None]
    return CatalogPage(
        rows=rows,
        shown=rows if len(rows) <= INLINE_ROWS else rows[:FIRST_ROWS],
        teams=sorted({v.team for v in views if v.team}),
        accelerator_types=[t.name for t in accelerator_types(views).values()],
        problems=sum(len(v.spec.diagnostics) for v in views),
        invalid=sum(1 for v in views if not v.valid),
        levels=[(level.name, level.summary) for level in LEVELS],
        running=bool(observed),
        drifting=sum(1 for d in observed if d.drifts) if observed else None,
    )


def accelerator_text(view: ModelView) -> str | None:
    """``nvidia h100 × 4``: the vendor with the type (so "nvidia" finds it), then the
    accelerators per replica."""
    kind = view.accelerator_type
    if kind is None:
        return None
    vendor = view.accelerator_vendor
    named = f"{vendor} {kind}" if vendor and not kind.lower().startswith(vendor.lower()) else kind
    count = view.accelerators
    return f"{named} × {count}" if count is not None else named


def catalog_row(view: ModelView, href: Callable[[ModelView], str]) -> list[Any]:
    """One model's row of the catalog's data file (the columns of :data:`COLUMNS`)."""
    score = view.score
    rank = _LEVELS.index(score.level.name) if score is not None and score.level else -1
    return [
        view.name,
        href(view),
        view.team,
        view.owner,
        view.text("spec.identity.model.task"),
        view.text("spec.identity.model.framework"),
        accelerator_text(view) if type_key(view) else None,
        view.environment,
        rank if score is not None else None,
        view.drift.label if view.drift is not None else None,
        len(view.spec.diagnostics),
    ]


def catalog_data(
    views: list[ModelView],
    href: Callable[[ModelView], str],
    row: Callable[[ModelView], list[Any]] | None = None,
) -> dict[str, Any]:
    """The catalog as compact data for its script: ``{"columns": [...], "rows": [[...]],
    "levels": [...]}``; ``href`` gives each model's address from the catalog page
    (``row``: each model's row, when the caller keeps them; :func:`catalog_row`).

    ``level`` is the index of the readiness level in ``levels`` (-1: none), so that the
    script sorts by level, not by name; ``problems`` counts diagnostics (0: valid).
    """
    made = row or (lambda view: catalog_row(view, href))
    return {
        "columns": list(COLUMNS),
        "levels": list(_LEVELS),
        "facets": [list(facet) for facet in FACETS],
        "rows": [made(view) for view in by_name(views)],
    }
