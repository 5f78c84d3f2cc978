"""Readiness: every check, every level boundary, the environment rule, `modelspec check`,
the scores in models.json and on the pages, and the strict build."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_modelspec import cli
from mkdocs_modelspec.capacity import Accelerators, assess
from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.cli import main
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site
from mkdocs_modelspec.readiness import (
    CHECK_IDS,
    CHECKS,
    LEVEL_NAMES,
    LEVELS,
    Settings,
    Subject,
    evaluate,
    is_versioned,
)

from conftest import FULL, pipe_rows, spec_text
from sites import build, make_site, read_page

VERSIONED = "s3://fixtures/chat/weights/v1.4.0/"


def ready() -> dict[str, Any]:
    """FULL, made production-ready: versioned weights and a parameter count that fits."""
    data = yaml.safe_load(FULL)
    data["spec"]["identity"]["model"]["artifacts"]["modelUri"] = VERSIONED
    data["metadata"]["annotations"]["parameters"] = "8b"
    return data


def score(data: dict[str, Any], settings: Settings | None = None, **subject: Any):
    defaults: dict[str, Any] = {
        "valid": True,
        "team": (data.get("metadata", {}).get("labels") or {}).get("team"),
        "owner": (data.get("metadata", {}).get("annotations") or {}).get("owner"),
        "capacity": assess(data, Accelerators()),
    }
    environment = (data.get("metadata", {}).get("labels") or {}).get("environment")
    return evaluate(
        Subject(data=data, **{**defaults, **subject}), settings or Settings(), environment
    )


def drop(path: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A mutation that removes the field at a dotted path."""

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]
        return {}

    return mutate


def setting(path: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value
        return {}

    return mutate


def subject(**overrides: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda data: overrides


def unresolved_ref(data: dict[str, Any]) -> dict[str, Any]:
    data["spec"]["pipeline"]["dependencies"][0]["specRef"] = "./nowhere.modelspec.yaml"
    return {"unresolved": ((0, "./nowhere.modelspec.yaml"),)}


S = "spec.operations.serving."
#: For every check, a change to a production-ready spec that makes that check (and
#: only that check) fail.
BREAK: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "spec-valid": subject(valid=False, first_error="spec.runtime.accelerator.count"),
    "model-identity": drop("spec.identity.model.family"),
    "precision": drop("spec.identity.model.precision"),
    "sequence-limit": drop("spec.runtime.batch.maxSequenceLengthTokens"),
    "artifacts-versioned": setting("spec.identity.model.artifacts.modelUri", "s3://b/chat/latest/"),
    "accelerator": drop("spec.runtime.accelerator.vendor"),
    "accelerator-known": setting("spec.runtime.accelerator.type", "x9000"),
    "batch-limit": drop("spec.runtime.batch.maxBatchSize"),
    "resources": drop("spec.runtime.resources.memoryGb"),
    "weights-fit": setting("metadata.annotations.parameters", "70b"),  # 140 GB on 2 x 48 GB
    "serving-protocol": drop(S + "protocol"),
    "serving-port": drop(S + "port"),
    "readiness-probe": drop(S + "readinessProbe"),
    "liveness-probe": drop(S + "livenessProbe.path"),
    "max-concurrency": drop(S + "maxConcurrency"),
    "request-timeout": drop(S + "timeoutSeconds"),
    "replicas": drop("spec.operations.scaling.minReplicas"),
    "scaling-strategy": drop("spec.operations.scaling.strategy"),
    "latency-target": drop("spec.operations.scaling.targetLatencyMsP95"),
    "metrics": drop("spec.operations.observability.metrics.enabled"),
    "logging": drop("spec.operations.observability.logging"),
    "tracing": drop("spec.operations.observability.tracing.enabled"),
    "dependency-contracts": drop("spec.pipeline.dependencies.0.interface.outputType"),
    "latency-budgets": drop("spec.pipeline.dependencies.0.interface.maxLatencyMs"),
    "specrefs-resolve": unresolved_ref,
    "no-cycles": subject(in_cycle=True),
    "team": subject(team=None),
    "owner": subject(owner=None),
    "pii-policy": drop("spec.governance.compliance.pii.policy"),
    "retention": drop("spec.governance.compliance.retention.artifactsDays"),
    "change-approval": drop("spec.governance.compliance.governance.changeApproval"),
    "cost-target": drop("spec.governance.cost.targetCostPer1kTokensUsd"),
    "spot-decided": drop("spec.governance.cost.pricingHints.spotAllowed"),
}


def test_every_check_has_a_breaking_case() -> None:
    assert set(BREAK) == set(CHECK_IDS)
    assert len(CHECK_IDS) == len(set(CHECK_IDS))


def test_a_complete_spec_is_production_ready() -> None:
    result = score(ready())
    assert result.level_name == "production-ready"
    assert result.failing == []
    assert result.next_level is None
    statuses = {r.check.id: r.status for r in result.results}
    assert statuses["specrefs-resolve"] == "n/a"  # the dependency declares no specRef
    assert statuses["weights-fit"] == "pass"


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_each_check_fails_alone_and_sets_the_level_just_below_it(check_id: str) -> None:
    data = copy.deepcopy(ready())
    overrides = BREAK[check_id](data)
    result = score(data, **overrides)
    assert [r.check.id for r in result.failing] == [check_id]
    first = next(i for i, level in enumerate(LEVELS) if check_id in level.checks)
    assert result.level == (LEVELS[first - 1] if first else None)
    # The field named is the one that makes the check pass.
    [failed] = result.failing
    assert failed.field.startswith(("spec.", "metadata.")), failed.field


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_turning_the_failing_check_off_restores_the_level(check_id: str) -> None:
    data = copy.deepcopy(ready())
    overrides = BREAK[check_id](data)
    result = score(data, Settings(disabled=frozenset({check_id})), **overrides)
    assert result.level_name == "production-ready"
    assert check_id not in {r.check.id for r in result.results}


def test_levels_are_nested_and_the_last_one_requires_every_check() -> None:
    for lower, higher in itertools.pairwise(LEVELS):
        assert set(lower.checks) < set(higher.checks)
    assert set(LEVELS[-1].checks) == set(CHECK_IDS)
    assert LEVEL_NAMES[0] == "declared"
    assert LEVEL_NAMES[-1] == "production-ready"
    # Every check is shown with the lowest level that needs it.
    assert all(any(c.id in level.checks for level in LEVELS) for c in CHECKS)


def test_the_level_is_the_highest_whose_checks_all_pass() -> None:
    data = ready()
    del data["spec"]["operations"]["scaling"]["strategy"]  # an operable check
    del data["spec"]["governance"]["cost"]  # production-ready checks
    result = score(data)
    assert result.level_name == "servable"
    assert [r.check.id for r in result.next_steps] == ["scaling-strategy"]
    del data["spec"]["operations"]["serving"]["port"]  # a servable check
    assert score(data).level_name == "declared"
    assert score(data, valid=False).level_name == "none"
    assert score(data, valid=False).level is None


def test_a_minimal_spec_is_declared() -> None:
    data = yaml.safe_load(spec_text("tiny"))
    result = score(data)
    assert result.level_name == "declared"
    assert {r.check.id for r in result.results if r.status == "n/a"} == {
        "weights-fit",
        "dependency-contracts",
        "latency-budgets",
        "specrefs-resolve",
        "no-cycles",
    }


def test_false_counts_as_decided() -> None:
    data = ready()
    data["spec"]["operations"]["observability"]["metrics"]["enabled"] = False
    data["spec"]["governance"]["cost"]["pricingHints"]["spotAllowed"] = False
    assert score(data).level_name == "production-ready"


def test_replicas_must_be_a_range() -> None:
    data = ready()
    data["spec"]["operations"]["scaling"]["minReplicas"] = 9
    [failed] = score(data).failing
    assert failed.check.id == "replicas"
    assert failed.verdict.note == "minReplicas 9 > maxReplicas 6"


def test_a_dependency_without_a_contract_is_named() -> None:
    data = ready()
    data["spec"]["pipeline"]["dependencies"].append({"id": "guard", "role": "guardrail"})
    failing = {r.check.id: r for r in score(data).failing}
    assert set(failing) == {"dependency-contracts", "latency-budgets"}
    assert (
        failing["latency-budgets"].field == "spec.pipeline.dependencies[1].interface.maxLatencyMs"
    )
    assert failing["latency-budgets"].verdict.note == "dependency 2 (guard) has no maxLatencyMs"


@pytest.mark.parametrize(
    ("uri", "versioned"),
    [
        ("s3://bucket/models/chat/v1.6.2/", True),
        ("gs://bucket/ads/siglip/2025-04-22/", True),
        ("s3://bucket/models/chat/3/weights.safetensors", True),
        ("hf://org/model@4f2a9c1", True),
        ("s3://bucket/model.onnx?versionId=abc", True),
        ("gs://bucket/model.bin?generation=1712", True),
        ("s3://bucket/models/0123abcd9/", True),
        ("s3://bucket/models/chat/", False),
        ("s3://bucket/models/llama-3.1-70b/", False),
        ("s3://bucket/models/deberta-v3-small/model.int8.onnx", False),
        ("s3://2025-01-01/chat/", False),  # a bucket is not a version
        ("hf://org/model", False),
    ],
)
def test_artifacts_versioned(uri: str, versioned: bool) -> None:
    assert is_versioned(uri) is versioned


def test_unknown_names_in_the_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown check"):
        Settings(disabled=frozenset({"no-such-check"}))
    with pytest.raises(ValueError, match="unknown level"):
        Settings(required={"prod": "excellent"})


# --- the environment rule -----------------------------------------------------------------


def test_the_level_required_follows_the_environment_label() -> None:
    settings = Settings(required={"prod": "production-ready", "*": "declared"})
    data = ready()
    del data["spec"]["governance"]["cost"]  # operable
    prod = score(data, settings)
    assert (prod.required.name, prod.required_by) == ("production-ready", "environment prod")
    assert prod.meets_requirement is False
    assert "cost-target (spec.governance.cost.targetCostPer1kTokensUsd)" in (prod.shortfall() or "")
    data["metadata"]["labels"]["environment"] = "staging"
    staging = score(data, settings)
    assert (staging.required.name, staging.required_by) == ("declared", "every environment")
    assert staging.meets_requirement is True
    assert staging.shortfall() is None
    del data["metadata"]["labels"]["environment"]
    assert score(data, settings).required_by == "every environment"
    assert score(data, Settings(required={"prod": "declared"})).meets_requirement is None


def test_a_required_level_is_met_at_that_level_exactly() -> None:
    data = ready()
    del data["spec"]["governance"]["cost"]
    assert score(data).level_name == "operable"
    assert score(data, Settings(required={"prod": "operable"})).meets_requirement is True
    assert score(data, Settings(required={"prod": "production-ready"})).meets_requirement is False


CHAT = spec_text("chat", base=FULL)  # prod; unversioned weights: operable


def catalog_site(tmp_path: Path, specs: dict[str, str], **options: Any) -> Site:
    for name, text in specs.items():
        path = tmp_path / "specs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    loaded = load_roots([tmp_path / "specs"], base=tmp_path)
    return Site(build_catalog(loaded, [tmp_path / "specs"]), Options(**options))


def test_models_json_holds_each_score(tmp_path: Path) -> None:
    site = catalog_site(
        tmp_path,
        {"chat.modelspec.yaml": CHAT, "tiny.modelspec.yaml": spec_text("tiny")},
        readiness=Settings(required={"prod": "production-ready"}),
    )
    models = {m["name"]: m for m in site.export()["models"]}
    chat = models["chat"]["readiness"]
    assert chat["level"] == "operable"
    assert chat["required"] == "production-ready"
    assert chat["meetsRequired"] is False
    assert chat["failing"] == [
        {
            "check": "artifacts-versioned",
            "area": "model",
            "level": "production-ready",
            "field": "spec.identity.model.artifacts.modelUri",
        }
    ]
    assert chat["passed"] + chat["failed"] + chat["notApplicable"] == len(CHECK_IDS)
    tiny = models["tiny"]["readiness"]
    assert (tiny["level"], tiny["required"], tiny["meetsRequired"]) == ("declared", None, None)
    json.dumps(site.export())  # plain JSON


def test_pages_show_the_checks_the_level_and_the_gaps(tmp_path: Path) -> None:
    site = catalog_site(
        tmp_path,
        {"chat.modelspec.yaml": CHAT, "tiny.modelspec.yaml": spec_text("tiny")},
        readiness=Settings(
            disabled=frozenset({"cost-target"}), required={"prod": "production-ready"}
        ),
    )
    pages = {p.src_uri: p.content for p in site.pages()}
    chat = pages["models/chat.md"]
    assert "## Readiness" in chat
    assert "Level: **operable**" in chat
    assert "required for environment prod: **production-ready**, **not met**" in chat
    assert (
        "| Model configuration | Artifacts versioned | production-ready | <code>spec.identity.model.artifacts.modelUri</code>:"
        in chat
    )
    # at a glance, in the page's header
    assert (
        '<p class="modelspec-card-title">Readiness</p><p><strong><a href="#readiness">operable</a></strong>'
        in chat
    )
    assert "Cost target declared" not in chat  # turned off
    catalog = pages["models/index.md"]
    assert "[operable](chat.md#readiness)" in catalog
    assert "[declared](tiny.md#readiness)" in catalog
    scorecards = pipe_rows(pages["models/scorecards.md"])
    assert "**1 model** is below its required level" in scorecards
    assert (
        "| [chat](../chat/#readiness) | fixtures | prod | operable | production-ready | <code>artifacts-versioned</code> |"
        in scorecards
    )
    assert "| fixtures | 1 |  |  |  | 1 |  | 1 |" in scorecards  # levels per team
    # The most common gap first: both models fail artifacts-versioned, only tiny the rest.
    gaps = scorecards.split("## Most common gaps")[1].split("## Checks marked")[0]
    rows = [line for line in gaps.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[1].startswith("| Artifacts versioned (<code>artifacts-versioned</code>) |")
    assert "| [chat](chat.md#readiness), [tiny](tiny.md#readiness) |" in rows[1]
    assert all(row.endswith("| [tiny](tiny.md#readiness) |") for row in rows[2:])
    assert "Checks turned off in this site's configuration: <code>cost-target</code>." in scorecards


def test_a_model_below_its_level_fails_a_strict_build_at_its_label(tmp_path: Path) -> None:
    specs = {"chat.modelspec.yaml": CHAT}
    root = make_site(
        tmp_path / "a", specs, options={"readiness": {"required": {"prod": "production-ready"}}}
    )
    done = build(root, "--strict")
    assert done.returncode == 1
    assert (
        'specs/chat.modelspec.yaml:11:18: warning: [readiness] chat: readiness level "operable" '
        'is below "production-ready", required for environment prod; failing: '
        "artifacts-versioned (spec.identity.model.artifacts.modelUri)"
    ) in done.stderr
    assert build(root).returncode == 0  # a warning, not an error
    ok = make_site(tmp_path / "b", specs, options={"readiness": {"required": {"prod": "operable"}}})
    done = build(ok, "--strict")
    assert done.returncode == 0, done.stderr
    page = read_page(ok / "site", "models/scorecards")
    assert "Every model meets the level its environment requires." in page.text


def test_a_mistake_in_the_readiness_options_stops_the_build(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {"chat.modelspec.yaml": CHAT},
        options={"readiness": {"required": {"prod": "superb"}}},
    )
    done = build(root)
    assert done.returncode == 1
    assert "superb" in done.stderr


# --- modelspec check ----------------------------------------------------------------------


def project(tmp_path: Path, required: dict[str, str] | None = None) -> Path:
    (tmp_path / "specs").mkdir(parents=True, exist_ok=True)
    (tmp_path / "specs/chat.modelspec.yaml").write_text(CHAT)
    (tmp_path / "specs/tiny.modelspec.yaml").write_text(spec_text("tiny"))
    plugin: dict[str, Any] = {
        "modelspec": {"readiness": {"required": required}} if required else {}
    }
    config = {"site_name": "x", "plugins": ["search", plugin]}
    (tmp_path / "mkdocs.yml").write_text(
        yaml.safe_dump(config)
        + "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    return tmp_path


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_check_reads_the_required_levels_from_mkdocs_yml(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(project(tmp_path, {"prod": "production-ready"}))
    status, lines, _ = run(capsys, "check")
    assert status == 1
    assert lines == [
        'specs/chat.modelspec.yaml:11:18: warning: [readiness] chat: readiness level "operable" is below '
        '"production-ready", required for environment prod; failing: artifacts-versioned '
        "(spec.identity.model.artifacts.modelUri)",
        "2 models: 0 at or above their required level, 1 below, 1 with no requirement",
    ]
    monkeypatch.chdir(project(tmp_path / "ok", {"prod": "operable", "*": "declared"}))
    status, lines, _ = run(capsys, "check")
    assert status == 0
    assert lines == ["2 models: 2 at or above their required level, 0 below, 0 with no requirement"]


def test_check_min_level_applies_to_every_model(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project(tmp_path))
    status, lines, _ = run(capsys, "check", "--min-level", "servable")
    assert status == 1
    assert len(lines) == 2
    assert lines[0].startswith(
        'specs/tiny.modelspec.yaml:4:9: warning: [readiness] tiny: readiness level "declared" is below "servable", required for --min-level; failing: precision'
    )
    assert (
        lines[1] == "2 models: 1 at or above their required level, 1 below, 0 with no requirement"
    )
    status, lines, _ = run(capsys, "check", "--min-level", "declared", "--specs", "specs")
    assert (status, lines[-1]) == (
        0,
        "2 models: 2 at or above their required level, 0 below, 0 with no requirement",
    )


def test_check_usage_errors_exit_2(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project(tmp_path))
    status, _, err = run(capsys, "check")  # nothing required anywhere
    assert status == 2
    assert "no level to check against" in err
    status, _, err = run(capsys, "check", "--min-level", "declared", "--config", "nope.yml")
    assert (status, "no such file: nope.yml" in err) == (2, True)
    status, _, err = run(capsys, "check", "--min-level", "declared", "--specs", "missing")
    assert (status, "no such file or folder: missing" in err) == (2, True)
    (tmp_path / "bad.yml").write_text(
        "plugins:\n  - modelspec:\n      readiness:\n        required: {prod: superb}\n"
    )
    status, _, err = run(capsys, "check", "--config", "bad.yml")
    assert status == 2
    assert "bad.yml: modelspec: readiness:" in err
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--min-level", "superb"])
    assert stopped.value.code == 2


def test_an_invalid_spec_has_no_level(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(project(tmp_path))
    (tmp_path / "specs/tiny.modelspec.yaml").write_text(
        spec_text("tiny").replace("count: 1", "count: many")
    )
    status, lines, _ = run(capsys, "check", "--min-level", "declared")
    assert status == 1
    assert 'tiny: readiness level "none" is below "declared"' in lines[0]
    assert "spec-valid (spec.runtime.accelerator.count)" in lines[0]


def test_the_documentation_lists_every_check_with_its_level() -> None:
    from conftest import ROOT

    text = (ROOT / "docs/readiness.md").read_text()
    table = text.split("### Checks")[1].split("\n\n")[1]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    documented = {row[0].strip("| `"): (row[1], row[-1].strip(" |")) for row in rows}
    from mkdocs_modelspec.readiness import AREA_TITLES

    assert documented == {
        c.id: (AREA_TITLES[c.area], next(lv.name for lv in LEVELS if c.id in lv.checks))
        for c in CHECKS
    }


def test_a_scorecard_can_be_embedded_and_linked(tmp_path: Path) -> None:
    site = catalog_site(tmp_path, {"chat.modelspec.yaml": CHAT})
    embedded = site.embed("section", ["chat", "readiness"], "../models/")
    assert "[readiness](../models/chat.md#readiness)" in embedded
    assert "| Level | operable |" in embedded
    assert (
        "| Artifacts versioned | fails&#58; set spec.identity.model.artifacts.modelUri |"
        in embedded
    )
    assert "| Spec passes the format's checks | passes |" in embedded
    root = make_site(
        tmp_path / "site",
        {"chat.modelspec.yaml": CHAT},
        docs={
            "review.md": "# Review\n\nSee [its scorecard](modelspec:chat#readiness).\n\n"
            "<!-- modelspec:section chat readiness -->\n"
        },
    )
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr
    page = read_page(root / "site", "review")
    assert "Artifacts versioned" in page.text
    assert "../models/chat/#readiness" in [a.get("href") for tag, a in page.elements if tag == "a"]


def test_the_command_line_names_the_same_levels() -> None:
    assert cli.LEVEL_NAMES == LEVEL_NAMES
