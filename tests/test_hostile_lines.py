"""Line numbers are an editor's: characters that YAML 1.1 reads as line breaks inside
quoted text (U+2028, U+2029, NEL U+0085, a lone carriage return) do not move them.

Every diagnostic's line is the line ``grep -n``, git and an editor show for the value,
and the page's source listing numbers its lines the same way.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec.loading import load_file
from mkdocs_modelspec.yamlread import read_precise, source_lines

from conftest import MINIMAL

ODD = ["\u2028", "\u2029", "\x85", "\r", "\r\r", "\u2028\r\x85"]
# Text YAML allows in a quoted scalar, quotes and backslashes aside.
PLAIN = st.text(
    st.characters(
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
        exclude_characters="\"\\'\ufeff\ufffe\uffff",
    ),
    max_size=8,
)


@st.composite
def quoted(draw: st.DrawFn) -> str:
    """A quoted scalar holding odd line breaks (double or single quotes). After such a
    break, ``---`` or ``...`` would be a document marker, which no quoted scalar may
    hold: a syntax error (``test_a_document_marker_after_an_odd_break_is_on_its_line``)."""
    parts = draw(st.lists(st.tuples(PLAIN, st.sampled_from(ODD)), min_size=1, max_size=4))
    plains = [plain for plain, _ in parts[1:]]
    assume(not any(plain.startswith(("---", "...")) for plain in plains))
    text = "".join(plain + odd for plain, odd in parts)
    return f"'{text}'" if draw(st.booleans()) else f'"{text}"'


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(quoted(), min_size=1, max_size=4), bad=st.sampled_from(["many", "on"]))
def test_diagnostics_are_on_the_line_an_editor_shows(tmp_path: Path, values, bad) -> None:
    annotations = "".join(f"    note{i}: {v}\n" for i, v in enumerate(values))
    text = MINIMAL.replace(
        "  name: fixture-minimal\n", "  name: lines\n  annotations:\n" + annotations
    ).replace("count: 1", f"count: {bad}")
    path = tmp_path / "lines.modelspec.yaml"
    path.write_bytes(text.encode("utf-8"))
    spec = load_file(str(path), str(tmp_path))
    [diagnostic] = [d for d in spec.diagnostics if d.path == "spec.runtime.accelerator.count"]
    expected = text.split("\n").index(f"      count: {bad}") + 1
    assert (diagnostic.line, diagnostic.column) == (expected, 14)
    assert source_lines(spec.source or "")[expected - 1] == f"      count: {bad}"


@given(odd=st.sampled_from(ODD), before=st.integers(0, 3))
def test_a_syntax_error_after_odd_breaks_is_on_its_line(odd: str, before: int) -> None:
    text = "".join(f'k{i}: "a{odd}b"\n' for i in range(before)) + "x: [unclosed\ny: 1\n"
    [problem] = read_precise(text).problems
    assert (problem.line, problem.column) == (before + 2, 2)
    assert problem.message.endswith(f"(while parsing a flow sequence at line {before + 1})")


@given(odd=st.sampled_from(ODD), marker=st.sampled_from(["---", "..."]))
def test_a_document_marker_after_an_odd_break_is_on_its_line(odd: str, marker: str) -> None:
    # YAML 1.1 (PyYAML) reads U+2028 and the others as line breaks: "..." after one
    # starts a line, and ends the document inside the quotes.
    text = f'a: 1\nb: "x{odd}{marker}{odd}"\nc: 2\n'
    [problem] = read_precise(text).problems
    assert problem.line == 2
    assert "document" in problem.message


def test_duplicate_keys_name_the_first_line_as_an_editor_does() -> None:
    document = read_precise('a: "x\u2028y"\nb: 1\na: 2\n')
    [problem] = document.problems
    assert (problem.line, problem.column) == (3, 1)
    assert "already set at line 1" in problem.message


def test_source_lines_split_only_at_line_feeds() -> None:
    assert source_lines('a: "x\u2028y"\r\nb: "\rz\x85"\n') == ['a: "x\u2028y"', 'b: "\rz\x85"']
