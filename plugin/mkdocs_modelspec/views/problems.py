"""The problems page: every diagnostic, grouped by file, linked to the model's page."""

from __future__ import annotations

from dataclasses import dataclass

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


def problems_page(views: list[ModelView]) -> ProblemsPage:
    files = [
        ProblemFile(v, v.spec.diagnostics)
        for v in sorted(views, key=lambda v: v.spec.display)
        if v.spec.diagnostics
    ]
    errors = sum(1 for f in files for d in f.diagnostics if d.is_error)
    total = sum(len(f.diagnostics) for f in files)
    return ProblemsPage(files, errors, total - errors)
