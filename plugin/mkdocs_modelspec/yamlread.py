"""YAML text -> plain data, with the line and column of every key and value.

Which rules apply
-----------------
ModelSpec files are read with the **YAML 1.2 core schema**: ``yes``, ``on`` and
``2025-01-01`` are strings, ``true``/``false`` are booleans, ``0o17`` is octal.
Many tools that read the same files (PyYAML, the format's reference validator, older
Go and Ruby libraries) follow YAML 1.1, where ``yes``/``no``/``on``/``off``/``y``/``n``
are booleans, ``2025-01-01`` is a date, ``017`` is octal and ``12:30`` is the number
750. A spec must mean the same thing to every tool, so a *plain* (unquoted) scalar
that the two versions read differently is an error with a hint (``yaml11-ambiguous``):
quote it, or write it the way both versions agree on.

What is refused
---------------
* anchors and aliases (``&base``, ``*base``): a spec is short, and refusing them
  means an alias bomb costs nothing (``yaml-alias``);
* tags other than ``!!str`` (``yaml-tag``);
* more than one document in a file (``multi-document``);
* duplicate keys, reported at the second key (``duplicate-key``);
* nesting deeper than :data:`MAX_DEPTH` (``too-deep``);
* keys that are not plain text (a number, a boolean, a list...).

Two readers, one meaning
------------------------
:func:`read_precise` walks PyYAML's event stream (libyaml's C parser when installed)
and records every position. It is the reference. :func:`read_fast` asks ``yaml_rs``
(a YAML 1.2 parser in Rust, ten times faster) for the data, but only for text that a
cheap scan shows to be block YAML with nothing ambiguous in it (see "the fast reader"
below for what it takes); for anything else it returns ``None`` and the caller uses
the precise reader. Property tests in ``tests/test_yamlread.py`` check that wherever
the fast one answers, the precise one reads the same data and finds no problem.
Positions are only needed when something is wrong, so valid files never pay for them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Code

yaml_rs: Any
try:  # The fast reader is optional: without it every file takes the precise path.
    import yaml_rs
except ImportError:  # pragma: no cover - the tests also run with it switched off
    yaml_rs = None

#: Deepest nesting accepted. The format itself needs 7 levels.
MAX_DEPTH = 32
_TOO_DEEP = (
    f"nesting deeper than {MAX_DEPTH} levels",
    "a ModelSpec needs at most 7 levels; check the indentation",
)

Path = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value sits: the 1-based line and column of its key and of the value."""

    key_line: int
    key_column: int
    line: int
    column: int


@dataclass(slots=True)
class Problem:
    """A reading problem, before it is tied to a file name."""

    code: Code
    line: int
    column: int
    message: str
    hint: str = ""
    path: Path = ()


@dataclass(slots=True)
class Document:
    """The result of reading one YAML text."""

    data: Any = None
    """Plain Python data (dict, list, str, int, float, bool, None); None if unreadable."""
    positions: dict[Path, Where] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    empty: bool = False

    def where(self, path: Path) -> Where:
        """The position of ``path``, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, Where(1, 1, 1, 1))


# Line numbers are those of an editor, of git and of `grep -n`: a line ends at "\n"
# (or "\r\n"), nothing else. PyYAML also ends lines at a lone CR, NEL (U+0085) and
# the line and paragraph separators (U+2028, U+2029), even inside quoted text: in a
# text holding one, positions are counted again from the character index.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def source_lines(source: str) -> list[str]:
    """The lines of a spec, numbered as its diagnostics number them (without the
    "\r" of a "\r\n")."""
    if not source:
        return []
    return [line.removesuffix("\r") for line in source.removesuffix("\n").split("\n")]


class _Lines:
    """Turns a PyYAML mark into the (line, column) of an editor (1-based)."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        # Where each line starts, only for a text whose lines PyYAML counts otherwise.
        self.starts: list[int] | None = None
        if _ODD_BREAK.search(text):
            self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def at(self, mark: Any) -> tuple[int, int]:
        if self.starts is None:
            return mark.line + 1, mark.column + 1
        line = bisect.bisect_right(self.starts, mark.index)
        return line, mark.index - self.starts[line - 1] + 1


# --- scalar resolution ------------------------------------------------------------------

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT10 = re.compile(r"[-+]?[0-9]+")
_INT8 = re.compile(r"0o[0-7]+")
_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
# YAML 1.1 booleans (the 1.1 type repository lists y and n too; PyYAML does not).
_BOOL11 = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    ]
)
_YAML11_TAGS = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:merge": "a merge key",
    "tag:yaml.org,2002:value": "a special value",
    "tag:yaml.org,2002:str": "text",
}
_resolver11 = yaml.resolver.Resolver()


def resolve_plain(text: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT10.fullmatch(text):
        return int(text)
    if _INT8.fullmatch(text):
        return int(text[2:], 8)
    if _INT16.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "text"


def _yaml11(text: str) -> tuple[str, Any]:
    """How a YAML 1.1 reader sees a plain scalar: (kind, value when it is a number)."""
    if text in _BOOL11:
        return "a boolean", text.lower() in {"y", "yes", "true", "on"}
    tag = _resolver11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    kind = _YAML11_TAGS.get(tag, "text")
    if kind == "a number":
        try:
            return kind, yaml.safe_load(text)
        except yaml.YAMLError:  # pragma: no cover - the resolver said it is a number
            return kind, None
    return kind, None


# First characters on which a YAML 1.1 reader may resolve a plain scalar to something
# other than text (PyYAML keys its implicit resolvers the same way).
_RISKY_FIRST_11 = frozenset("yYnNtTfFoO-+0123456789.<~=")
_CANONICAL_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def ambiguity(text: str, value: Any) -> tuple[str, str] | None:
    """If YAML 1.1 and 1.2 read the plain scalar ``text`` differently: (message, hint)."""
    if text and text[0] not in _RISKY_FIRST_11 and isinstance(value, str):
        return None
    if isinstance(value, int | float) and _CANONICAL_NUMBER.fullmatch(text):
        return None
    kind12 = _kind(value)
    kind11, value11 = _yaml11(text)
    if kind11 == kind12 and (kind11 != "a number" or _same_number(value, value11)):
        return None
    if kind11 == "a number" and kind12 == "a number":
        message = f"{text} is {value11} to YAML 1.1 tools and {value} to YAML 1.2 tools"
        return message, "write the number without a leading zero or separators"
    message = f"{text} is {kind11} to YAML 1.1 tools but {kind12} to YAML 1.2 tools"
    if kind12 == "text":
        hint = f'quote it: "{text}"'
        if kind11 == "a boolean":
            hint += ", or write true or false"
    else:
        hint = f'quote it ("{text}") if it is text, or write a plain decimal number'
    return message, hint


def _same_number(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b) and type(a) is type(b)


# --- the precise reader -------------------------------------------------------------------


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _syntax_problem(text: str, error: yaml.YAMLError, lines: _Lines) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _position(text, error.position)
        return Problem(
            Code.YAML_SYNTAX,
            line,
            column,
            f"character U+{error.character:04X} is not allowed in YAML",
            "remove it, or write it as an escape inside a double-quoted string",
        )
    assert isinstance(error, yaml.MarkedYAMLError)
    mark = error.problem_mark or error.context_mark
    if "end of stream" in (error.problem or "") and error.context_mark is not None:
        # An unclosed quote or bracket: where it opened helps more than the file's end.
        mark = error.context_mark
    line, column = lines.at(mark) if mark else (1, 1)
    problem = (error.problem or "invalid YAML").strip()
    if "maximum nesting depth" in problem:
        # libyaml's own limit (1,000 levels): in flow style ([[[...) its scanner reads
        # that far ahead before the reader sees the 33rd level. The same problem.
        return Problem(Code.TOO_DEEP, line, column, *_TOO_DEEP)
    message = problem
    if error.context and error.context_mark and error.context_mark is not mark:
        message += f" ({error.context} at line {lines.at(error.context_mark)[0]})"
    hint = ""
    at_tab = mark is not None and text[mark.index : mark.index + 1] == "\t"
    if "tab" in problem or at_tab:
        hint = "indent with spaces; YAML does not allow tabs there"
    elif "mapping values are not allowed" in problem:
        hint = 'a value that contains ": " must be quoted'
    elif "could not find expected ':'" in problem:
        hint = "every line of a mapping needs `key: value`; check the indentation"
    return Problem(Code.YAML_SYNTAX, line, column, message, hint)


class _Frame:
    __slots__ = ("container", "key", "key_at", "path", "seen")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None
        self.key_at: tuple[int, int] = (1, 1)
        self.seen: dict[str, int] = {}


def _events(text: str) -> Iterator[Any]:
    loader = _Loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()  # type: ignore[no-untyped-call]
    finally:
        loader.dispose()


def read_precise(text: str) -> Document:
    """Read ``text`` with full positions and every check listed in the module docstring."""
    reader = _PreciseReader(text)
    try:
        reader.run()
    except yaml.YAMLError as error:
        # Partial data would only add misleading "missing field" errors.
        reader.doc.problems.append(_syntax_problem(text, error, reader.lines))
        reader.doc.data = None
    except _Stop:
        reader.doc.data = None
    return reader.doc


def written_numbers(text: str) -> dict[Path, str]:
    """The text of every plain scalar that reads as a number, by path.

    A page shows a number as its author wrote it: ``1.0e-5`` stays ``1.0e-5`` and
    ``0.50`` keeps its zero, where the parsed value would print as ``1e-05`` and
    ``0.5``. Only the event stream is read (no data is built); a text that does not
    parse gives an empty map, and its pages fall back to the values themselves.
    """
    found: dict[Path, str] = {}
    # One entry per open collection: its path, its kind, and either the next list
    # index or, for a mapping, the pending key (None while a key is expected). A
    # collection used as a key (which the reader refuses) is read through, unrecorded.
    stack: list[list[Any]] = []
    try:
        for event in _events(text):
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                ended = stack.pop()
                if stack and ended[1] != "key":
                    _advance(stack[-1])
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            top = stack[-1] if stack else None
            collection = isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent)
            if top is not None and top[1] == "map" and top[2] is None:  # a key
                top[2] = event.value if isinstance(event, yaml.ScalarEvent) else ""
                if collection:
                    stack.append([(), "key", None])
                continue
            if top is not None and top[1] == "key":
                if collection:
                    stack.append([(), "key", None])
                continue
            path: Path = () if top is None else (*top[0], top[2])
            if collection:
                is_map = isinstance(event, yaml.MappingStartEvent)
                stack.append([path, "map" if is_map else "seq", None if is_map else 0])
                continue
            if isinstance(event, yaml.ScalarEvent) and not event.style and event.tag is None:
                value = resolve_plain(event.value)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    found[path] = event.value
            if top is not None:  # a scalar or an alias (refused elsewhere): next one
                _advance(top)
    except yaml.YAMLError:
        return {}
    return found


def _advance(frame: list[Any]) -> None:
    """A value of ``frame`` is complete: expect the next key, or the next index."""
    frame[2] = None if frame[1] == "map" else frame[2] + 1


class _Stop(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Reading cannot go on in a way that would give meaningful data."""


class _PreciseReader:
    """Builds plain data from PyYAML events, keeping positions and finding problems."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _Lines(text)
        self.doc = Document()
        self.stack: list[_Frame] = []

    def problem(
        self, code: Code, at: tuple[int, int], message: str, hint: str = "", path: Path = ()
    ) -> None:
        self.doc.problems.append(Problem(code, at[0], at[1], message, hint, path))

    def run(self) -> None:
        documents = 0
        for event in _events(self.text):
            at = self.lines.at(event.start_mark)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problem(
                        Code.MULTI_DOCUMENT,
                        at,
                        "a ModelSpec file holds one document; a second one starts here",
                        "move each spec to a file of its own",
                    )
                    return
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                self.stack.pop()
            elif isinstance(event, yaml.NodeEvent):
                self.node(event, at)
        if documents == 0:
            self.doc.empty = True

    def node(self, event: Any, at: tuple[int, int]) -> None:
        if event.anchor is not None:  # an anchor (&a) or an alias (*a)
            self.refuse_anchor(event, at)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.key is None:
            self.key(frame, event, at)
            return
        path = self.next_path(frame)
        if isinstance(event, yaml.ScalarEvent):
            if frame is None and not event.style and event.value == "":
                self.doc.empty = True
            self.attach(frame, path, self.scalar(event, at, path), at)
        else:
            self.collection(frame, path, event, at)

    def next_path(self, frame: _Frame | None) -> Path:
        if frame is None:
            return ()
        if isinstance(frame.container, list):
            return (*frame.path, len(frame.container))
        assert frame.key is not None
        return (*frame.path, frame.key)

    def attach(self, frame: _Frame | None, path: Path, value: Any, at: tuple[int, int]) -> None:
        if frame is None:
            self.doc.data = value
            self.doc.positions[()] = Where(*at, *at)
        elif isinstance(frame.container, list):
            frame.container.append(value)
            self.doc.positions[path] = Where(*at, *at)
        else:
            assert frame.key is not None
            frame.container[frame.key] = value
            self.doc.positions[path] = Where(*frame.key_at, *at)
            frame.key = None

    def key(self, frame: _Frame, event: Any, at: tuple[int, int]) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            self.problem(
                Code.YAML_SYNTAX,
                at,
                "a key must be plain text, not a list or a mapping",
                path=frame.path,
            )
            raise _Stop
        key = event.value
        if not event.style and event.tag is None:
            self.check_plain_key(key, at, frame.path)
        first = frame.seen.get(key)
        if first is not None:
            self.problem(
                Code.DUPLICATE_KEY,
                at,
                f'duplicate key "{key}": already set at line {first}',
                "remove one of the two; YAML tools disagree on which one wins",
                (*frame.path, key),
            )
        else:
            frame.seen[key] = at[0]
        frame.key = key
        frame.key_at = at

    def check_plain_key(self, key: str, at: tuple[int, int], parent: Path) -> None:
        value = resolve_plain(key)
        if not isinstance(value, str):
            self.problem(
                Code.WRONG_TYPE,
                at,
                f"key {key or '(empty)'} is read as {_kind(value)}, keys must be text",
                f'quote it: "{key}"',
                parent,
            )
            return
        found = ambiguity(key, value)
        if found:
            self.problem(Code.YAML11_AMBIGUOUS, at, found[0], found[1], parent)

    def scalar(self, event: Any, at: tuple[int, int], path: Path) -> Any:
        tag = event.tag
        if tag is not None and tag not in ("!", "tag:yaml.org,2002:str"):
            self.problem(
                Code.YAML_TAG,
                at,
                f"YAML tag {tag} is not supported in ModelSpec files",
                "remove the tag; quote the value if it must be text",
                path,
            )
        if event.style or tag is not None:
            return event.value
        value = resolve_plain(event.value)
        found = ambiguity(event.value, value)
        if found:
            self.problem(Code.YAML11_AMBIGUOUS, at, found[0], found[1], path)
        return value

    def collection(self, frame: _Frame | None, path: Path, event: Any, at: tuple[int, int]) -> None:
        if event.tag is not None and event.tag not in (
            "tag:yaml.org,2002:map",
            "tag:yaml.org,2002:seq",
        ):
            self.problem(
                Code.YAML_TAG,
                at,
                f"YAML tag {event.tag} is not supported in ModelSpec files",
                "remove the tag",
                path,
            )
        if len(self.stack) >= MAX_DEPTH:
            self.problem(Code.TOO_DEEP, at, *_TOO_DEEP)
            raise _Stop
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        self.attach(frame, path, container, at)
        self.stack.append(_Frame(container, path))

    def refuse_anchor(self, event: Any, at: tuple[int, int]) -> None:
        what = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
        self.problem(
            Code.YAML_ALIAS,
            at,
            f"YAML {what}{event.anchor} is not supported in ModelSpec files",
            "write the value out in full; anchors and aliases are refused",
        )
        # Without its aliases the data is not what the author wrote: checking it
        # would only add confusing errors. (And an alias bomb ends here.)
        raise _Stop


# --- the fast reader ----------------------------------------------------------------------

# Bytes of plain block YAML. Any other ASCII byte (anchors, aliases, tags, flow
# collections, escapes, tabs, carriage returns, directives) sends the file to the
# precise reader, except the four of _LOOKED_AT, which plain text and block scalars use:
# `@` and a backquote inside text (yaml_rs refuses them at the start of a value, as
# PyYAML does), `|` and `>` in text or as a block scalar, which gets a closer look.
# Non-ASCII text is checked apart.
_PLAIN_BYTES = bytes(sorted(set(range(0x20, 0x7F)) - set(b"&*!%?@`|>[]{}\\") | {0x0A}))
_NON_ASCII = bytes(range(0x80, 0x100))
_LOOKED_AT = b"@`|>"
# Characters the two YAML versions may treat differently: NEL, LS, PS and the BOM,
# which 1.1 reads as line breaks or markers, and the control characters and
# noncharacters YAML forbids. (Listed rather than excluded: a class of everything
# else up to U+10FFFF took 7 ms to compile, a fifth of this module's import.)
_UNUSUAL_CHARACTER = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# A block scalar (`key: |`, `key: >-`): the fast reader takes the usual form only, a
# key's value whose text starts on the next line, indented deeper. (Empty block
# scalars, indentation indicators and block scalars as list items are left to the
# precise reader: yaml_rs reads an empty one, or one at the end of a file without a
# final line break, differently from PyYAML.)
_USUAL_BLOCK = re.compile(r"( *)[^ \n#\-][^\n]*: +[|>][-+]?(?: +#[^\n]*| *)\n\1 +[^ \n]")
_END = r"[ \t]*(?:#|$)"
_WORDS11 = "|".join(sorted(_BOOL11 - _TRUE - _FALSE))
# A plain scalar the two versions may read differently: anything that starts like a
# number, a date or a special value, unless it is a plain decimal; and the 1.1 words.
# Such a value is then looked at closely (``_ambiguous_value``): `70b` or `1.2.0` is
# text to both versions.
_SUSPECT = (
    rf"(?:(?!(?:0|[1-9][0-9]*)(?:\.[0-9]+)?{_END})"
    r"(?:[-+]?[0-9]|[-+]?\.(?:[0-9]|inf|Inf|INF|nan|NaN|NAN)|[~=]|<<)"
    rf"|(?:{_WORDS11}){_END})"
)
# Each pattern starts with a literal, which keeps Python's regex engine fast; the
# lookahead after it turns most values away at their first character. The match ends
# where the value starts.
_SUSPECT_START = re.escape(
    "".join(sorted({word[0] for word in _BOOL11 - _TRUE - _FALSE} | set("-+.0123456789~=<")))
)
_SUSPECT_AFTER_COLON = re.compile(rf": +(?=[{_SUSPECT_START}])(?={_SUSPECT})", re.MULTILINE)
_SUSPECT_ITEM = re.compile(rf"- +(?={_SUSPECT})", re.MULTILINE)
# A value on the line after its key (`key:`, perhaps with trailing spaces or a
# comment, then `  value`): checked by the precise reader. The value's line is one
# with no `key: ` in it (`12:30` and `-017` are values; `- x` is a list item).
# `(?=(X))\1` matches X without backtracking into it (an atomic group, which Python
# spells that way before 3.11): a key on the next line fails at its colon at once.
_VALUE_ON_OWN_LINE = re.compile(
    r": *(?:#[^\n]*)?\n(?=((?: *#[^\n]*\n)* *))\1(?:[^ \n#:\-]|[:\-](?![ \n]))"
    r"(?=((?:[^\n:]+|:(?![ \n]))*))\2(?:\n|\Z)"
)
# An item with nothing after its dash, a comment or another item (but not the `-` of
# a block scalar's `|-`); nesting too deep for the fast reader to vouch for; a
# document marker.
_ODD_ITEM = re.compile(r"-(?<![|>]-)(?: ?\n| #| +- )")  # the literal first: fast
_ODD_LINE = re.compile(rf"\n(?: {{{2 * MAX_DEPTH - 8}}}|---|\.\.\.)")
_NEXT_LINE = re.compile(r"(?:[ ]*\n)*( *)[^ \n]")
_KEY_COLUMN = re.compile(r" *(?:- +)*")
#: Values looked at closely in one file before the precise reader takes over (a spec
#: has a handful; a file with thousands is better read once, precisely).
_MOST_LOOKED_AT = 20
#: Free-form maps whose keys the fast reader cannot vouch for without a look.
_FREE_FORM_MAPS = (
    ("metadata", "labels"),
    ("metadata", "annotations"),
    ("spec", "runtime", "environment", "variables"),
)
_RISKY_KEY_START = frozenset("-+.0123456789~=<")


def read_fast(raw: bytes, text: str) -> dict[str, Any] | None:
    """The data of ``text`` when the fast reader can vouch for it, else ``None``.

    ``None`` never means "invalid": it means "ask :func:`read_precise`". The checks
    are cheap and conservative: a false alarm only costs time.
    """
    if yaml_rs is None:
        return None
    rest = raw.translate(None, _PLAIN_BYTES)
    if rest and not _plain_enough(rest, text):
        return None
    if _VALUE_ON_OWN_LINE.search(text) or _ODD_ITEM.search(text) or _ODD_LINE.search(text):
        return None
    suspects = itertools.chain(
        ((match, True) for match in _SUSPECT_AFTER_COLON.finditer(text)),
        ((match, False) for match in _SUSPECT_ITEM.finditer(text)),
    )
    for count, (match, key) in enumerate(suspects):
        if count == _MOST_LOOKED_AT or _ambiguous_value(text, match, key=key):
            return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not _plain_keys(data):
        return None
    return data


def _plain_enough(rest: bytes, text: str) -> bool:
    """Whether the bytes outside plain YAML (``rest``) leave the text to the fast reader."""
    odd = rest.translate(None, _NON_ASCII)
    if odd.translate(None, _LOOKED_AT):
        return False  # an anchor, a tag, a flow collection, an escape, a tab...
    if len(odd) < len(rest) and _UNUSUAL_CHARACTER.search(text):
        return False
    return (b"|" not in odd and b">" not in odd) or _usual_block_scalars(text)


def _usual_block_scalars(text: str) -> bool:
    """Whether every block scalar in ``text`` has the usual form (``_USUAL_BLOCK``)."""
    for indicator in "|>":
        at = text.find(indicator)
        while at >= 0:
            space = at
            while space > 0 and text[space - 1] == " ":
                space -= 1
            if space < at and text[space - 1 : space] in (":", "-"):  # a block scalar
                usual = _USUAL_BLOCK.match(text, text.rfind("\n", 0, at) + 1)
                if not usual or usual.end() <= at or not text.endswith("\n"):
                    return False
            at = text.find(indicator, at + 1)
    return True


def _ambiguous_value(text: str, match: re.Match[str], *, key: bool) -> bool:
    """Whether the plain value after ``match`` may read differently to YAML 1.1 and 1.2.

    Only values that start like a number, a date or a YAML 1.1 word come here: `70b`
    and `1.2.0` are text to both versions; `017`, `1e3` and `2025-01-01` are not. A
    value that goes on over the next lines is left to the precise reader.
    """
    start = match.end()
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    value = text[start:end]
    comment = value.find(" #")
    value = (value if comment < 0 else value[:comment]).rstrip(" ")
    line = text.rfind("\n", 0, start) + 1
    # A value goes on over the next lines when they are indented deeper than its key
    # (or than the dash of its list item).
    found = _KEY_COLUMN.match(text, line) if key else None
    column = (found.end() if found else match.start()) - line
    following = _NEXT_LINE.match(text, end + 1)
    if following and len(following.group(1)) > column:
        return True  # look closely (or it is a syntax error: the same)
    return ambiguity(value, resolve_plain(value)) is not None


def _plain_keys(data: dict[str, Any]) -> bool:
    """Whether the user-chosen keys (labels, annotations, variables) are unambiguous."""
    for path in _FREE_FORM_MAPS:
        node: Any = data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            for key in node:
                if not isinstance(key, str) or not key or key[0] in _RISKY_KEY_START:
                    return False
                if key in _BOOL11:
                    return False
    return True
