"""Guarantee 2, nothing lost: every spec file is in the site, as a model or a problem.

A real build of a tree that mixes valid specs with every broken fixture of the test
suite (and files that are not specs). What a reader sees is counted: the model pages,
the problems page, the catalog's rows and ``models.json``; every spec file must be in
each of them, and the counts must match the files on disk.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from conftest import FIXTURES, spec_text
from sites import build, make_site, read_page

VALID = {
    "team-a/one.modelspec.yaml": spec_text("valid-one"),
    "team-a/two.modelspec.yml": spec_text("valid-two"),
    "team-b/deep/er/three.MODELSPEC.YAML": spec_text("valid-three"),
    "team-b/four.modelspec.yaml": spec_text("Valid Four"),
    "team-b/warned.modelspec.yaml": spec_text(
        "valid-warned", ("framework: onnxruntime", "framework: vllm")
    ),
}
BROKEN = {
    f"broken/{path.name}": path.read_bytes()
    for path in sorted((FIXTURES / "invalid").glob("*.modelspec.yaml"))
}
NOT_SPECS = {
    "README.md": "# notes",
    "team-a/values.yaml": "not: a spec",
    ".git/hooks.modelspec.yaml": "hidden folders are not entered",
    "node_modules/pkg/x.modelspec.yaml": "nor is node_modules",
}
SPEC_SUFFIXES = (".modelspec.yaml", ".modelspec.yml")


def spec_files(root: Path) -> list[str]:
    """The spec files under ``root``, by the documented rule (docs/validation.md)."""
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith(".") and f != "node_modules"]
        for name in files:
            if name.lower().endswith(SPEC_SUFFIXES):
                found.append(Path(folder, name).relative_to(root.parent).as_posix())
    return sorted(found)


def test_every_spec_file_is_a_model_page_or_a_problem(tmp_path: Path) -> None:
    root = make_site(tmp_path, {**VALID, **BROKEN, **NOT_SPECS}, theme="material")
    done = build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    files = spec_files(root / "specs")
    broken = sorted(f"specs/{name}" for name in BROKEN)
    assert len(files) == len(VALID) + len(BROKEN)

    # One model page per spec file, valid or not, showing which file it is.
    shown = []
    for index in sorted((site / "models").glob("*/index.html")):
        text = read_page(site, index.parent.relative_to(site).as_posix()).text
        shown += re.findall(r"Spec file: (\S+)", text)
    assert sorted(shown) == files

    # The problems page: every broken file (and the one with a warning), counted on top.
    problems = read_page(site, "models/problems").text
    with_problems = [*broken, "specs/team-b/warned.modelspec.yaml"]
    for name in files:
        assert (name in problems) == (name in with_problems), name
    assert f"in {len(with_problems)} spec files" in problems
    for name in broken:
        assert f"{name}:" in done.stderr  # and each is a warning of the build

    # The catalog: one row per spec file.
    catalog = read_page(site, "models")
    rows = [attrs for tag, attrs in catalog.elements if tag == "tr"]
    assert len(rows) == len(files) + 1  # and the header row
    assert f"{len(files)} models" in " ".join(catalog.text.split())

    # models.json: every file, valid or not, and every diagnostic.
    export = json.loads((site / "models.json").read_text(encoding="utf-8"))
    assert sorted(m["file"] for m in export["models"]) == files
    assert sorted(m["file"] for m in export["models"] if not m["valid"]) == broken
    assert sorted({d["file"] for d in export["diagnostics"]}) == sorted(with_problems)
