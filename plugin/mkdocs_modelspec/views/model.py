"""The data of one model's page: every field a reader looks for, declared or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..capacity import PARAMETERS_ANNOTATION, gigabytes, parameters_text
from ..catalog import Catalog
from ..diagnostics import Diagnostic
from ..loading import SpecFile
from ..readiness import Result, areas_of
from ..yamlread import source_lines
from . import ModelView, dependency, get, items, mapping, plain_number

#: Sections of a model page, in order: (anchor, title). The anchors are stable:
#: other pages link to ``<model page>#hardware``.
SECTIONS = (
    ("identity", "Identity"),
    ("hardware", "Hardware"),
    ("serving", "Serving"),
    ("scaling", "Scaling"),
    ("observability", "Observability"),
    ("pipeline", "Pipeline"),
    ("dependencies", "Dependencies"),
    ("governance", "Governance"),
    ("ownership", "Ownership"),
    ("readiness", "Readiness"),
    ("source", "Source"),
)


@dataclass
class Row:
    """One field of a section: ``value`` None means the spec does not declare it."""

    label: str
    value: str | None
    style: str = "text"
    """How to show the value: ``text``, ``code`` (identifiers, paths), ``link`` (text,
    a link when it is a web address) or ``uri`` (code, a link when a web address)."""


@dataclass
class Dependency:
    id: str
    role: str | None
    required: bool
    input_type: str | None
    output_type: str | None
    max_latency_ms: str | None
    spec_ref: str | None
    target: ModelView | None
    """The model the specRef points at, when it is in the catalog."""


@dataclass
class User:
    """A model that depends on this one."""

    view: ModelView
    role: str | None
    required: bool


@dataclass
class Step:
    name: str
    type: str | None
    enabled: bool | None


@dataclass
class ModelPage:
    view: ModelView
    sections: dict[str, list[Row]]
    declared: dict[str, bool]
    """Whether the spec has the part of the format each section shows."""
    badges: list[tuple[str, str]]
    glance: list[tuple[str, str | None]]
    """The few facts most readers come for, at the top of the page."""
    tags: list[str]
    diagnostics: list[Diagnostic]
    variables: dict[str, str]
    labels: dict[str, str]
    annotations: dict[str, str]
    preprocess: list[Step]
    postprocess: list[Step]
    dependencies: list[Dependency]
    used_by: list[User]
    source_lines: list[str] = field(default_factory=list)
    readiness: list[tuple[str, list[Result]]] = field(default_factory=list)
    """The readiness checks, by review area (empty when the model was not scored)."""
    estimate: str | None = None
    """The weight estimate, in words, when the spec annotates a parameter count."""
    verdict: str | None = None
    """``fits``, ``tight`` or ``does not fit`` (None without an estimate)."""


def _num(value: Any, unit: str = "") -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None if value is None else str(value)
    return f"{plain_number(value)} {unit}".strip()


def _txt(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _yes_no(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _txt(value)


def _steps(data: Any, path: str) -> list[Step]:
    return [
        Step(
            name=str(step.get("name", "")),
            type=_txt(step.get("type")),
            enabled=step.get("enabled") if isinstance(step.get("enabled"), bool) else None,
        )
        for step in items(data, path)
    ]


def _range(low: Any, high: Any, unit: str = "") -> str | None:
    lo, hi = _num(low), _num(high)
    if lo is None and hi is None:
        return None
    return f"{lo or 'not declared'} to {hi or 'not declared'} {unit}".strip()


def model_page(view: ModelView, catalog: Catalog, views: dict[SpecFile, ModelView]) -> ModelPage:
    """Everything the model page of ``view`` shows."""
    d = view.data

    def g(path: str) -> Any:
        return get(d, path)

    model = "spec.identity.model."
    runtime = "spec.runtime."
    serving = "spec.operations.serving."
    scaling = "spec.operations.scaling."
    obs = "spec.operations.observability."
    gov = "spec.governance."
    sections: dict[str, list[Row]] = {
        "identity": [
            Row("Model id", _txt(g(model + "id")), "code"),
            Row("Family", _txt(g(model + "family"))),
            Row("Task", _txt(g(model + "task"))),
            Row("Framework", _txt(g(model + "framework"))),
            Row("Precision", _txt(g(model + "precision"))),
            Row("Model artifacts", _txt(g(model + "artifacts.modelUri")), "uri"),
            Row("Tokenizer", _txt(g(model + "artifacts.tokenizerUri")), "uri"),
        ],
        "hardware": [
            Row("Accelerator", _accelerator(view)),
            Row("Max batch size", _num(g(runtime + "batch.maxBatchSize"))),
            Row(
                "Max sequence length",
                _num(g(runtime + "batch.maxSequenceLengthTokens"), "tokens"),
            ),
            Row("CPU cores", _num(g(runtime + "resources.cpuCores"))),
            Row("Memory", _num(g(runtime + "resources.memoryGb"), "GB")),
            Row("Ephemeral storage", _num(g(runtime + "resources.ephemeralStorageGb"), "GB")),
            Row("Accelerator memory", _memory(view)),
            Row("Parameters", _parameters(view)),
        ],
        "serving": [
            Row("Protocol", _txt(g(serving + "protocol"))),
            Row("Port", _txt(g(serving + "port"))),
            Row("Readiness probe", _probe(g(serving + "readinessProbe"))),
            Row("Liveness probe", _probe(g(serving + "livenessProbe"))),
            Row("Max concurrency", _num(g(serving + "maxConcurrency"), "requests per replica")),
            Row("Request timeout", _num(g(serving + "timeoutSeconds"), "s")),
        ],
        "scaling": [
            Row("Replicas", _range(g(scaling + "minReplicas"), g(scaling + "maxReplicas"))),
            Row("Strategy", _txt(g(scaling + "strategy"))),
            Row("Latency target (p95)", _num(g(scaling + "targetLatencyMsP95"), "ms")),
            Row("Throughput target", _num(g(scaling + "targetRps"), "requests/s")),
            Row("Warm pool", _warm_pool(g(scaling + "warmPool"))),
        ],
        "observability": [
            Row("Metrics", _metrics(g(obs + "metrics"))),
            Row("Logging level", _txt(g(obs + "logging.level"))),
            Row("Tracing", _yes_no(g(obs + "tracing.enabled"))),
        ],
        "governance": [
            Row("PII allowed", _yes_no(g(gov + "compliance.pii.allowed"))),
            Row("PII policy", _txt(g(gov + "compliance.pii.policy"))),
            Row("Log retention", _num(g(gov + "compliance.retention.logsDays"), "days")),
            Row(
                "Artifact retention",
                _num(g(gov + "compliance.retention.artifactsDays"), "days"),
            ),
            Row("Owner (governance)", _txt(g(gov + "compliance.governance.owner"))),
            Row("Change approval", _txt(g(gov + "compliance.governance.changeApproval"))),
            Row("Cost target", _cost(g(gov + "cost.targetCostPer1kTokensUsd"))),
            Row("Cloud provider", _txt(g(gov + "cost.pricingHints.cloudProvider"))),
            Row("Instance type", _txt(g(gov + "cost.pricingHints.instanceType")), "code"),
            Row("Spot capacity allowed", _yes_no(g(gov + "cost.pricingHints.spotAllowed"))),
        ],
        "ownership": [
            Row("Team", view.team),
            Row("Owner", view.owner),
            Row("Contact", view.contact, "link"),
        ],
        "readiness": _readiness_rows(view),
    }
    declared = {
        "identity": isinstance(g("spec.identity"), dict),
        "hardware": isinstance(g("spec.runtime"), dict),
        "serving": isinstance(g(serving[:-1]), dict),
        "scaling": isinstance(g(scaling[:-1]), dict),
        "observability": isinstance(g(obs[:-1]), dict),
        "pipeline": isinstance(g("spec.pipeline.preprocess"), dict)
        or isinstance(g("spec.pipeline.postprocess"), dict),
        "dependencies": isinstance(g("spec.pipeline.dependencies"), list),
        "governance": isinstance(g("spec.governance"), dict),
        "ownership": any((view.team, view.owner, view.contact)),
        "readiness": view.score is not None,
    }
    badges = [
        (label, value)
        for label, value in (
            ("environment", view.environment),
            ("task", _txt(g(model + "task"))),
            ("framework", _txt(g(model + "framework"))),
            ("precision", _txt(g(model + "precision"))),
        )
        if value
    ]
    tags = [
        t
        for t in (
            _txt(g(model + "family")),
            _txt(g(model + "task")),
            view.team,
            view.accelerator_type,
        )
        if t
    ]
    glance = [
        ("Accelerators", sections["hardware"][0].value),
        ("Replicas", sections["scaling"][0].value),
        ("Team", view.team),
        ("Owner", view.owner),
        ("Contact", view.contact),
    ]
    if view.score is not None:
        glance.append(("Readiness", view.score.level_name))
    return ModelPage(
        view=view,
        sections=sections,
        declared=declared,
        badges=badges,
        glance=glance,
        tags=list(dict.fromkeys(tags)),
        diagnostics=view.spec.diagnostics,
        variables=mapping(d, runtime + "environment.variables"),
        labels=mapping(d, "metadata.labels"),
        annotations=mapping(d, "metadata.annotations"),
        preprocess=_steps(d, "spec.pipeline.preprocess.steps"),
        postprocess=_steps(d, "spec.pipeline.postprocess.steps"),
        dependencies=_dependencies(view, catalog, views),
        used_by=[
            User(views[link.source], *_role(link.source, link.index))
            for link in catalog.dependents.get(view.spec, [])
        ],
        source_lines=source_lines(view.spec.source or ""),
        readiness=areas_of(view.score.results) if view.score else [],
        estimate=_estimate(view),
        verdict=view.capacity.verdict if view.capacity else None,
    )


def _memory(view: ModelView) -> str | None:
    """``80 GB each, 320 GB per replica`` (or why it is unknown)."""
    capacity = view.capacity
    if capacity is None or capacity.match is None:
        return None
    if capacity.memory_gb is None:
        return f"unknown: {capacity.match.problem}"
    shown = f"{gigabytes(capacity.memory_gb)} each"
    if capacity.per_replica_gb is not None and capacity.count != 1:
        shown += f", {gigabytes(capacity.per_replica_gb)} per replica"
    return shown


def _parameters(view: ModelView) -> str | None:
    capacity = view.capacity
    if capacity is None or capacity.parameters_text is None:
        return None
    if capacity.parameters is None:
        return f"{capacity.parameters_text} (not a count: write 70b, 350m or 7000000000)"
    return f"{parameters_text(capacity.parameters)} (annotation {PARAMETERS_ANNOTATION})"


def _estimate(view: ModelView) -> str | None:
    capacity = view.capacity
    if capacity is None or capacity.parameters_text is None:
        return None
    if capacity.estimate_note is not None:
        return f"none, {capacity.estimate_note}."
    assert capacity.parameters is not None
    assert capacity.bytes_per_parameter is not None
    weights = (
        f"{parameters_text(capacity.parameters)} parameters x "
        f"{capacity.bytes_per_parameter:g} bytes ({capacity.precision}) = about "
        f"{gigabytes(capacity.weights_gb)} of weights"
    )
    if capacity.per_replica_gb is None:
        return f"{weights}; the accelerator memory of a replica is unknown."
    share = capacity.share or 0
    return (
        f"{weights}, in {gigabytes(capacity.per_replica_gb)} of accelerator memory "
        f"per replica ({share:.0%})."
    )


def _readiness_rows(view: ModelView) -> list[Row]:
    """One row per check, for embeds (``<!-- modelspec:section NAME readiness -->``)."""
    if view.score is None:
        return []
    rows = [Row("Level", view.score.level_name)]
    for result in view.score.results:
        if result.status == "fail":
            value = f"fails: set {result.field}"
        else:
            value = "passes" if result.status == "pass" else "does not apply"
        rows.append(Row(result.check.title, value))
    return rows


def _accelerator(view: ModelView) -> str | None:
    kind, count, vendor = view.accelerator_type, view.accelerators, view.accelerator_vendor
    if kind is None and vendor is None:
        return None
    shown = f"{vendor} {kind}" if vendor and kind else (kind or vendor or "")
    if count is not None:
        shown += f" x {count} per replica"
    return shown


def _probe(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    path = value.get("path")
    timeout = _num(value.get("timeoutSeconds"), "s")
    parts = [str(path) if path is not None else "no path declared"]
    if timeout:
        parts.append(f"timeout {timeout}")
    return ", ".join(parts)


def _warm_pool(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    size = _num(value.get("size"))
    strategy = _txt(value.get("strategy"))
    shown = f"{size} replicas" if size is not None else "size not declared"
    return f"{shown} ({strategy})" if strategy else shown


def _metrics(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    enabled = value.get("enabled")
    parts = ["enabled" if enabled is True else "disabled" if enabled is False else "not declared"]
    if value.get("provider") is not None:
        parts.append(f"provider {value['provider']}")
    if value.get("port") is not None:
        parts.append(f"port {value['port']}")
    return ", ".join(parts)


def _cost(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _txt(value)
    return f"${plain_number(value)} per 1,000 tokens"


def _role(spec: SpecFile, index: int) -> tuple[str | None, bool]:
    dep = dependency(spec.data, index)
    required = dep.get("required")
    return _txt(dep.get("role")), required if isinstance(required, bool) else True


def _dependencies(
    view: ModelView, catalog: Catalog, views: dict[SpecFile, ModelView]
) -> list[Dependency]:
    links = {link.index: link for link in catalog.links.get(view.spec, [])}
    found = []
    for index, dep in enumerate(items(view.data, "spec.pipeline.dependencies")):
        link = links.get(index)
        interface: dict[str, Any] = (
            dep["interface"] if isinstance(dep.get("interface"), dict) else {}
        )
        required = dep.get("required")
        found.append(
            Dependency(
                id=str(dep.get("id", f"#{index + 1}")),
                role=_txt(dep.get("role")),
                required=required if isinstance(required, bool) else True,
                input_type=_txt(interface.get("inputType")),
                output_type=_txt(interface.get("outputType")),
                max_latency_ms=_num(interface.get("maxLatencyMs"), "ms"),
                spec_ref=_txt(dep.get("specRef")),
                target=views.get(link.target) if link and link.target else None,
            )
        )
    return found
