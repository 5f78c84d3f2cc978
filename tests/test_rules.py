"""Each class of bad input gives its own diagnostic at the right line and column."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_modelspec.diagnostics import Code, Severity
from mkdocs_modelspec.loading import load_file, load_roots

from conftest import FIXTURES, MINIMAL, spec_text

INVALID = FIXTURES / "invalid"

# fixture -> (code, line, column) of each diagnostic, in file order.
EXPECTED: dict[str, list[tuple[str, int, int]]] = {
    "alias-bomb": [("yaml-alias", 6, 8)],
    "anchor-alias": [("yaml-alias", 15, 15)],
    "api-version": [("api-version", 1, 13)],
    "comments-only": [("empty-file", 1, 1)],
    "count-as-text": [("wrong-type", 16, 14)],
    "count-fraction": [("wrong-type", 16, 14)],
    "count-zero": [("out-of-range", 16, 14)],
    "duplicate-key": [("duplicate-key", 13, 7)],
    "empty": [("empty-file", 1, 1)],
    "enabled-as-text": [("wrong-type", 20, 18)],
    "family-as-number": [("wrong-type", 9, 15)],
    "kind": [("kind", 2, 7)],
    "label-as-number": [("wrong-type", 6, 11)],
    "missing-count": [("missing-field", 13, 5)],
    "missing-metadata": [("missing-field", 1, 1)],
    "multi-document": [("multi-document", 17, 1)],
    "not-a-mapping": [("not-a-mapping", 1, 1)],
    "null-port": [("wrong-type", 19, 13)],
    "null-value": [("wrong-type", 11, 17)],
    "not-utf8": [("not-utf8", 4, 12)],
    "port-out-of-range": [("out-of-range", 19, 13)],
    "protocol-not-allowed": [("not-allowed-value", 19, 17)],
    "role-not-allowed": [("not-allowed-value", 20, 15)],
    "scalar-document": [("not-a-mapping", 1, 1)],
    "steps-as-mapping": [("wrong-type", 20, 9)],
    "syntax-bad-indent": [("yaml-syntax", 10, 6)],
    "syntax-tab-indent": [("yaml-syntax", 4, 1)],
    "syntax-unclosed-quote": [("yaml-syntax", 8, 11)],
    "too-deep": [("too-deep", 36, 65)],
    "unknown-field": [("missing-field", 7, 5), ("unknown-field", 9, 7)],
    "unknown-top-level": [("unknown-field", 17, 1)],
    "utf16": [("not-utf8", 1, 1)],
    "yaml-tag": [("yaml-tag", 9, 15)],
    "yaml11-date": [("yaml11-ambiguous", 5, 12)],
    "yaml11-no-label": [("yaml11-ambiguous", 6, 13)],
    "yaml11-octal": [("yaml11-ambiguous", 17, 14)],
    "yaml11-on": [("yaml11-ambiguous", 10, 13)],
    "yaml11-yes-in-boolean": [("yaml11-ambiguous", 21, 18)],
}


def test_every_fixture_has_an_expectation() -> None:
    names = {p.name.removesuffix(".modelspec.yaml") for p in INVALID.iterdir()}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_diagnostics(name: str) -> None:
    path = INVALID / f"{name}.modelspec.yaml"
    spec = load_file(str(path), str(INVALID), base=str(FIXTURES))
    found = [(d.code.value, d.line, d.column) for d in spec.diagnostics]
    assert found == EXPECTED[name]
    assert not spec.valid
    for diagnostic in spec.diagnostics:
        assert diagnostic.file == f"invalid/{name}.modelspec.yaml"
        assert diagnostic.severity is Severity.ERROR
        assert diagnostic.message


def messages(text: str | bytes, write_spec: Callable[..., Path]) -> list[str]:
    path = write_spec("case.modelspec.yaml", text)
    return [d.format() for d in load_file(str(path), str(path.parent)).diagnostics]


def test_date_where_a_string_is_required_says_to_quote_it(write_spec) -> None:
    [line] = messages(spec_text("d", ("  name: d", "  name: d\n  version: 2025-01-01")), write_spec)
    assert line.endswith(
        "case.modelspec.yaml:5:12: error: [yaml11-ambiguous] metadata.version: "
        "2025-01-01 is a date to YAML 1.1 tools but text to YAML 1.2 tools "
        '(quote it: "2025-01-01")'
    )


def test_quoted_values_are_never_ambiguous(write_spec) -> None:
    text = spec_text(
        "q",
        ("  name: q", '  name: q\n  version: "2025-01-01"\n  labels:\n    public: "no"'),
        ("      task: classification", "      task: 'on'"),
    )
    assert messages(text, write_spec) == []


def test_text_where_a_number_is_required_says_to_drop_the_quotes(write_spec) -> None:
    [line] = messages(spec_text("numbers", ("      count: 1", '      count: "4"')), write_spec)
    assert line.endswith(
        'spec.runtime.accelerator.count: must be a whole number, found text "4" '
        "(write it without quotes: 4)"
    )


def test_a_misspelt_key_gets_a_suggestion(write_spec) -> None:
    text = spec_text("m", ("    accelerator:", "    accelerator:\n      vendr: x"))
    [line] = messages(text, write_spec)
    assert "[unknown-field] spec.runtime.accelerator.vendr: unknown field vendr" in line
    assert "(did you mean vendor?)" in line


def test_duplicate_keys_are_reported_at_the_second_key(write_spec) -> None:
    text = spec_text("d", ("      type: t4", "      type: t4\n      type: a10"))
    [line] = messages(text, write_spec)
    assert ':16:7: error: [duplicate-key] spec.runtime.accelerator.type: duplicate key "type"' in (
        line
    )
    assert "already set at line 15" in line


def test_a_whole_float_is_an_integer_as_in_json_schema(write_spec) -> None:
    path = write_spec("f.modelspec.yaml", spec_text("f", ("      count: 1", "      count: 2.0")))
    spec = load_file(str(path), str(path.parent))
    assert spec.valid
    assert spec.model is not None
    assert spec.model.spec.runtime.accelerator.count == 2
    assert isinstance(spec.model.spec.runtime.accelerator.count, int)


def test_files_over_the_size_limit_are_not_parsed(write_spec) -> None:
    big = MINIMAL + "# " + "x" * 2000 + "\n"
    path = write_spec("big.modelspec.yaml", big)
    [diagnostic] = load_file(str(path), str(path.parent), max_file_size=1000).diagnostics
    assert diagnostic.code is Code.FILE_TOO_LARGE
    assert (diagnostic.line, diagnostic.column) == (1, 1)
    assert f"{len(big.encode()):,} bytes, over the limit of 1,000 bytes" in diagnostic.message
    small = load_file(str(path), str(path.parent), max_file_size=len(big.encode()))
    assert small.valid


def _pipe(text: str) -> str:
    """A path like the one `<(git show HEAD:spec.yaml)` gives: a pipe with no size."""
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as handle:
            handle.write(text.encode())

    threading.Thread(target=feed, daemon=True).start()
    return f"/dev/fd/{read_end}"


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="/dev/fd is where pipes are named")
def test_a_spec_from_a_pipe_is_read_whole() -> None:
    text = MINIMAL + "# " + "x" * 200_000 + "\n"  # more than a pipe's buffer
    spec = load_file(_pipe(text), "/dev/fd")
    assert spec.valid, spec.diagnostics
    assert spec.source == text


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="/dev/fd is where pipes are named")
def test_a_pipe_over_the_size_limit_is_refused_without_a_made_up_size() -> None:
    spec = load_file(_pipe(MINIMAL * 20), "/dev/fd", max_file_size=1000)
    [diagnostic] = spec.diagnostics
    assert diagnostic.code is Code.FILE_TOO_LARGE
    assert diagnostic.message == "the file is over the limit of 1,000 bytes"


def test_the_default_size_limit_is_one_mebibyte(write_spec) -> None:
    path = write_spec("big.modelspec.yaml", MINIMAL + "#" * (1024 * 1024) + "\n")
    [diagnostic] = load_file(str(path), str(path.parent)).diagnostics
    assert diagnostic.code is Code.FILE_TOO_LARGE
    assert "limit of 1,048,576" in diagnostic.message


def test_vllm_without_a_sequence_limit_is_a_warning(write_spec) -> None:
    text = spec_text("v", ("framework: onnxruntime", "framework: vllm"))
    path = write_spec("v.modelspec.yaml", text)
    spec = load_file(str(path), str(path.parent))
    [warning] = spec.diagnostics
    assert (warning.code, warning.severity) == (Code.VLLM_SEQUENCE_LENGTH, Severity.WARNING)
    assert (warning.line, warning.column) == (11, 18)
    assert spec.valid  # a warning does not make the spec invalid


def test_a_bom_and_windows_line_ends_are_accepted(write_spec) -> None:
    path = write_spec("w.modelspec.yaml", ("\ufeff" + MINIMAL).replace("\n", "\r\n").encode())
    assert load_file(str(path), str(path.parent)).valid


def test_every_file_found_is_accounted_for(tmp_path: Path, write_spec) -> None:
    write_spec("ok.modelspec.yaml", MINIMAL)
    write_spec("team/broken.modelspec.yml", "a: [")
    write_spec("team/empty.MODELSPEC.YAML", "")
    write_spec("notes.yaml", "not a spec")  # not a spec file name: not read
    write_spec(".hidden/skip.modelspec.yaml", "x")  # hidden folders are not entered
    specs = load_roots([tmp_path / "specs"])
    assert [s.rel for s in specs] == [
        "ok.modelspec.yaml",
        "team/broken.modelspec.yml",
        "team/empty.MODELSPEC.YAML",
    ]
    assert [s.valid for s in specs] == [True, False, False]
    assert all(s.diagnostics for s in specs[1:])
