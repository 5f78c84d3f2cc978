"""The field reference: every field of the format, from the same models that validate.

The rows come from the JSON Schema generated from ``format.py`` (types, bounds,
allowed values, and the docstring under each field), so this page cannot drift from
the validator. Each row also says how many models of the catalog declare the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..format import json_schema
from . import ModelView, by_name

#: Models listed by name under each field; the rest are counted.
SHOWN = 12


@dataclass
class FieldRow:
    path: str
    kind: str
    """Type and constraints in words: ``integer, at least 1``."""
    required: bool
    description: str
    models: list[ModelView] = field(default_factory=list)


@dataclass
class FieldsPage:
    rows: list[FieldRow]
    total: int
    shown: int = SHOWN


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return root["$defs"][node["$ref"].rsplit("/", 1)[-1]]  # type: ignore[no-any-return]
    return node


def _kind(node: dict[str, Any]) -> str:
    if "const" in node:
        return f"exactly {node['const']}"
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    kind = {
        "integer": "integer",
        "number": "number",
        "string": "text",
        "boolean": "true or false",
        "array": "list",
        "object": "mapping",
    }.get(node.get("type", ""), "value")
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        kind = "mapping of text to text"
    bounds = []
    if "minimum" in node:
        bounds.append(f"at least {node['minimum']}")
    if "maximum" in node:
        bounds.append(f"at most {node['maximum']}")
    if "default" in node:
        bounds.append(f"default {str(node['default']).lower()}")
    return ", ".join([kind, *bounds])


def schema_fields(
    schema: dict[str, Any] | None = None,
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(path, definition, required) for every field of the format, in schema order."""
    root = schema or json_schema()

    def walk(node: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any], bool]]:
        node = _resolve(node, root)
        required = set(node.get("required", []))
        for key, sub in node.get("properties", {}).items():
            definition = _resolve(sub, root)
            path = f"{prefix}.{key}" if prefix else key
            yield (
                path,
                {
                    **definition,
                    "description": sub.get("description") or definition.get("description", ""),
                },
                key in required,
            )
            if definition.get("type") == "array":
                yield from walk(definition["items"], path + "[]")
            elif "properties" in definition:
                yield from walk(definition, path)

    yield from walk(root, "")


def declared_paths(data: Any, prefix: str = "") -> Iterator[str]:
    """The field paths a spec's data declares (list items as ``[]``)."""
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            if path not in (
                "metadata.labels",
                "metadata.annotations",
                "spec.runtime.environment.variables",
            ):
                yield from declared_paths(value, path)
    elif isinstance(data, list):
        for item in data:
            yield from declared_paths(item, prefix + "[]")


def fields_page(views: list[ModelView]) -> FieldsPage:
    declaring: dict[str, list[ModelView]] = defaultdict(list)
    for view in by_name(views):
        for path in set(declared_paths(view.data)):
            declaring[path].append(view)
    rows = [
        FieldRow(
            path,
            _kind(definition),
            required,
            definition.get("description", ""),
            declaring.get(path, []),
        )
        for path, definition, required in schema_fields()
    ]
    return FieldsPage(rows=rows, total=len(views))
