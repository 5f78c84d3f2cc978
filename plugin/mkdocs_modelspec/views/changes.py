"""The recent changes page: the latest commits that touched a spec, across the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from ..history import History, RecentCommit
from ..loading import SpecFile
from . import ModelView, by_name


@dataclass
class ChangedFile:
    kind: str
    """``created``, ``modified``, ``renamed``, ``deleted`` or ``earliest``."""
    path: str
    view: ModelView | None
    """The model that file is today (None: deleted or moved out of the specs)."""
    previous_path: str | None


@dataclass
class ChangeRow:
    commit: RecentCommit
    files: list[ChangedFile]


@dataclass
class ChangesPage:
    commits: list[ChangeRow]
    note: str | None
    """What history is missing, when some is."""
    available: bool
    uncommitted: list[ModelView]
    """Models whose spec differs from its last commit (a local build)."""
    never_committed: list[ModelView]
    """Models whose spec file has no commit yet."""


def changes_page(
    views: list[ModelView], history: History, by_spec: dict[SpecFile, ModelView]
) -> ChangesPage:
    by_path = {spec.path: view for spec, view in by_spec.items()}
    rows = [
        ChangeRow(
            commit,
            [
                ChangedFile(f.kind, f.path, by_path.get(f.spec_path or ""), f.previous_path)
                for f in commit.files
            ],
        )
        for commit in history.recent
    ]
    uncommitted, never = [], []
    if history.available:
        for view in by_name(views):
            found = history.of(view.spec)
            if found.entries and found.entries[0].kind == "uncommitted":
                uncommitted.append(view)
            elif found.total == 0:
                never.append(view)
    return ChangesPage(
        commits=rows,
        note=history.note,
        available=history.available,
        uncommitted=uncommitted,
        never_committed=never,
    )
