"""Log injection: what a spec says (its values, its file name) reaches a terminal or a
CI log only with its control characters shown escaped: one diagnostic is one line,
a value cannot forge a line of its own (``::error file=...::`` for GitHub Actions),
colour the log, or reverse the text after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mkdocs_modelspec.diagnostics import Code, Diagnostic, Severity, printable

from conftest import spec_text
from sites import BIN, build, make_site

HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}
FORGED = (
    "x\n::error file=specs/victim.modelspec.yaml,line=1::forged\r\x1b[31mred\x1b]0;title\x07\u202e"
)


def shown_safely(text: str) -> bool:
    return not any(unicodedata.category(c) in HIDDEN for c in text)


@given(
    file=st.text(min_size=1),
    message=st.text(),
    path=st.text(),
    hint=st.text(),
)
def test_a_diagnostic_is_one_line_of_visible_characters(file, message, path, hint) -> None:
    diagnostic = Diagnostic(file, 3, 4, Severity.ERROR, Code.WRONG_TYPE, message, path, hint)
    line = diagnostic.format()
    assert shown_safely(line)
    assert "\n" not in line
    assert line.splitlines() == [line] or line == ""
    assert line.startswith(printable(file) + ":3:4: error: [wrong-type] ")


@given(st.text())
def test_printable_only_adds_escapes(text: str) -> None:
    """Nothing visible is lost: the characters kept are the text's own, in order."""
    shown = printable(text)
    assert shown_safely(shown)
    kept = [c for c in text if unicodedata.category(c) not in HIDDEN]
    assert all(c in shown for c in kept)
    if shown_safely(text):
        assert shown == text


def test_printable_names_each_character() -> None:
    assert printable("a\nb\tc\x1b[0m\u202e\u2028\udcff") == "a\\nb\\tc\\x1b[0m\\u202e\\u2028\\xff"


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "modelspec"), *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def hostile_project(tmp_path: Path) -> Path:
    forged = json.dumps(FORGED)
    return make_site(
        tmp_path,
        {
            # A value quoted back in a diagnostic (a wrong type, a name, a version).
            "value.modelspec.yaml": spec_text("value", ("count: 1", f"count: {forged}")),
            # A file name with a line break and escape sequences in it.
            "x\n::error file=a::forged\x1b[31m.modelspec.yaml": spec_text(
                "named", ("count: 1", "count: many")
            ),
            # Two look-alike names quoted in each other's diagnostics.
            "a.modelspec.yaml": spec_text(forged),
            "b.modelspec.yaml": spec_text(json.dumps(FORGED.upper())),
        },
    )


def assert_clean_log(text: str) -> None:
    for line in text.splitlines():
        assert not line.startswith("::"), line
        assert shown_safely(line), repr(line)
    assert "\x1b" not in text


def test_validate_and_build_logs_cannot_be_forged(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    validate = run(project, "validate", "specs")
    assert validate.returncode == 1
    assert_clean_log(validate.stdout + validate.stderr)
    assert "forged" in validate.stdout  # the values are shown, escaped
    assert "\\n::error file=" in validate.stdout
    assert len(validate.stdout.splitlines()) == 1 + sum(
        1 for line in validate.stdout.splitlines() if ": error: [" in line or ": warning: [" in line
    )
    built = build(project)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert_clean_log(built.stdout + built.stderr)
    assert "\\n::error file=" in built.stderr


def test_json_output_keeps_the_values_as_they_are(tmp_path: Path) -> None:
    """JSON escapes what it must itself: a program reading it gets the exact text."""
    project = hostile_project(tmp_path)
    done = run(project, "validate", "--format", "json", "specs")
    document = json.loads(done.stdout)
    files = {d["file"] for d in document["diagnostics"]}
    assert "specs/x\n::error file=a::forged\x1b[31m.modelspec.yaml" in files
    assert any("\n::error" in line for line in done.stdout.splitlines()) is False


def test_a_file_name_that_is_not_utf8_is_shown_not_a_crash(tmp_path: Path) -> None:
    project = make_site(tmp_path, {"ok.modelspec.yaml": spec_text("ok")})
    raw = os.path.join(os.fsencode(project / "specs"), b"bad-\xff.modelspec.yaml")
    with open(raw, "wb") as handle:
        handle.write(spec_text("bad", ("count: 1", "count: many")).encode())
    done = run(project, "validate", "specs")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "specs/bad-\\xff.modelspec.yaml:" in done.stdout
    built = build(project)
    assert built.returncode == 0, built.stderr
    assert "specs/bad-\\xff.modelspec.yaml:" in built.stderr
