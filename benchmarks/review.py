"""Benchmark: ``modelspec review`` on a change of 500 specs in a 10,000-spec repository.

Builds a git repository of synthetic specs (``synth.py``), commits it, then makes one
change of 500 spec files, the kinds a large pull request mixes: 400 edited (more
accelerators per replica, other replica counts, some PII rules flipped), 40 moved to
another folder and edited, 30 removed and 30 added. Times the whole command
(interpreter start-up included), as CI waits for it:

- against the working tree (the change not committed yet: what an author runs);
- between the two commits (what CI runs), Markdown and JSON;

and, in the same run as a yardstick for the machine, ``modelspec validate`` on the
same 10,000 specs. Target (issue "Design review of a spec change"): under 5 s.

    python benchmarks/review.py [--specs 10000] [--changed 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import generate

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True)


def change(repo: Path, count: int, seed: int = 11) -> dict[str, int]:
    """Change ``count`` spec files of ``repo/specs``: edits, moves, removals, additions."""
    rng = random.Random(seed)
    specs = sorted((repo / "specs").glob("*.modelspec.yaml"))
    chosen = rng.sample(specs, count - count * 6 // 100)
    removed, moved, edited = (
        chosen[: count * 6 // 100],
        chosen[count * 6 // 100 : count * 14 // 100],
        chosen[count * 14 // 100 :],
    )
    for path in edited + moved:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"count: (\d+)", lambda m: f"count: {int(m.group(1)) * 2}", text, count=1)
        text = re.sub(r"maxReplicas: (\d+)", lambda m: f"maxReplicas: {int(m.group(1)) + 2}", text)
        if rng.random() < 0.2:
            text = text.replace("allowed: false", "allowed: true")
        path.write_text(text, encoding="utf-8")
    (repo / "specs" / "moved").mkdir()
    for path in moved:
        git(repo, "mv", str(path.relative_to(repo)), f"specs/moved/{path.name}")
    for path in removed:
        git(repo, "rm", "-q", str(path.relative_to(repo)))
    added = count * 6 // 100
    extra = repo / "added"
    generate(extra, added, seed=99)
    for path in sorted(extra.glob("*.modelspec.yaml")):
        path.rename(repo / "specs" / f"new-{path.name}")
    shutil.rmtree(extra)
    return {"edited": len(edited), "moved": len(moved), "removed": len(removed), "added": added}


def timed(command: list[str], cwd: Path, repeat: int) -> tuple[float, str]:
    """Best wall-clock time of ``repeat`` runs, and the output's first lines."""
    best, output = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
        output = done.stdout
    return best, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    package = importlib.util.find_spec("mkdocs_modelspec")
    if package is None or not package.submodule_search_locations:
        sys.exit("mkdocs_modelspec is not installed: run python3 scripts/dev.py test first")
    for location in package.submodule_search_locations:
        compileall.compile_dir(location, quiet=1)
    modelspec = [sys.executable, "-m", "mkdocs_modelspec.cli"]
    workdir = Path(tempfile.mkdtemp(prefix="modelspec-review-bench-"))
    try:
        repo = workdir / "repo"
        generate(repo / "specs", args.specs)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "catalog")
        kinds = change(repo, args.changed)
        print(f"{args.specs:,} specs; the change: {kinds}")
        review = [*modelspec, "review", "--base"]
        results = [("review HEAD, the working tree", *timed([*review, "HEAD"], repo, args.repeat))]
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "the change")
        for label, command in (
            ("review HEAD~1 --head HEAD", [*review, "HEAD~1", "--head", "HEAD"]),
            ("the same, --format json", [*review, "HEAD~1", "--head", "HEAD", "--format", "json"]),
            ("yardstick: validate (same specs)", [*modelspec, "validate", "specs"]),
        ):
            results.append((label, *timed(command, repo, args.repeat)))
        for label, seconds, _ in results:
            print(f"{label:<36} {seconds:>6.2f} s")
        verdict = next(
            (line for line in results[1][2].splitlines() if line.startswith("**")), "(none)"
        )
        print(f"verdict: {verdict}")
        print(f"markdown: {len(results[1][2]):,} characters")
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
