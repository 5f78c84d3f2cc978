"""Diagnostics: what is wrong, where (file, line, column), and how to fix it.

Every problem the project finds is a :class:`Diagnostic`. Codes are stable: tools
may match on them, and the documentation lists each one (``docs/diagnostics.md``).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


class Severity(str, enum.Enum):
    """How bad a problem is: an error makes a spec invalid, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


class Code(str, enum.Enum):
    """Stable diagnostic codes, grouped by the step that finds them."""

    # Reading the file.
    UNREADABLE = "unreadable"
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
        """``path:line:col: severity: [code] message`` — the shape compilers use."""
        return f"{self.location()}: {self.severity.value}: [{self.code.value}] {self.text()}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["code"] = self.code.value
        return data


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.code.value)


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
