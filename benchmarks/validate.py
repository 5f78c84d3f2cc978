"""Benchmark: ``modelspec validate`` against the reference validator, in one run.

The reference validator loads each file with PyYAML's ``safe_load`` and checks it with
the published JSON Schema (draft 2020-12) using ``jsonschema``. Both are timed as whole
commands (interpreter start-up included) on the same synthetic catalog, so the ratio
compares what a CI job would wait for.

    python benchmarks/validate.py [--sizes 2000 10000] [--reference-up-to 2000]

Targets (issue "ModelSpec core"): at least 20x faster than the reference at 2,000
specs, and 10,000 specs in under 2 s for the whole command.

Before timing, the package's modules are compiled to bytecode, as pip does when it
installs a package: with an editable install and ``PYTHONDONTWRITEBYTECODE`` set (as
on the project's machine), every run would otherwise compile them from source again,
about 90 ms that no installed copy pays.

A last line times the demo catalog (``specs/``, written by hand) copied until it
holds 10,000 specs, each copy in its own folder with its names suffixed: what a catalog
written by people, rather than by ``synth.py``, costs.

The last column is a yardstick for the machine, not for this project: ``yaml_rs``
alone parsing every file (read beforehand) in one process. The issue measured it at 0.45 s
for 10,000 specs when it set the targets; this machine's speed drifts by tens of
percent from one hour to the next, and the yardstick says how fast it ran during the
run.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import generate

REFERENCE = r"""
import json, sys, pathlib
import jsonschema, yaml
schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sorted(pathlib.Path(sys.argv[2]).rglob("*.modelspec.yaml")):
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError:
        bad += 1
        continue
    bad += any(True for _ in validator.iter_errors(data))
print(bad)
"""


def published_schema() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (
        os.environ.get("MODELSPEC_FORMAT_DIR", ""),
        str(here.parent / "shared" / "modelspec-format"),
        "/work/shared/modelspec-format",
    ):
        path = Path(candidate) / "modelspec.v0.1.schema.json"
        if candidate and path.is_file():
            return path
    sys.exit("the published schema was not found: set MODELSPEC_FORMAT_DIR")


def timed(command: list[str], repeat: int) -> float:
    """Best wall-clock time of ``repeat`` runs (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{command[0]} failed:\n{done.stderr}")
    return best


def copy_demo(folder: Path, count: int) -> None:
    """The demo catalog copied into ``folder`` until it holds ``count`` specs."""
    demo = Path(__file__).resolve().parent.parent / "specs"
    specs = sorted(demo.rglob("*.modelspec.yaml"))
    for copy in range(-(-count // len(specs))):
        for spec in specs[: count - copy * len(specs)]:
            text = spec.read_text(encoding="utf-8")
            text = re.sub(r"(?m)^(  name: .+)$", rf"\g<1>-{copy}", text, count=1)
            target = folder / f"copy{copy:04d}" / spec.relative_to(demo)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def yardstick(folder: Path) -> float:
    """Seconds for ``yaml_rs`` to parse every spec file in ``folder`` (already read)."""
    import yaml_rs

    texts = [path.read_text(encoding="utf-8") for path in folder.rglob("*.modelspec.yaml")]
    start = time.perf_counter()
    for text in texts:
        yaml_rs.loads(text, parse_datetime=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--reference-up-to", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    schema = published_schema()
    package = importlib.util.find_spec("mkdocs_modelspec")
    if package is None or not package.submodule_search_locations:
        sys.exit("mkdocs_modelspec is not installed: run python3 scripts/dev.py test first")
    for location in package.submodule_search_locations:
        compileall.compile_dir(location, quiet=1)
    modelspec = [sys.executable, "-m", "mkdocs_modelspec.cli", "validate"]
    print(f"{'specs':>7} {'modelspec':>11} {'reference':>11} {'speed-up':>9} {'yaml_rs alone':>14}")
    workdir = Path(tempfile.mkdtemp(prefix="modelspec-bench-"))
    try:
        for size in args.sizes:
            folder = workdir / str(size)
            generate(folder, size)
            ours = timed([*modelspec, str(folder)], args.repeat)
            machine = yardstick(folder)
            if size <= args.reference_up_to:
                theirs = timed([sys.executable, "-c", REFERENCE, str(schema), str(folder)], 1)
                compared = f"{theirs:>10.2f}s {theirs / ours:>8.1f}x"
            else:
                compared = f"{'-':>11} {'-':>9}"
            print(f"{size:>7} {ours:>10.2f}s {compared} {machine:>13.2f}s", flush=True)
        size = max(args.sizes)
        folder = workdir / "demo"
        copy_demo(folder, size)
        ours = timed([*modelspec, str(folder)], args.repeat)
        print(f"{size:>7} {ours:>10.2f}s {'':>21} {yardstick(folder):>13.2f}s  copies of specs/")
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
