"""The problems page: every diagnostic, grouped by file, linked to the model's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from . import ModelView


@dataclass
class ProblemFile:
    view: ModelView
    diagnostics: list[Diagnostic]


@dataclass
class ProblemsPage:
    files: list[ProblemFile]
    errors: int
    warnings: int
    observed: list[tuple[str, list[Diagnostic]]] = field(default_factory=list)
    """Problems in the observed data (what runs), by file: they never make a spec invalid."""


def problems_page(views: list[ModelView], observed: Sequence[Diagnostic] = ()) -> ProblemsPage:
    files = [
        ProblemFile(v, v.spec.diagnostics)
        for v in sorted(views, key=lambda v: v.spec.display)
        if v.spec.diagnostics
    ]
    errors = sum(1 for f in files for d in f.diagnostics if d.is_error)
    total = sum(len(f.diagnostics) for f in files)
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in observed:
        by_file.setdefault(diagnostic.file, []).append(diagnostic)
    return ProblemsPage(files, errors, total - errors, sorted(by_file.items()))
