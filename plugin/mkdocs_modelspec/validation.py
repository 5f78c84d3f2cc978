"""Plain data -> a :class:`~.format.ModelSpec`, or diagnostics a spec author can act on.

Pydantic finds what is wrong; this module says it in the author's terms (YAML keys,
"a whole number", "one of http, grpc") and places it on the right line: a missing
field at its parent's key, an unknown key at that key, a bad value at the value.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Code
from .format import API_VERSION, KIND, ModelSpec
from .yamlread import Path, Problem, Where

#: ``where(path)`` gives the position of a field path in the file.
Locate = Callable[[Path], Where]

_TYPE_WORDS = {
    "string_type": "text",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "list_type": "a list",
}


def describe(value: Any) -> str:
    """How a YAML value reads to a person: ``text "4"``, ``the number 4``, ``a list``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'text "{shown}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__  # pragma: no cover - YAML gives nothing else


def _data_path(data: Any, loc: tuple[str | int, ...], missing: bool = False) -> Path:
    """The part of a pydantic ``loc`` that names places in the data.

    Unions add the name of the member that failed (``count.int``); those names are
    not keys of the data, so the walk stops before them. Only for a ``missing`` error
    does the last part name a key that is not there (the missing field).
    """
    node = data
    for index, part in enumerate(loc):
        if isinstance(node, dict):
            if part in node:
                node = node[part]
                continue
            # A missing key names the field that is missing.
            return loc if missing and index == len(loc) - 1 else loc[:index]
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            continue
        return loc[:index]
    return loc


def _value_at(data: Any, path: Path) -> Any:
    node = data
    for part in path:
        node = node[part]  # _data_path checked every step
    return node


def _model_at(path: Path) -> type[BaseModel] | None:
    """The format class that describes the mapping at ``path`` (None for free-form maps)."""
    model: type[BaseModel] | None = ModelSpec
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = next(
            (f for name, f in model.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        model = _model_in(field.annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _problem(code: Code, where: Where, path: Path, message: str, hint: str = "") -> Problem:
    return Problem(code, where.line, where.column, message, hint, path)


def _at_key(code: Code, where: Where, path: Path, message: str, hint: str = "") -> Problem:
    return Problem(code, where.key_line, where.key_column, message, hint, path)


def _translate(
    data: Any,
    errors: Iterable[Any],
    locate: Locate,
    limit: int | None = None,
    skip: frozenset[Path] | set[Path] = frozenset(),
) -> tuple[list[Problem], int]:
    """Pydantic's errors as problems, at most ``limit`` of them (the first in the file),
    and how many more there are. Places in ``skip`` already have a problem.

    Linear in the number of errors: one pass groups them by place (what a union's
    members said there), and only the problems shown are worded.
    """
    chosen: list[tuple[Path, Any]] = []
    seen: set[tuple[Path, str]] = set()
    kinds: dict[Path, set[str]] = {}
    integral: set[Path] = set()
    for error in errors:
        kind = error["type"]
        path = _data_path(data, tuple(error["loc"]), kind == "missing")
        kinds.setdefault(path, set()).add(kind)
        if "function-after" in str(error["loc"][-1]):
            # A union of int and float: an integer field says "function-after" in its
            # loc, a number field does not.
            integral.add(path)
        family = "type" if kind.endswith("_type") or kind == "value_error" else kind
        if (path, family) in seen or path in skip:
            continue  # the other member of a union said the same thing
        seen.add((path, family))
        chosen.append((path, error))
    omitted = 0
    if limit is not None and len(chosen) > limit:
        chosen.sort(key=lambda item: _position(item[0], item[1]["type"], locate))
        omitted = len(chosen) - limit
        chosen = chosen[:limit]
    problems = [
        _problem_for(data, path, error, locate, kinds=kinds[path], integral=path in integral)
        for path, error in chosen
    ]
    return problems, omitted


def _position(path: Path, kind: str, locate: Locate) -> tuple[int, int]:
    """Where the problem of an error is reported (see ``_problem_for``)."""
    if kind == "missing":
        where = locate(path[:-1])
        return where.key_line, where.key_column
    where = locate(path)
    if kind == "extra_forbidden":
        return where.key_line, where.key_column
    return where.line, where.column


def _problem_for(
    data: Any, path: Path, error: Any, locate: Locate, *, kinds: set[str], integral: bool
) -> Problem:
    kind = error["type"]
    if kind == "missing":
        parent = path[:-1]
        return _at_key(
            Code.MISSING_FIELD,
            locate(parent),
            path,
            f"required field {path[-1]} is missing",
            f"add `{path[-1]}:` under {parent[-1]}" if parent else "",
        )
    if kind == "extra_forbidden":
        return _unknown_key(path, locate)
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = error["ctx"].get("ge", error["ctx"].get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        value = _value_at(data, path)
        return _problem(
            Code.OUT_OF_RANGE, locate(path), path, f"must be {word} {bound}, found {value}"
        )
    if kind == "literal_error":
        return _not_allowed(data, path, error, locate)
    if kind.endswith("_type") or kind == "value_error":
        return _wrong_type(data, path, error, locate, kinds=kinds, integral=integral)
    return _problem(Code.WRONG_TYPE, locate(path), path, error["msg"])  # pragma: no cover


def _unknown_key(path: Path, locate: Locate) -> Problem:
    model = _model_at(path[:-1])
    allowed = _keys_of(model) if model else []
    key = str(path[-1])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {close[0]}?"
    elif allowed:
        hint = "allowed here: " + ", ".join(allowed)
    else:
        hint = ""
    return _at_key(Code.UNKNOWN_FIELD, locate(path), path, f"unknown field {key}", hint)


def _not_allowed(data: Any, path: Path, error: Any, locate: Locate) -> Problem:
    value = _value_at(data, path)
    expected = error["ctx"]["expected"].replace("'", "")
    if path == ("apiVersion",):
        return _problem(
            Code.API_VERSION,
            locate(path),
            path,
            f"unknown version {value!r}: this tool reads {API_VERSION}",
            f"write `apiVersion: {API_VERSION}`",
        )
    if path == ("kind",):
        return _problem(
            Code.KIND,
            locate(path),
            path,
            f"unknown kind {value!r}: this tool reads {KIND} files",
            f"write `kind: {KIND}`",
        )
    choices = expected.replace(" or ", ", ")
    shown = describe(value) if not isinstance(value, str) else f'"{value}"'
    return _problem(
        Code.NOT_ALLOWED, locate(path), path, f"must be one of {choices}, found {shown}"
    )


def _wrong_type(
    data: Any, path: Path, error: Any, locate: Locate, *, kinds: set[str], integral: bool
) -> Problem:
    """``kinds``: every error type reported at ``path``; ``integral``: whether one of
    them came from the integer member of an int-or-float union."""
    value = _value_at(data, path)
    if error["type"] == "value_error" or ("int_type" in kinds and "float_type" not in kinds):
        wanted = "a whole number"
    elif "int_type" in kinds or "float_type" in kinds:
        wanted = "a whole number" if integral else "a number"
    else:
        wanted = _TYPE_WORDS.get(error["type"], error["msg"])
    hint = ""
    if value is None:
        hint = "give it a value, or remove the key"
    elif isinstance(value, str) and wanted in ("a whole number", "a number", "true or false"):
        hint = f"write it without quotes: {value}" if value else ""
    elif isinstance(value, bool | int | float) and wanted == "text":
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        hint = f'quote it: "{shown}"'
    elif isinstance(value, float) and wanted == "a whole number":
        hint = "accelerators, replicas, ports and sizes are counted in whole numbers"
    return _problem(
        Code.WRONG_TYPE, locate(path), path, f"must be {wanted}, found {describe(value)}", hint
    )


def validate(
    data: Any,
    locate: Locate,
    *,
    limit: int | None = None,
    skip: frozenset[Path] | set[Path] = frozenset(),
) -> tuple[ModelSpec | None, list[Problem], int]:
    """Validate ``data`` against the format; problems come with positions from ``locate``.

    Gives the model (None if the data does not conform), at most ``limit`` problems
    (the first in the file) and the number of the others. Places in ``skip`` already
    have a problem of their own. With ``limit`` 0, only whether the data conforms (no
    problem is even counted)."""
    if not isinstance(data, dict):
        where = locate(())
        return (
            None,
            [
                _problem(
                    Code.NOT_A_MAPPING,
                    where,
                    (),
                    f"a ModelSpec is a mapping (apiVersion, kind, metadata, spec), "
                    f"found {describe(data)}",
                    "start the file with `apiVersion: piqc.ai/v1alpha1`",
                )
            ],
            0,
        )
    header = _header_problems(data, locate)
    if header:
        return None, header, 0
    try:
        model = ModelSpec.model_validate(data)
    except ValidationError as error:
        if limit == 0:
            return None, [], 0
        problems, omitted = _translate(data, error.errors(include_url=False), locate, limit, skip)
        return None, problems, omitted
    return model, spec_rules(model, locate), 0


def _header_problems(data: dict[str, Any], locate: Locate) -> list[Problem]:
    """A wrong apiVersion or kind: checking the rest against this version would mislead."""
    return [
        _not_allowed(data, (key,), {"ctx": {"expected": expected}}, locate)
        for key, expected in (("apiVersion", API_VERSION), ("kind", KIND))
        if key in data and data[key] != expected
    ]


def spec_rules(model: ModelSpec, locate: Locate) -> list[Problem]:
    """Rules beyond the schema that concern one spec alone."""
    problems: list[Problem] = []
    runtime = model.spec.runtime
    framework = model.spec.identity.model.framework
    if framework.lower() == "vllm" and (
        runtime.batch is None or runtime.batch.max_sequence_length_tokens is None
    ):
        path: Path = ("spec", "identity", "model", "framework")
        problems.append(
            Problem(
                Code.VLLM_SEQUENCE_LENGTH,
                locate(path).line,
                locate(path).column,
                "framework vllm without spec.runtime.batch.maxSequenceLengthTokens",
                "vLLM sizes its KV cache from the longest sequence: declare it",
                path,
            )
        )
    return problems
