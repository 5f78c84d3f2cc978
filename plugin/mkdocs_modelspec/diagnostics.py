"""Diagnostics: what is wrong, where (file, line, column), and how to fix it.

Every problem the project finds is a :class:`Diagnostic`. Codes are stable: tools
may match on them, and the documentation lists each one (``docs/diagnostics.md``).
"""

from __future__ import annotations

import enum
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


class Severity(str, enum.Enum):
    """How bad a problem is: an error makes a spec invalid, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


class Code(str, enum.Enum):
    """Stable diagnostic codes, grouped by the step that finds them."""

    # Finding and reading the file.
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not-a-file"
    LINK_OUTSIDE = "link-outside-root"
    FOLDER_NOT_READ = "folder-not-read"
    FILE_TOO_LARGE = "file-too-large"
    NOT_UTF8 = "not-utf8"
    EMPTY_FILE = "empty-file"
    # Parsing the YAML.
    YAML_SYNTAX = "yaml-syntax"
    DUPLICATE_KEY = "duplicate-key"
    YAML_ALIAS = "yaml-alias"
    YAML_TAG = "yaml-tag"
    MULTI_DOCUMENT = "multi-document"
    TOO_DEEP = "too-deep"
    YAML11_AMBIGUOUS = "yaml11-ambiguous"
    NOT_A_MAPPING = "not-a-mapping"
    TOO_MANY_PROBLEMS = "too-many-problems"
    # Checking one spec against the format.
    API_VERSION = "api-version"
    KIND = "kind"
    MISSING_FIELD = "missing-field"
    UNKNOWN_FIELD = "unknown-field"
    WRONG_TYPE = "wrong-type"
    OUT_OF_RANGE = "out-of-range"
    NOT_ALLOWED = "not-allowed-value"
    VLLM_SEQUENCE_LENGTH = "vllm-sequence-length"
    # Checking the catalog as a whole.
    DUPLICATE_NAME = "duplicate-name"
    LOOK_ALIKE_NAME = "look-alike-name"
    HIDDEN_CHARACTERS = "hidden-characters"
    SPECREF_OUTSIDE = "specref-outside-root"
    SPECREF_MISSING = "specref-missing"
    SPECREF_NOT_A_SPEC = "specref-not-a-spec"
    DEPENDENCY_CYCLE = "dependency-cycle"
    # Reading what runs (observed data: piqc bundles, Kubernetes manifests). These
    # never make a spec invalid: they are about the observed files.
    OBSERVED_UNREADABLE = "observed-unreadable"
    OBSERVED_TOO_LARGE = "observed-too-large"
    OBSERVED_SYNTAX = "observed-syntax"
    OBSERVED_SCHEMA_VERSION = "observed-schema-version"
    OBSERVED_SHAPE = "observed-shape"
    OBSERVED_NO_CONTAINERS = "observed-no-containers"
    OBSERVED_DUPLICATE = "observed-duplicate"
    OBSERVED_UNKNOWN_SPEC = "observed-unknown-spec"


#: Codes that are warnings: the spec is still valid, but a reader should look.
WARNING_CODES = frozenset(
    {
        Code.VLLM_SEQUENCE_LENGTH,
        Code.LOOK_ALIKE_NAME,
        Code.HIDDEN_CHARACTERS,
        Code.SPECREF_MISSING,
        Code.SPECREF_NOT_A_SPEC,
        Code.DEPENDENCY_CYCLE,
        Code.OBSERVED_SHAPE,
        Code.OBSERVED_NO_CONTAINERS,
        Code.OBSERVED_DUPLICATE,
        Code.OBSERVED_UNKNOWN_SPEC,
    }
)


def severity_of(code: Code) -> Severity:
    return Severity.WARNING if code in WARNING_CODES else Severity.ERROR


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one file, at a 1-based line and column."""

    file: str
    """Path of the file, as given to the loader (relative to the working folder)."""
    line: int
    column: int
    severity: Severity
    code: Code
    message: str
    """What is wrong, in words a spec author can act on."""
    path: str = ""
    """Dotted field path (``spec.runtime.accelerator.count``), empty for file-level problems."""
    hint: str = ""
    """How to fix it, when there is something useful to say (``quote it: "2025-01-01"``)."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def text(self) -> str:
        """The message with its field path and hint, without the location."""
        text = self.message
        if self.path:
            text = f"{self.path}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text

    def format(self) -> str:
        """``path:line:col: severity: [code] message`` — the shape compilers use.

        One line, whatever the file name and the values quoted hold: control
        characters are shown escaped (see :func:`printable`), so a value cannot start
        a line of its own in a terminal or a CI log.
        """
        return printable(
            f"{self.location()}: {self.severity.value}: [{self.code.value}] {self.text()}"
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["code"] = self.code.value
        return data


#: Characters shown escaped in text output: control characters (C0, DEL, C1), format
#: characters (zero-width, direction overrides, the BOM...), line and paragraph
#: separators, and lone surrogates (a file name that is not UTF-8).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control, format and separator character written as an escape
    (``\\n``, ``\\x1b``, ``\\u202e``): what a terminal or a CI log may safely print.

    A newline cannot start a forged line (``::error file=...::``), an escape sequence
    cannot colour or rewrite the log, a direction override cannot reverse what
    follows, and a file name that is not UTF-8 prints instead of raising.
    """
    if text.isprintable():
        return text  # the usual case, checked in C
    out = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif unicodedata.category(char) in _HIDDEN_CATEGORIES:
            code = ord(char)
            if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
                code -= 0xDC00
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            else:
                out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def sort_key(diagnostic: Diagnostic) -> tuple[str, bool, int, int, str]:
    """By file, then position; a file's ``too-many-problems`` note comes last."""
    return (
        diagnostic.file,
        diagnostic.code is Code.TOO_MANY_PROBLEMS,
        diagnostic.line,
        diagnostic.column,
        diagnostic.code.value,
    )


def dotted(path: Iterable[str | int]) -> str:
    """``("spec", "pipeline", "dependencies", 0, "id")`` -> ``spec.pipeline.dependencies[0].id``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def to_json_lines(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2)
