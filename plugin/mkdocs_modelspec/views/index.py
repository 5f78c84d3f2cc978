"""The catalog page: one row per model, with counts on top."""

from __future__ import annotations

from dataclasses import dataclass

from . import ModelView, by_name
from .hardware import accelerator_types


@dataclass
class CatalogPage:
    rows: list[ModelView]
    teams: list[str]
    accelerator_types: list[str]
    """The types in use, grouped as the hardware matrix groups them."""
    problems: int
    """Diagnostics across the catalog (errors and warnings)."""
    invalid: int
    drifting: int | None = None
    """Models whose workloads drift from their spec (None: no observed data read)."""


def catalog_page(views: list[ModelView]) -> CatalogPage:
    observed = [v.drift for v in views if v.drift is not None]
    return CatalogPage(
        drifting=sum(1 for d in observed if d.drifts) if observed else None,
        rows=by_name(views),
        teams=sorted({v.team for v in views if v.team}),
        accelerator_types=[t.name for t in accelerator_types(views).values()],
        problems=sum(len(v.spec.diagnostics) for v in views),
        invalid=sum(1 for v in views if not v.valid),
    )
