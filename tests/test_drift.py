"""Declared vs running: linking workloads to specs, the verdicts, the pages and exports
that show them (and agree), ``modelspec drift``, and what never reaches an output."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.cli import main, plugin_options
from mkdocs_modelspec.diagnostics import Code
from mkdocs_modelspec.drift import (
    DRIFT,
    MATCH,
    NOT_DECLARED,
    NOT_OBSERVED,
    VERDICTS,
    Settings,
    compare,
    parse_duration,
)
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.observed import Observations, read_observed
from mkdocs_modelspec.pages import Options, Site

from conftest import FIXTURES, ROOT, md_links, pipe_rows
from sites import build, make_site

GOLDEN = Path(__file__).parent / "golden" / "drift"
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.timezone.utc)
OBSERVED = FIXTURES / "observed"
CATALOG = FIXTURES / "catalog"

SPEC: dict[str, Any] = {
    "metadata": {"name": "chat", "annotations": {"parameters": "70b"}},
    "spec": {
        "identity": {"model": {"id": "org/chat-70b", "framework": "vllm", "precision": "bf16"}},
        "runtime": {
            "accelerator": {"vendor": "nvidia", "type": "h100", "count": 4},
            "batch": {"maxSequenceLengthTokens": 32768, "maxBatchSize": 64},
        },
        "operations": {
            "serving": {"port": 8000},
            "scaling": {"minReplicas": 2, "maxReplicas": 6, "strategy": "reactive"},
        },
    },
}
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: inference
  labels: {labels}
spec:
  replicas: {replicas}
  template:
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: {gpu}
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.8.5
          args: [--model, org/chat-70b, --max-model-len, "{length}", --dtype, bfloat16]
          ports: [{{containerPort: 8000}}]
          resources:
            requests: {{cpu: "8", memory: 64Gi}}
            limits: {{nvidia.com/gpu: "4"}}
"""


def manifest(name: str = "chat", **values: Any) -> str:
    fields = {"labels": "{}", "replicas": 3, "gpu": "nvidia-h100-80gb", "length": 32768}
    return MANIFEST.format(name=name, **{**fields, **values})


def observe(tmp_path: Path, files: dict[str, str]) -> Observations:
    for name, text in files.items():
        path = tmp_path / "observed" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return read_observed([str(tmp_path / "observed")], base=str(tmp_path))


def rows_of(report, key: str = "chat") -> dict[str, Any]:
    return {r.field.id: r for r in report.models[key].rows}


# --- verdicts ----------------------------------------------------------------------------


def test_every_verdict_from_one_workload(tmp_path: Path) -> None:
    observations = observe(tmp_path, {"chat.yaml": manifest(length=16384, gpu="nvidia-l4")})
    report = compare([("chat", "chat", SPEC)], observations, Settings(now=NOW))
    rows = rows_of(report)
    assert rows["framework"].verdict == MATCH
    assert rows["model-id"].verdict == MATCH
    assert rows["precision"].verdict == MATCH
    assert rows["precision"].note == "read as bf16"
    assert rows["max-sequence-length"].verdict == DRIFT
    assert (rows["max-sequence-length"].declared, rows["max-sequence-length"].observed) == (
        "32,768",
        "16384",
    )
    assert rows["accelerator-type"].verdict == DRIFT
    assert rows["accelerator-count"].verdict == MATCH
    assert rows["replicas"].verdict == MATCH
    assert rows["autoscaling"].verdict == DRIFT  # reactive, and nothing scales it
    assert rows["max-batch"].verdict == NOT_OBSERVED  # no --max-num-seqs
    assert rows["parameters"].verdict == NOT_OBSERVED
    assert rows["cpu"].verdict == NOT_DECLARED
    assert rows["memory"].verdict == NOT_DECLARED
    assert report.models["chat"].status == "drift"
    # A manifest's values name their line.
    assert rows["max-sequence-length"].fact.line == 16


def test_a_real_scan_gives_not_observed_for_what_it_missed() -> None:
    """Missing facts, fact errors and medium confidence: never a drift."""
    specs = load_roots([CATALOG], base=FIXTURES)
    chat = next(s for s in specs if s.name == "chat")
    observations = read_observed([str(OBSERVED / "real-scan.json")])
    report = compare([("chat", "chat", chat.data)], observations, Settings(now=NOW))
    rows = rows_of(report)
    assert {r.verdict for r in rows.values()} == {MATCH, NOT_OBSERVED, NOT_DECLARED}
    assert rows["max-batch"].verdict == NOT_OBSERVED
    assert "could not be collected" in rows["max-batch"].note
    assert rows["accelerator-count"].verdict == MATCH  # from gpuCount, despite the TP error
    assert rows["framework"].fact.confidence == "medium"
    assert rows["framework"].verdict == MATCH
    assert report.models["chat"].status == "match"
    load = {m.label: m for m in report.models["chat"].workloads[0].load}
    assert (load["Latency p95"].observed, load["Latency p95"].target) == ("870 ms", "900 ms")


@pytest.mark.parametrize(
    ("strategy", "autoscaled", "verdict"),
    [
        ("reactive", True, MATCH),
        ("predictive", True, MATCH),
        ("manual", True, DRIFT),
        ("manual", False, MATCH),
        ("reactive", False, DRIFT),
    ],
)
def test_autoscaling_against_the_strategy(
    tmp_path: Path, strategy: str, autoscaled: bool, verdict: str
) -> None:
    files = {"chat.yaml": manifest()}
    if autoscaled:
        files["hpa.yaml"] = (
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
            "metadata: {name: chat, namespace: inference}\n"
            "spec: {scaleTargetRef: {kind: Deployment, name: chat}, minReplicas: 2, maxReplicas: 6}\n"
        )
    spec = json.loads(json.dumps(SPEC))
    spec["spec"]["operations"]["scaling"]["strategy"] = strategy
    report = compare([("chat", "chat", spec)], observe(tmp_path, files), Settings(now=NOW))
    assert rows_of(report)["autoscaling"].verdict == verdict


@pytest.mark.parametrize(
    ("replicas", "verdict"), [("1", DRIFT), ("2", MATCH), ("6", MATCH), ("7", DRIFT)]
)
def test_running_replicas_against_the_declared_range(
    tmp_path: Path, replicas: str, verdict: str
) -> None:
    observations = observe(tmp_path, {"chat.yaml": manifest(replicas=replicas)})
    report = compare([("chat", "chat", SPEC)], observations, Settings(now=NOW))
    assert rows_of(report)["replicas"].verdict == verdict


def test_facts_older_than_the_stale_age_are_flagged_not_judged_differently() -> None:
    observations = read_observed([str(OBSERVED / "real-scan.json")])
    specs = load_roots([CATALOG], base=FIXTURES)
    chat = next(s for s in specs if s.name == "chat")
    fresh = compare([("c", "chat", chat.data)], observations, Settings(now=NOW))
    old = compare(
        [("c", "chat", chat.data)],
        observations,
        Settings(now=NOW + dt.timedelta(days=8), stale_after=parse_duration("7d")),
    )
    assert not any(r.stale for r in fresh.models["c"].rows)
    assert all(r.stale for r in old.models["c"].rows if r.fact and r.fact.observed_at)
    assert [r.verdict for r in fresh.models["c"].rows] == [r.verdict for r in old.models["c"].rows]


def test_source_date_epoch_pins_the_clock(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert Settings().clock() == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)


def test_durations() -> None:
    assert parse_duration("7d") == 7 * 86400
    assert parse_duration("36h") == 36 * 3600
    assert parse_duration(90) == 90
    with pytest.raises(ValueError, match="duration"):
        parse_duration("soon")


# --- linking -----------------------------------------------------------------------------


def test_label_then_map_then_name(tmp_path: Path) -> None:
    files = {
        "a.yaml": manifest("chat-blue", labels="{modelspec/name: chat}"),
        "b.yaml": manifest("chat-green"),
        "c.yaml": manifest("chat"),
        "d.yaml": manifest("embed", labels="{modelspec/name: chat}"),  # the label wins
        "e.yaml": manifest("stray"),
    }
    settings = Settings(now=NOW, workloads={"ns/inference/Deployment/chat-green": "chat"})
    specs = [("chat", "chat", SPEC), ("embed", "embed", SPEC)]
    report = compare(specs, observe(tmp_path, files), settings)
    how = {w.workload.name: w.matched_by for w in report.models["chat"].workloads}
    assert how == {
        "chat-blue": "modelspec/name label",
        "chat-green": "map in mkdocs.yml",
        "chat": "name",
        "embed": "modelspec/name label",
    }
    assert report.models["embed"].workloads == []
    assert report.models["embed"].status == "not seen"
    assert [w.name for w in report.unmatched] == ["stray"]


def test_a_label_naming_no_spec_is_reported_and_listed(tmp_path: Path) -> None:
    files = {"a.yaml": manifest("chat", labels="{modelspec/name: chatt}")}
    report = compare([("chat", "chat", SPEC)], observe(tmp_path, files), Settings(now=NOW))
    assert [w.name for w in report.unmatched] == ["chat"]  # not linked by name either
    (diagnostic,) = report.diagnostics
    assert diagnostic.code is Code.OBSERVED_UNKNOWN_SPEC
    assert "'chatt' names no spec" in diagnostic.message
    assert (diagnostic.file, diagnostic.line) == ("observed/a.yaml", 2)


def test_the_label_key_is_configurable(tmp_path: Path) -> None:
    observe(tmp_path, {"a.yaml": manifest("x", labels="{models.example.com/spec: chat}")})
    key = "models.example.com/spec"
    observations = read_observed([str(tmp_path / "observed")], link_key=key)
    report = compare([("chat", "chat", SPEC)], observations, Settings(link_key=key))
    assert [w.matched_by for w in report.models["chat"].workloads] == [f"{key} label"]


# --- the site ----------------------------------------------------------------------------


def fixture_site() -> Site:
    specs = load_roots([CATALOG], base=FIXTURES)
    observations = read_observed([str(OBSERVED)], base=str(FIXTURES))
    return Site(
        build_catalog(specs, [CATALOG]), Options(drift=Settings(now=NOW)), observed=observations
    )


def section(markdown: str) -> str:
    """The "Declared vs running" section of a model page."""
    found = re.search(r"^## Declared vs running\n.*?(?=^## )", markdown, re.MULTILINE | re.DOTALL)
    assert found, markdown
    return found.group(0)


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return {page.src_uri: page.content for page in fixture_site().pages()}


@pytest.mark.parametrize("name", ["drift.md", "chat.md", "guard.md", "embed.md"])
def test_golden(generated: dict[str, str], name: str) -> None:
    text = generated[f"models/{name}"]
    if name != "drift.md":
        text = section(text)  # the rest of a model page has golden files of its own
    golden = GOLDEN / name
    if os.environ.get("MODELSPEC_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_without_observed_data_nothing_changes_on_a_model_page() -> None:
    specs = load_roots([CATALOG], base=FIXTURES)
    site = Site(build_catalog(specs, [CATALOG]), Options())
    pages = {p.src_uri: p.content for p in site.pages()}
    assert "Declared vs running" not in pages["models/chat.md"]
    assert "| Running |" not in pages["models/index.md"]
    assert "reads no observed data" in pages["models/drift.md"]
    exported = site.export()
    assert exported["unmatched"] == []
    assert exported["observed"] is None
    assert all(m["observed"] is None for m in exported["models"])


def catalog_running(markdown: str) -> dict[str, str]:
    """Model -> the Running column of the catalog table."""
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    column = header.index("Running")
    found = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = re.match(r"\[(.+?)\]", cells[0])
        running = re.match(r"\[(.+?)\]", cells[column])
        assert name, line
        assert running, line
        found[name.group(1)] = running.group(1)
    return found


def test_model_pages_drift_page_catalog_and_models_json_agree() -> None:
    """Each surface shows the same status and the same drifting fields for every model,
    on the demo's specs and observed data."""
    specs = load_roots([ROOT / "specs"], base=ROOT)
    observations = read_observed([str(ROOT / "observed")], base=str(ROOT))
    settings = Settings(now=NOW, workloads=_demo_map())
    site = Site(
        build_catalog(specs, [ROOT / "specs"]), Options(drift=settings), observed=observations
    )
    pages = {p.src_uri: p.content for p in site.pages()}
    exported = json.loads(json.dumps(site.export()))
    labels = {"drift": "drift", "match": "as declared", "not seen": "not seen"}
    by_json = {m["name"]: m["observed"] for m in exported["models"]}
    # The catalog column.
    assert catalog_running(pages["models/index.md"]) == {
        name: labels[o["status"]] for name, o in by_json.items()
    }
    drift_page = md_links(pages["models/drift.md"])
    drifting_rows = [
        line
        for line in drift_page.split("## Declared, not seen")[0].splitlines()
        if line.startswith("| [")
    ]
    from_page = sorted(
        (re.match(r"\| \[(.+?)\]", line).group(1), line.split(" | ")[1]) for line in drifting_rows
    )
    from_json = []
    for name, observed in by_json.items():
        view = site.find(name)
        model_section = section(pages[f"models/{view.slug}.md"])
        fields = [f for f in observed["fields"] if f["verdict"] == "drift"]
        # The model page: its summary counts the same drifting fields, row by row.
        assert pipe_rows(model_section).count("| <strong>drift</strong> |") == len(fields), name
        if observed["status"] == "not seen":
            assert "**Not seen running.**" in model_section
            assert (
                f"[{name}]("
                in drift_page.split("## Declared, not seen running")[1].split("## Running, not")[0]
            )
        elif observed["status"] == "match":
            assert "**Running as declared:**" in model_section
            assert f"[{name}](" in drift_page.split("## Running as declared")[1]
        from_json += [(name, _label(f["field"])) for f in fields]
    assert from_page == sorted(from_json)
    assert len(from_page) == 3  # the demo's planted drifts
    # Workloads no spec declares: the page and models.json list the same.
    unmatched = drift_page.split("## Running, not declared")[1].split("## Running as declared")[0]
    assert [w["name"] for w in exported["unmatched"]] == re.findall(
        r"^\| (\S+) \(", unmatched, re.MULTILINE
    )


def _label(field_id: str) -> str:
    from mkdocs_modelspec.drift import FIELDS

    return next(f.label for f in FIELDS if f.id == field_id)


def _demo_map() -> dict[str, str]:
    config, _ = plugin_options(ROOT / "mkdocs.yml")
    return dict(config.drift.workloads)


def test_bad_observed_input_never_changes_a_spec_nor_loses_a_page(tmp_path: Path) -> None:
    specs = load_roots([CATALOG], base=FIXTURES)
    clean = Site(build_catalog(specs, [CATALOG]), Options())
    observations = observe(
        tmp_path,
        {
            "broken.json": '{"schemaVersion": "piqc-scan.v0.1", "objects": [',
            "old.json": '{"schemaVersion": "piqc-scan.v0.0", "objects": []}',
            "chat.yaml": manifest() + "---\nkind: Deployment\nmetadata: {name: x}\n",
        },
    )
    site = Site(
        build_catalog(load_roots([CATALOG], base=FIXTURES), [CATALOG]),
        Options(drift=Settings(now=NOW)),
        observed=observations,
    )
    assert [(v.name, v.valid) for v in site.views] == [(v.name, v.valid) for v in clean.views]
    assert site.export()["diagnostics"] == clean.export()["diagnostics"]
    pages = {p.src_uri: p.content for p in site.pages()}
    assert set(pages) == {p.src_uri for p in clean.pages()}
    problems = pages["models/problems.md"].split("## Observed data")[1]
    for where in (
        "observed/broken.json&#58;1&#58;",
        "observed/old.json&#58;1&#58;",
        "observed/chat.yaml&#58;22&#58;",
    ):
        assert f"<code>{where}" in problems, problems
    assert "<code>observed-schema-version</code>" in problems
    assert "<code>observed-no-containers</code>" in problems


# --- the command line ----------------------------------------------------------------------

DRIFT_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): drift: \[(?P<field>[a-z-]+)\] "
    r"declared (?P<declared>.+), running (?P<running>.+) \((?P<source>.+)\)$"
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_demo_prints_its_planted_drifts_and_exits_1(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    status, out, _ = run(capsys, "drift", "specs/", "--observed", "observed/")
    assert status == 1
    found = [DRIFT_LINE.match(line) for line in out.splitlines() if ": drift: " in line]
    assert all(found), out
    planted = {(m["file"], m["field"], m["declared"], m["running"]) for m in found if m}
    assert planted == {
        (
            "specs/trust-safety/output-moderation.modelspec.yaml",
            "accelerator-type",
            "a100-40gb",
            "NVIDIA A100-SXM4-80GB",
        ),
        (
            "specs/support-assistant/rag-chat.modelspec.yaml",
            "max-sequence-length",
            "32,768",
            "16,384",
        ),
        ("specs/search/cross-encoder-reranker.modelspec.yaml", "replicas", "3..12", "2..20"),
    }
    # Each line points at the declared field.
    spec_lines = (ROOT / "specs/support-assistant/rag-chat.modelspec.yaml").read_text().splitlines()
    rag = next(m for m in found if m and m["field"] == "max-sequence-length")
    assert spec_lines[int(rag["line"]) - 1].strip() == "maxSequenceLengthTokens: 32768"
    assert "not declared: ns/sandbox/deployment/llama-playground" in out
    assert out.splitlines()[-1].startswith("16 specs: 3 with drift (3 fields)")


def test_json_output_has_every_verdict_and_the_shape_of_models_json(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    status, out, _ = run(capsys, "drift", "--format", "json")  # observed: from mkdocs.yml
    assert status == 1
    document = json.loads(out)
    verdicts = {f["verdict"] for m in document["models"] for f in m["observed"]["fields"]}
    assert verdicts == set(VERDICTS)
    statuses = {m["observed"]["status"] for m in document["models"]}
    assert statuses == {"drift", "match", "not seen"}
    field = next(f for m in document["models"] for f in m["observed"]["fields"])
    assert set(field) >= {
        "field",
        "declared",
        "observed",
        "verdict",
        "source",
        "confidence",
        "observedAt",
    }
    assert [w["id"] for w in document["unmatched"]] == ["ns/sandbox/deployment/llama-playground"]
    # The same data as the site's models.json.
    status, exported, _ = run(capsys, "export")
    models = {m["name"]: m["observed"] for m in json.loads(exported)["models"]}
    for model in document["models"]:
        assert _without_ages(model["observed"]) == _without_ages(models[model["name"]])


def _without_ages(observed: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(observed).replace('"stale": true', '"stale": false'))


def test_no_drift_exits_0(capsys, tmp_path: Path) -> None:
    spec_dir = tmp_path / "specs"
    spec_dir.mkdir()
    shutil.copy(CATALOG / "rag" / "chat.modelspec.yaml", spec_dir)
    status, out, _ = run(
        capsys, "drift", str(spec_dir), "--observed", str(OBSERVED / "real-scan.json")
    )
    assert status == 0, out
    assert "1 spec: 0 with drift (0 fields), 1 running as declared" in out


def test_usage_errors_exit_2(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    status, _, err = run(capsys, "drift", "specs")
    assert status == 2
    assert "no observed data" in err
    status, _, err = run(capsys, "drift", "specs", "--observed", "nowhere")
    assert (status, "no such file or folder: nowhere" in err) == (2, True)


def test_an_unreadable_observed_file_fails_the_command(capsys, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{")
    status, out, _ = run(capsys, "drift", str(CATALOG), "--observed", str(tmp_path / "broken.json"))
    assert status == 1
    assert "error: [observed-syntax]" in out


# --- never published -------------------------------------------------------------------------

TOKENS = (
    "sk-SECRET-OBJECT-must-never-show",  # a Secret object
    "tok-ENV-VALUE-must-never-show",  # an environment variable's value
    "hf_SNAPSHOT_TOKEN_must_never_show",  # piqc's podSpecSnapshot
)


def test_secrets_never_reach_any_output(tmp_path: Path, capsys, monkeypatch) -> None:
    root = make_site(
        tmp_path / "site",
        CATALOG,
        options={"observed": "observed", "history": False},
    )
    shutil.copytree(OBSERVED, root / "observed")
    for text in (
        (OBSERVED / "manifests" / "guard.yaml").read_text(),
        (OBSERVED / "real-scan.json").read_text(),
    ):
        assert any(token in text for token in TOKENS)  # the test holds them
    done = build(root)
    assert done.returncode == 0, done.stderr
    outputs = {"build log": done.stdout + done.stderr}
    for path in (root / "site").rglob("*"):
        if path.is_file():
            outputs[str(path)] = path.read_text(errors="replace")
    monkeypatch.chdir(root)
    for args in (["drift"], ["drift", "--format", "json"], ["export"]):
        _, out, err = run(capsys, *args)
        outputs[" ".join(args)] = out + err
    run(capsys, "generate", str(tmp_path / "generated"))
    for path in (tmp_path / "generated").rglob("*"):
        if path.is_file():
            outputs[str(path)] = path.read_text(errors="replace")
    assert len(outputs) > 20
    assert any("guard" in text and "Declared vs running" in text for text in outputs.values())
    for where, text in outputs.items():
        for token in TOKENS:
            assert token not in text, f"{token} in {where}"


# --- the plugin ---------------------------------------------------------------------------------


def test_drift_is_news_not_a_failure_but_bad_input_fails_strict(tmp_path: Path) -> None:
    guard = (CATALOG / "guard.modelspec.yaml").read_text()
    root = make_site(
        tmp_path,
        {"guard.modelspec.yaml": guard},
        options={"observed": "observed", "history": False},
    )
    shutil.copytree(OBSERVED, root / "observed")
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr  # the guard drifts: that is information
    assert "declared vs running: 1 model with drift" in done.stderr
    (root / "observed" / "broken.json").write_text("{")
    done = build(root, "--strict")
    assert done.returncode == 1
    assert "observed/broken.json:1:2: error: [observed-syntax]" in done.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"drift": {"stale_after": "soon"}}, "duration"),
        ({"drift": {"workloads": {"chat": "chat"}}}, "not a workload id"),
        ({"observed": []}, "non-empty"),
    ],
)
def test_bad_drift_options_are_config_errors(tmp_path: Path, option, message: str) -> None:
    root = make_site(tmp_path, CATALOG, options=option)
    done = build(root)
    assert done.returncode == 1
    assert message in done.stderr


HOSTILE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "chat"
  namespace: "ns<img src=x onerror=window.pwned=1>"
  labels: {modelspec/name: chat}
spec:
  replicas: "<script>window.pwned=1</script>"
  template:
    spec:
      nodeSelector: {nvidia.com/gpu.product: "[x](javascript:window.pwned=1)"}
      containers:
        - name: vllm
          image: "vllm/vllm-openai:<script>window.pwned=1</script>"
          args: ["--model", "<iframe src=javascript:window.pwned=1>", "--dtype", "{: onclick=window.pwned=1 }"]
          resources: {limits: {nvidia.com/gpu: 1}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: "<script>window.pwned=1</script>", namespace: x}
spec:
  template:
    spec:
      containers: [{name: a, image: "vllm/vllm-openai:1", args: ["--model", "<img src=x onerror=window.pwned=1>"]}]
"""


def test_hostile_observed_values_reach_pages_only_as_text(tmp_path: Path) -> None:
    from test_build import assert_inert

    from sites import read_page

    root = make_site(
        tmp_path,
        {
            "chat.modelspec.yaml": (CATALOG / "guard.modelspec.yaml")
            .read_text()
            .replace("guard", "chat")
        },
        theme="material",
        options={"observed": "observed", "history": False},
    )
    (root / "observed").mkdir()
    (root / "observed" / "hostile.yaml").write_text(HOSTILE)
    done = build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for url in ("models/drift/", "models/chat/", "models/", "models/problems/"):
        assert_inert(site, url)
    shown = read_page(site, "models/chat/").text
    assert "<iframe src=javascript:window.pwned=1>" in shown  # shown, as text
