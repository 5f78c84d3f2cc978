"""Benchmark: one spec file flooded with bad values, inside the 1 MiB size limit.

    python benchmarks/flood.py [--counts 1000 10000 100000] [--repeat 3]

For each kind of flood and each count, writes one spec holding that many bad values
and times ``modelspec validate FILE`` as a whole command (start-up included, the best
of ``--repeat`` runs); then builds a small site holding the largest flood of the first
kind with ``mkdocs build`` (one run), as ``mkdocs serve`` rebuilds it after each edit.

Kinds: ``list`` (``dependencies:`` as a block list of numbers where mappings go),
``flow`` (the same as ``[1,1,...]``), ``labels`` (a flow mapping of numbers where text
goes) and ``unknown`` (unknown keys in ``metadata``, each worded with a suggestion
when shown). The column "per 1,000 values" leaves out the start-up (the time of the
same command on a valid one-line-long spec, printed first).

Target (issue "Hostile input, round two"): 100,000 wrong-type values validated in
under 5 s; the time per value must not grow with the count (before the fix, 1,000
took 1.2 s, 8,000 took 80 s: quadratic). At most 100 diagnostics are listed per file,
then one that says how many more there are.
"""

from __future__ import annotations

import argparse
import itertools
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HEAD = """apiVersion: piqc.ai/v1alpha1
kind: ModelSpec
metadata:
  name: flood
spec:
  identity:
    model: {id: f, family: f, task: t, framework: onnxruntime}
  runtime:
    accelerator: {vendor: nvidia, type: t4, count: 1}
"""
LIMIT = 1024 * 1024


def flood(kind: str, count: int) -> str:
    keys = ("".join(k) for k in itertools.product(string.ascii_letters, repeat=3))
    if kind == "list":
        return HEAD + "  pipeline:\n    dependencies:\n" + "    - 1\n" * count
    if kind == "flow":
        return HEAD + "  pipeline:\n    dependencies: [" + ",".join("1" * count) + "]\n"
    if kind == "labels":
        labels = ", ".join(f"{next(keys)}: 1" for _ in range(count))
        return HEAD.replace("  name: flood\n", "  name: flood\n  labels: {" + labels + "}\n")
    assert kind == "unknown", kind
    extra = "".join(f"  {next(keys)}: 1\n" for _ in range(count))
    return HEAD.replace("  name: flood\n", "  name: flood\n" + extra)


def timed(command: list[str], repeat: int, cwd: Path | None = None) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
        best = min(best, time.perf_counter() - start)
        out = done.stdout + done.stderr
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--kinds", nargs="+", default=["list", "flow", "labels", "unknown"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        top = Path(folder)
        valid = top / "valid.modelspec.yaml"
        valid.write_text(HEAD)
        start_up, _ = timed([str(BIN / "modelspec"), "validate", str(valid)], args.repeat)
        print(f"`modelspec validate` of a valid spec (the start-up): {start_up:.2f} s\n")
        print(
            "| kind | bad values | file size | `modelspec validate` | per 1,000 values | listed |"
        )
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for kind in args.kinds:
            for count in args.counts:
                text = flood(kind, count)
                size = len(text.encode())
                if size > LIMIT:
                    print(f"| {kind} | {count:,} | {size:,} B: over the limit, skipped | | | |")
                    continue
                path = top / f"{kind}-{count}.modelspec.yaml"
                path.write_text(text)
                seconds, out = timed([str(BIN / "modelspec"), "validate", str(path)], args.repeat)
                lines = out.splitlines()[:-1]  # without the summary
                note = [line for line in lines if "[too-many-problems]" in line]
                listed = f"{len(lines) - len(note)}" + (
                    f", then: {note[0].split('] ')[1].split(' (')[0]}" if note else ""
                )
                per = max(seconds - start_up, 0) / count * 1000
                print(
                    f"| {kind} | {count:,} | {size / 1024:,.0f} KB | {seconds:.2f} s "
                    f"| {per * 1000:.1f} ms | {listed} |"
                )
        largest = max(c for c in args.counts if len(flood(args.kinds[0], c).encode()) <= LIMIT)
        site = top / "site-project"
        (site / "docs").mkdir(parents=True)
        (site / "specs").mkdir()
        (site / "docs" / "index.md").write_text("# Home\n")
        (site / "specs" / "flood.modelspec.yaml").write_text(flood(args.kinds[0], largest))
        (site / "mkdocs.yml").write_text("site_name: Flood\nplugins:\n  - modelspec\n")
        seconds, out = timed([str(BIN / "mkdocs"), "build", "-q"], 1, cwd=site)
        print(
            f"\n`mkdocs build` of a site holding the {args.kinds[0]} flood of {largest:,} "
            f"values: {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
