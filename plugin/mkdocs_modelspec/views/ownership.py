"""Ownership: each team's models, and the gaps (no team, no owner) first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import ModelView, by_name


@dataclass
class OwnershipPage:
    gaps: list[ModelView]
    """Models with no team or no owner."""
    teams: dict[str, list[ModelView]]


def ownership_page(views: list[ModelView]) -> OwnershipPage:
    teams: dict[str, list[ModelView]] = defaultdict(list)
    for view in by_name(views):
        if view.team:
            teams[view.team].append(view)
    return OwnershipPage(
        gaps=[v for v in by_name(views) if not v.team or not v.owner],
        teams=dict(sorted(teams.items())),
    )
