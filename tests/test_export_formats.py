"""``modelspec export --format json|csv|backstage``: models.json against its own published
JSON Schema, CSV read back by Python's csv module, Backstage entities checked against
the catalog and against Backstage's catalog-info schema."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from mkdocs_modelspec.cli import main
from mkdocs_modelspec.exports import MODELS_SCHEMA, entity_name
from test_ci import schemastore

from conftest import FIXTURES, ROOT, spec_text

SCHEMA = json.loads((ROOT / "plugin/mkdocs_modelspec" / MODELS_SCHEMA).read_text())


def export(capsys, *args: str) -> str:
    status = main(["export", *args])
    out, _ = capsys.readouterr()
    assert status == 0
    return out


@pytest.fixture
def demo(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the demo's mkdocs.yml: observed data, readiness levels


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_models_json_validates_against_its_own_schema(capsys, demo) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    document = json.loads(export(capsys))
    assert document["schemaVersion"] == 1
    assert document["observed"] is not None  # the demo reads what runs
    assert any(m["observed"]["fields"] for m in document["models"])
    assert schema_errors(document) == []
    broken = json.loads(export(capsys, str(FIXTURES / "catalog"), str(FIXTURES / "invalid")))
    assert broken["diagnostics"]
    assert any(m["spec"] is None for m in broken["models"])
    assert schema_errors(broken) == []
    # The schema holds the document to its shape: a field gone, or one it does not
    # know, is an error.
    del document["models"][0]["readiness"]
    document["models"][1]["extra"] = 1
    document["schemaVersion"] = 2
    assert len(schema_errors(document)) == 3


def test_the_site_publishes_the_schema_beside_models_json(tmp_path: Path) -> None:
    from sites import build, make_site

    root = make_site(tmp_path, {"a.modelspec.yaml": spec_text("model-a")})
    assert build(root, "--strict").returncode == 0
    published = json.loads((root / "site" / MODELS_SCHEMA).read_text())
    assert published == SCHEMA
    assert schema_errors(json.loads((root / "site/models.json").read_text())) == []


def test_csv_round_trips_through_the_csv_module(capsys, demo) -> None:
    models = json.loads(export(capsys))["models"]
    rows = list(csv.DictReader(io.StringIO(export(capsys, "--format", "csv"))))
    assert len(rows) == len(models) == 16
    by_name = {m["name"]: m for m in models}
    for row in rows:
        model = by_name[row["name"]]
        assert row["team"] == (model["team"] or "")
        assert row["owner"] == (model["owner"] or "")
        assert row["url"] == model["url"]
        assert row["file"] == model["file"]
        assert row["readiness"] == model["readiness"]["level"]
        assert row["status"] == ("valid" if model["valid"] else "invalid")
    assert [r["name"] for r in rows] == sorted(by_name, key=str.lower)
    assert {r["running"] for r in rows} >= {"not seen", "as declared"}


def test_csv_keeps_odd_text_whole_and_spreadsheets_from_running_it(capsys, tmp_path) -> None:
    team = 'a, "quoted"\nteam'
    owner = '=HYPERLINK("http://x.invalid","click")'
    text = spec_text("odd").replace(
        "  name: odd\n",
        f"  name: odd\n  labels:\n    team: {json.dumps(team)}\n"
        f"  annotations:\n    owner: {json.dumps(owner)}\n",
    )
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/odd.modelspec.yaml").write_text(text)
    rows = list(
        csv.DictReader(io.StringIO(export(capsys, "--format", "csv", str(tmp_path / "specs"))))
    )
    assert rows[0]["team"] == team
    assert rows[0]["owner"] == "'" + owner


def entities(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def test_backstage_has_one_entity_per_spec_checked_against_the_catalog(capsys, demo) -> None:
    models = json.loads(export(capsys))["models"]
    found = entities(export(capsys, "--format", "backstage", "--site-url", "https://m.example/"))
    assert len(found) == len(models) == 16
    schema = schemastore("Catalog Info Backstage")
    names = {}
    for entity in found:
        jsonschema.Draft7Validator(schema).validate(entity)
        assert entity["apiVersion"] == "backstage.io/v1alpha1"
        assert entity["kind"] == "Component"
        names[entity["metadata"]["annotations"]["piqc.ai/modelspec-name"]] = entity
    for model in models:
        entity = names[model["name"]]
        name = entity["metadata"]["name"]
        assert re.fullmatch(r"[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*", name)
        assert len(name) <= 63
        owner = f"group:{model['team']}" if model["team"] else "unknown"
        assert entity["spec"]["owner"] == owner
        environment = (model["spec"]["metadata"].get("labels") or {}).get("environment")
        expected = {"prod": "production"}.get(environment, "experimental")
        assert entity["spec"]["lifecycle"] == expected
        depends = sorted(
            f"component:{names[d['model']]['metadata']['name']}"
            for d in model["dependencies"]
            if d["model"]
        )
        assert entity["spec"].get("dependsOn", []) == sorted(set(depends))
        assert entity["metadata"]["links"][0]["url"] == "https://m.example/" + model["url"]
        assert entity["metadata"]["annotations"]["piqc.ai/modelspec-file"] == model["file"]
    assert sum(bool(e["spec"].get("dependsOn")) for e in found) >= 5
    assert {e["spec"]["lifecycle"] for e in found} == {"production", "experimental"}


def test_backstage_names_follow_backstage_rules(capsys, tmp_path) -> None:
    assert entity_name("support-rag-chat", "support-rag-chat") == "support-rag-chat"
    assert entity_name("Model_v2.1", "model-v2-1") == "Model_v2.1"  # valid as it is
    assert entity_name("Ünïcode model!!", "unicode-model") == "unicode-model"
    assert entity_name("a--b", "a-b") == "a-b"  # two separators in a row: not allowed
    long = "x" * 70
    shortened = entity_name(long, long)
    assert len(shortened) == 63
    assert re.fullmatch(r"x{54}-[0-9a-f]{8}", shortened)
    (tmp_path / "specs").mkdir()
    for file, name in (("a", "same name"), ("b", "same-name"), ("c", "same-name")):
        (tmp_path / "specs" / f"{file}.modelspec.yaml").write_text(spec_text(name))
    found = entities(export(capsys, "--format", "backstage", str(tmp_path / "specs")))
    names = [e["metadata"]["name"] for e in found]
    assert len(names) == 3
    assert len({n.casefold() for n in names}) == 3  # unique, as Backstage compares them
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*", name)
        assert len(name) <= 63
    titled = [e for e in found if e["metadata"].get("title") == "same name"]
    assert len(titled) == 1
