"""The same specs give the same site, byte for byte, in every run.

Python orders sets of strings differently in each process (hash randomisation); a
page that iterates one would change from build to build, which shows up as noise in
every diff of a published site. Two runs with different hash seeds must agree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth import generate


def site(specs: Path, out: Path, seed: str) -> dict[str, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_modelspec.cli", "generate", str(out), "--specs", str(specs)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert done.returncode == 0, done.stderr
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_runs_with_different_hash_seeds_write_the_same_files(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    # Enough linked models for the catalog graph to split (past 60) into components and
    # teams, and for model pages to have several dependencies and dependents.
    generate(specs, 400)
    first = site(specs, tmp_path / "one", "1")
    second = site(specs, tmp_path / "two", "2")
    assert "models/graph.md" in first
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"{len(differ)} files differ, such as {differ[:5]}"
