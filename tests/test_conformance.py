"""The project's verdict equals the published schema's, except where it is stricter on purpose.

The reference validator loads a file with PyYAML's ``safe_load`` (YAML 1.1) and checks
it with the published JSON Schema (draft 2020-12). Where this project is stricter, the
fixture says so in its first line, and the test checks both that the reference accepts
it and that we refuse it: the difference is a decision, not an accident.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from mkdocs_modelspec.format import json_schema
from mkdocs_modelspec.loading import load_file

from conftest import FIXTURES, PUBLISHED_EXAMPLES, PUBLISHED_SCHEMA

PUBLISHED = jsonschema.Draft202012Validator(json.loads(PUBLISHED_SCHEMA.read_text()))
GENERATED = jsonschema.Draft202012Validator(json_schema())
FIXTURE_FILES = sorted((FIXTURES / "invalid").glob("*.yaml")) + sorted(
    (FIXTURES / "valid").glob("*.yaml")
)


def reference_accepts(path: Path, validator: jsonschema.Draft202012Validator) -> bool:
    try:
        data = yaml.safe_load(path.read_bytes())
    except yaml.YAMLError:
        return False
    return validator.is_valid(data)


def we_accept(path: Path) -> bool:
    spec = load_file(str(path), str(path.parent))
    return spec.valid


def stricter_on_purpose(path: Path) -> bool:
    return path.read_bytes().startswith(b"# Stricter than the reference validator")


def test_there_are_published_examples() -> None:
    assert len(PUBLISHED_EXAMPLES) >= 9


@pytest.mark.parametrize("path", PUBLISHED_EXAMPLES, ids=lambda p: p.name)
def test_published_examples_are_valid(path: Path) -> None:
    assert reference_accepts(path, PUBLISHED)
    spec = load_file(str(path), str(path.parent))
    assert [d.format() for d in spec.errors] == []
    assert spec.valid


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_verdict_matches_the_published_schema(path: Path) -> None:
    if stricter_on_purpose(path):
        assert reference_accepts(path, PUBLISHED), "the fixture no longer shows a difference"
        assert not we_accept(path)
    else:
        assert we_accept(path) == reference_accepts(path, PUBLISHED)


# The alias bomb expands to 9**9 labels once PyYAML has loaded it: a JSON Schema
# validator that visits them runs for minutes (which is why this project refuses aliases).
@pytest.mark.parametrize(
    "path",
    [p for p in FIXTURE_FILES + PUBLISHED_EXAMPLES if p.name != "alias-bomb.modelspec.yaml"],
    ids=lambda p: p.name,
)
def test_generated_schema_agrees_with_the_published_one(path: Path) -> None:
    assert reference_accepts(path, GENERATED) == reference_accepts(path, PUBLISHED)


def _properties(schema: dict, root: dict, prefix: str = "") -> dict[str, dict]:
    """Every property path of a schema, with its (resolved) definition."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].split("/")[-1]]
    found: dict[str, dict] = {}
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        resolved = root["$defs"][sub["$ref"].split("/")[-1]] if "$ref" in sub else sub
        found[path] = resolved
        if resolved.get("type") == "array":
            found.update(_properties(resolved["items"], root, path + "[]"))
        else:
            found.update(_properties(resolved, root, path))
    return found


def test_generated_schema_has_every_published_field_with_the_same_constraints() -> None:
    published = json.loads(PUBLISHED_SCHEMA.read_text())
    generated = json_schema()
    ours = _properties(generated, generated)
    theirs = _properties(published, published)
    assert set(ours) == set(theirs)
    for path, definition in theirs.items():
        for keyword in ("type", "enum", "const", "minimum", "maximum", "required", "default"):
            if keyword in definition:
                assert ours[path].get(keyword) == definition[keyword], (path, keyword)
        if definition.get("type") == "object" and "properties" in definition:
            assert ours[path].get("additionalProperties") is False, path
    assert generated["additionalProperties"] is False
    assert generated["required"] == published["required"]


def test_every_field_has_a_description() -> None:
    generated = json_schema()
    for path, definition in _properties(generated, generated).items():
        assert definition.get("description"), path
