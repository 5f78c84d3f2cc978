"""Floods of errors: one file with thousands of bad values is checked in time linear
in its size, and lists at most 100 diagnostics, then says how many more there are.

The cost is checked by counting the work done (calls of the validator's per-error
steps), not by timing: the time is measured by ``benchmarks/flood.py`` (see
docs/validation.md).
"""

from __future__ import annotations

import itertools
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec import validation
from mkdocs_modelspec.cli import main
from mkdocs_modelspec.diagnostics import Code
from mkdocs_modelspec.loading import DEFAULT_MAX_FILE_SIZE, MAX_PROBLEMS_PER_FILE, load_file

from conftest import MINIMAL

NOTE = re.compile(r"^([\d,]+) more problems in this file are not listed \(the first 100 are\)$")


def keys() -> itertools.chain[str]:
    return ("".join(k) for k in itertools.product(string.ascii_lowercase, repeat=4))


def flood(kind: str, count: int) -> str:
    """A spec with ``count`` bad values of one kind."""
    names = keys()
    if kind == "wrong-type-list":  # a mapping expected, a number found
        return MINIMAL + "  pipeline:\n    dependencies:\n" + "    - 1\n" * count
    if kind == "wrong-type-flow":
        return MINIMAL + "  pipeline:\n    dependencies: [" + ",".join("1" * count) + "]\n"
    if kind == "wrong-type-map":  # text expected, a number found
        labels = "".join(f"    {next(names)}: 1\n" for _ in range(count))
        return MINIMAL.replace("  name: fixture-minimal\n", "  name: f\n  labels:\n" + labels)
    if kind == "unknown-field":
        extra = "".join(f"  {next(names)}: x\n" for _ in range(count))
        return MINIMAL.replace("  name: fixture-minimal\n", "  name: f\n" + extra)
    assert kind == "yaml11", kind  # a YAML problem each
    labels = "".join(f"    {next(names)}: yes\n" for _ in range(count))
    return MINIMAL.replace("  name: fixture-minimal\n", "  name: f\n  labels:\n" + labels)


BAD_LINE = {
    "wrong-type-list": re.compile(r"    - 1"),
    "wrong-type-map": re.compile(r"    [a-z]{4}: 1"),
    "unknown-field": re.compile(r"  [a-z]{4}: x"),
    "yaml11": re.compile(r"    [a-z]{4}: yes"),
}
KINDS = ["wrong-type-list", "wrong-type-flow", "wrong-type-map", "unknown-field", "yaml11"]


def check(path: Path, text: str):
    path.write_text(text)
    return load_file(str(path), str(path.parent), max_file_size=DEFAULT_MAX_FILE_SIZE)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(KINDS), count=st.integers(min_value=1, max_value=400))
def test_at_most_100_diagnostics_then_how_many_more(tmp_path: Path, kind: str, count: int) -> None:
    spec = check(tmp_path / "flood.modelspec.yaml", flood(kind, count))
    diagnostics = spec.diagnostics
    assert not spec.valid
    shown = min(count, MAX_PROBLEMS_PER_FILE)
    if count <= MAX_PROBLEMS_PER_FILE:
        assert len(diagnostics) == count
        assert all(d.code is not Code.TOO_MANY_PROBLEMS for d in diagnostics)
        return
    assert len(diagnostics) == shown + 1
    note = diagnostics[-1]
    assert note.code is Code.TOO_MANY_PROBLEMS
    assert note.is_error
    match = NOTE.match(note.message)
    assert match, note.message
    assert int(match.group(1).replace(",", "")) == count - MAX_PROBLEMS_PER_FILE
    # The ones listed are the first in the file, in order.
    positions = [(d.line, d.column) for d in diagnostics[:-1]]
    assert positions == sorted(positions)
    if kind in BAD_LINE:  # one bad value a line: the first 100 of those lines
        bad = [
            number
            for number, line in enumerate(spec.source.split("\n"), 1)
            if BAD_LINE[kind].fullmatch(line)
        ]
        assert [line for line, _ in positions] == bad[:MAX_PROBLEMS_PER_FILE]


@pytest.mark.parametrize("kind", KINDS)
def test_validation_work_grows_linearly_with_the_errors(tmp_path: Path, monkeypatch, kind) -> None:
    """Twice the errors, twice the work: the per-error steps are called a number of
    times proportional to the errors (it was quadratic: each error looked at every
    other one), and only the 100 shown are worded."""
    counts: dict[str, int] = {}

    def counting(name: str):
        real = getattr(validation, name)

        def wrapper(*args, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(validation, name, wrapper)

    for name in ("_data_path", "_problem_for", "_wrong_type", "_value_at"):
        counting(name)
    work = []
    for count in (2_000, 4_000):
        counts.clear()
        check(tmp_path / f"f{count}.modelspec.yaml", flood(kind, count))
        work.append(dict(counts))
    small, large = work
    assert large.get("_data_path", 0) <= 2 * small.get("_data_path", 0) + 10
    assert large.get("_problem_for", 0) <= MAX_PROBLEMS_PER_FILE
    assert large.get("_wrong_type", 0) <= MAX_PROBLEMS_PER_FILE
    assert large.get("_value_at", 0) <= MAX_PROBLEMS_PER_FILE


def test_100000_wrong_values_inside_the_size_limit(tmp_path: Path, capsys) -> None:
    text = flood("wrong-type-list", 100_000)
    assert len(text.encode()) < DEFAULT_MAX_FILE_SIZE
    path = tmp_path / "flood.modelspec.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == MAX_PROBLEMS_PER_FILE + 2  # the note, and the summary
    assert "[wrong-type] spec.pipeline.dependencies[0]: must be a mapping" in out[0]
    assert out[-2].endswith(
        "error: [too-many-problems] 99,900 more problems in this file are not listed "
        "(the first 100 are) (fix these and check the file again)"
    )
    assert out[-1] == "1 spec: 0 valid, 1 invalid; 101 errors, 0 warnings"
