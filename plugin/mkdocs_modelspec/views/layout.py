"""Where each field of the format shows on a model page, and under which label.

The fields themselves come from the format (:func:`~.fields.schema_fields`, generated
from ``format.py``): this module only adds how a reader sees them. A test checks that
every field of the format has a label here, so a field added to the format cannot be
missing from the pages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .fields import schema_fields


@dataclass(frozen=True)
class Label:
    """How a field is shown."""

    text: str
    unit: str = ""
    """Written after a number (``GB``, ``ms``)."""
    style: str = "text"
    """``text``; ``code`` (identifiers, paths); ``uri`` (code, a link when it is a web
    address); ``link`` (text, a link when it is a web address); ``money`` (US
    dollars); ``port`` (a number shown without digit grouping); ``model`` (a path to
    another spec: the model it names, then the path; the last column of its list)."""


#: Every field of the format, by its path in the schema (list items as ``[]``).
LABELS: dict[str, Label] = {
    "apiVersion": Label("Format version", style="code"),
    "kind": Label("Kind", style="code"),
    "metadata": Label("Metadata"),
    "metadata.name": Label("Name"),
    "metadata.version": Label("Version"),
    "metadata.description": Label("Description"),
    "metadata.labels": Label("Labels", style="link"),
    "metadata.annotations": Label("Annotations", style="link"),
    "spec": Label("Spec"),
    "spec.identity": Label("Identity"),
    "spec.identity.model": Label("Model"),
    "spec.identity.model.id": Label("Model id", style="code"),
    "spec.identity.model.family": Label("Family"),
    "spec.identity.model.task": Label("Task"),
    "spec.identity.model.framework": Label("Framework"),
    "spec.identity.model.precision": Label("Precision"),
    "spec.identity.model.artifacts": Label("Artifacts"),
    "spec.identity.model.artifacts.modelUri": Label("Model weights", style="uri"),
    "spec.identity.model.artifacts.tokenizerUri": Label("Tokenizer", style="uri"),
    "spec.runtime": Label("Runtime"),
    "spec.runtime.accelerator": Label("Accelerator"),
    "spec.runtime.accelerator.vendor": Label("Accelerator vendor"),
    "spec.runtime.accelerator.type": Label("Accelerator type"),
    "spec.runtime.accelerator.count": Label("Accelerators per replica"),
    "spec.runtime.batch": Label("Batching"),
    "spec.runtime.batch.maxBatchSize": Label("Max batch size", "requests"),
    "spec.runtime.batch.maxSequenceLengthTokens": Label("Max sequence length", "tokens"),
    "spec.runtime.resources": Label("Resources"),
    "spec.runtime.resources.cpuCores": Label("CPU cores"),
    "spec.runtime.resources.memoryGb": Label("Memory", "GB"),
    "spec.runtime.resources.ephemeralStorageGb": Label("Ephemeral storage", "GB"),
    "spec.runtime.environment": Label("Environment"),
    "spec.runtime.environment.variables": Label("Environment variables", style="code"),
    "spec.operations": Label("Operations"),
    "spec.operations.serving": Label("Serving"),
    "spec.operations.serving.protocol": Label("Protocol"),
    "spec.operations.serving.port": Label("Port", style="port"),
    "spec.operations.serving.readinessProbe": Label("Readiness probe"),
    "spec.operations.serving.readinessProbe.path": Label("Readiness probe path", style="code"),
    "spec.operations.serving.readinessProbe.timeoutSeconds": Label("Readiness probe timeout", "s"),
    "spec.operations.serving.livenessProbe": Label("Liveness probe"),
    "spec.operations.serving.livenessProbe.path": Label("Liveness probe path", style="code"),
    "spec.operations.serving.livenessProbe.timeoutSeconds": Label("Liveness probe timeout", "s"),
    "spec.operations.serving.maxConcurrency": Label("Max concurrency", "requests per replica"),
    "spec.operations.serving.timeoutSeconds": Label("Request timeout", "s"),
    "spec.operations.scaling": Label("Scaling"),
    "spec.operations.scaling.minReplicas": Label("Minimum replicas"),
    "spec.operations.scaling.maxReplicas": Label("Maximum replicas"),
    "spec.operations.scaling.strategy": Label("Strategy"),
    "spec.operations.scaling.targetLatencyMsP95": Label("Latency target (p95)", "ms"),
    "spec.operations.scaling.targetRps": Label("Throughput target", "requests/s"),
    "spec.operations.scaling.warmPool": Label("Warm pool"),
    "spec.operations.scaling.warmPool.size": Label("Warm pool size", "replicas"),
    "spec.operations.scaling.warmPool.strategy": Label("Warm pool strategy"),
    "spec.operations.observability": Label("Observability"),
    "spec.operations.observability.metrics": Label("Metrics"),
    "spec.operations.observability.metrics.enabled": Label("Metrics exported"),
    "spec.operations.observability.metrics.provider": Label("Metrics provider"),
    "spec.operations.observability.metrics.port": Label("Metrics port", style="port"),
    "spec.operations.observability.logging": Label("Logging"),
    "spec.operations.observability.logging.level": Label("Log level"),
    "spec.operations.observability.tracing": Label("Tracing"),
    "spec.operations.observability.tracing.enabled": Label("Requests traced"),
    "spec.pipeline": Label("Pipeline"),
    "spec.pipeline.preprocess": Label("Preprocessing"),
    "spec.pipeline.preprocess.steps": Label("Preprocessing steps"),
    "spec.pipeline.preprocess.steps[].name": Label("Step"),
    "spec.pipeline.preprocess.steps[].type": Label("Type"),
    "spec.pipeline.preprocess.steps[].enabled": Label("Enabled"),
    "spec.pipeline.postprocess": Label("Postprocessing"),
    "spec.pipeline.postprocess.steps": Label("Postprocessing steps"),
    "spec.pipeline.postprocess.steps[].name": Label("Step"),
    "spec.pipeline.postprocess.steps[].type": Label("Type"),
    "spec.pipeline.postprocess.steps[].enabled": Label("Enabled"),
    "spec.pipeline.dependencies": Label("Dependencies"),
    "spec.pipeline.dependencies[].id": Label("Dependency"),
    "spec.pipeline.dependencies[].role": Label("Role"),
    "spec.pipeline.dependencies[].specRef": Label("Spec", style="model"),
    "spec.pipeline.dependencies[].required": Label("Required"),
    "spec.pipeline.dependencies[].interface": Label("Interface"),
    "spec.pipeline.dependencies[].interface.inputType": Label("Input"),
    "spec.pipeline.dependencies[].interface.outputType": Label("Output"),
    "spec.pipeline.dependencies[].interface.maxLatencyMs": Label("Latency budget", "ms"),
    "spec.governance": Label("Governance"),
    "spec.governance.compliance": Label("Compliance"),
    "spec.governance.compliance.pii": Label("Personal data (PII)"),
    "spec.governance.compliance.pii.allowed": Label("PII allowed"),
    "spec.governance.compliance.pii.policy": Label("PII policy"),
    "spec.governance.compliance.retention": Label("Retention"),
    "spec.governance.compliance.retention.logsDays": Label("Log retention", "days"),
    "spec.governance.compliance.retention.artifactsDays": Label("Artifact retention", "days"),
    "spec.governance.compliance.governance": Label("Approval and ownership"),
    "spec.governance.compliance.governance.changeApproval": Label("Change approval"),
    "spec.governance.compliance.governance.owner": Label("Accountable owner"),
    "spec.governance.cost": Label("Cost"),
    "spec.governance.cost.targetCostPer1kTokensUsd": Label(
        "Cost target", "per 1,000 tokens", style="money"
    ),
    "spec.governance.cost.pricingHints": Label("Pricing hints"),
    "spec.governance.cost.pricingHints.cloudProvider": Label("Cloud provider"),
    "spec.governance.cost.pricingHints.instanceType": Label("Instance type", style="code"),
    "spec.governance.cost.pricingHints.spotAllowed": Label("Spot capacity allowed"),
}

#: The sections of a model page that show fields of the format, in page order:
#: (anchor, title, the fields each one shows). The anchors are stable: other pages
#: link to ``<model page>#hardware``. ``metadata.name`` and ``metadata.description``
#: are the page's title and first paragraphs.
FIELD_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("identity", "Identity", ("spec.identity.model",)),
    ("hardware", "Hardware", ("spec.runtime",)),
    ("serving", "Serving", ("spec.operations.serving",)),
    ("scaling", "Scaling", ("spec.operations.scaling",)),
    ("observability", "Observability", ("spec.operations.observability",)),
    ("pipeline", "Pipeline", ("spec.pipeline.preprocess", "spec.pipeline.postprocess")),
    ("dependencies", "Dependencies", ("spec.pipeline.dependencies",)),
    ("governance", "Governance", ("spec.governance",)),
    (
        "labels-and-annotations",
        "Labels and annotations",
        ("metadata.labels", "metadata.annotations"),
    ),
)
#: Fields shown outside the sections: in the page's title and header.
HEADER_FIELDS = ("metadata.name", "metadata.description", "metadata.version", "apiVersion", "kind")


@dataclass(frozen=True)
class Node:
    """A field of the format, with what the page needs to know of it."""

    path: str
    key: str
    """Its key in the YAML (``maxBatchSize``); ``[]`` for the items of a list."""
    kind: str
    """``scalar``, ``object`` (fixed fields), ``map`` (free keys, text values) or
    ``list`` (of objects)."""
    required: bool
    default: Any
    children: tuple[Node, ...]
    label: Label


@functools.cache
def tree() -> dict[str, Node]:
    """Every field of the format as a :class:`Node`, by path."""
    rows = list(schema_fields())
    children: dict[str, list[str]] = {}
    for path, _, _ in rows:
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        children.setdefault(parent.removesuffix("[]"), []).append(path)
    nodes: dict[str, Node] = {}
    for path, definition, required in reversed(rows):  # children first
        kind = "scalar"
        if definition.get("type") == "array":
            kind = "list"
        elif definition.get("type") == "object":
            kind = "object" if "properties" in definition else "map"
        nodes[path] = Node(
            path=path,
            key=path.rsplit(".", 1)[-1],
            kind=kind,
            required=required,
            default=definition.get("default"),
            children=tuple(nodes[c] for c in children.get(path, [])),
            label=LABELS[path],
        )
    return {path: nodes[path] for path, _, _ in rows}


def section_of(path: str) -> str | None:
    """The anchor of the section that shows ``path`` (None: the page's header)."""
    for anchor, _, roots in FIELD_SECTIONS:
        if any(path == root or path.startswith((root + ".", root + "[]")) for root in roots):
            return anchor
    return None
