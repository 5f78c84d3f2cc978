"""The ModelSpec format (`apiVersion: piqc.ai/v1alpha1`, `kind: ModelSpec`) as pydantic models.

This module holds the format and nothing else. The models accept exactly what the
published JSON Schema accepts: every object forbids unknown keys, every type is
strict (`count: "4"` is an error, not 4), every bound and enum is kept. Two details
follow JSON Schema rather than Python habits:

* an ``integer`` field also accepts a float with no fractional part (JSON Schema's
  ``integer`` does: ``1.0`` is an integer there); it is stored as an ``int``;
* a ``number`` field accepts integers, never booleans.

The attribute docstring under each field is its description: it reaches the
generated JSON Schema (``modelspec schema``) and the field reference page, so the
validator and the documentation can never drift apart.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    WithJsonSchema,
)

if TYPE_CHECKING:
    from typing import Optional as Omittable
else:

    class Omittable:
        """A field that may be left out but, when present, must hold a value.

        The published schema has no nullable field: ``port: ~`` is an error, not "no
        port". Type checkers see ``Optional[X]`` (the attribute is None when the key
        is absent); pydantic sees ``X``, so an explicit null fails validation, while
        the default (None) is never validated.
        """

        def __class_getitem__(cls, item: Any) -> Any:
            return item


API_VERSION = "piqc.ai/v1alpha1"
KIND = "ModelSpec"


def _integral(value: float) -> int:
    if not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


def _int(minimum: int | None = None, maximum: int | None = None) -> Any:
    """A JSON Schema ``integer`` with optional bounds (see the module docstring)."""
    schema: dict[str, Any] = {"type": "integer"}
    bounds: dict[str, int] = {}
    if minimum is not None:
        schema["minimum"] = minimum
        bounds["ge"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
        bounds["le"] = maximum
    return Annotated[
        StrictInt | Annotated[StrictFloat, AfterValidator(_integral)],
        Field(**bounds),  # type: ignore[call-overload]
        WithJsonSchema(schema),
    ]


def _number(minimum: float = 0) -> Any:
    """A JSON Schema ``number`` (integers welcome, booleans not) with a lower bound."""
    return Annotated[
        StrictInt | StrictFloat,
        Field(ge=minimum),
        WithJsonSchema({"type": "number", "minimum": minimum}),
    ]


if TYPE_CHECKING:  # what the validated values are
    Count = int
    NonNegativeInt = int
    Port = int
    NonNegativeNumber = float
else:  # how they are validated and described in the schema
    Count = _int(minimum=1)
    NonNegativeInt = _int(minimum=0)
    Port = _int(minimum=1, maximum=65535)
    NonNegativeNumber = _number(minimum=0)


class FormatModel(BaseModel):
    """Shared configuration of every object of the format."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        # Validators are built on first use, all in one piece for ModelSpec; and the
        # field docstrings are read only when a schema is generated (see
        # ``field_docs``). Together this halves the start-up of `modelspec validate`.
        defer_build=True,
        # The YAML keys are camelCase; Python attributes stay snake_case.
        alias_generator=lambda name: "".join(
            part.capitalize() if i else part for i, part in enumerate(name.split("_"))
        ),
        protected_namespaces=(),
        validate_by_name=False,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


# --- metadata -----------------------------------------------------------------------


class Metadata(FormatModel):
    """Who the spec is: its name, version, description, labels and annotations."""

    name: str
    """Unique name of the spec in the catalog (a human-friendly identifier)."""
    version: Omittable[str] = None
    """Version of this spec (a string: quote date-like values such as "2025-01")."""
    description: Omittable[str] = None
    """One or two sentences on what the model is for."""
    labels: Omittable[dict[str, str]] = None
    """Short key-value labels for grouping and filtering (for example team, environment)."""
    annotations: Omittable[dict[str, str]] = None
    """Free-form key-value notes (for example owner, support channel)."""


# --- spec.identity --------------------------------------------------------------------


class Artifacts(FormatModel):
    """Where the model's files live."""

    model_uri: Omittable[str] = None
    """URI of the model weights (hf://, s3://, gs://, ...)."""
    tokenizer_uri: Omittable[str] = None
    """URI of the tokenizer files."""


class Model(FormatModel):
    """What the model is."""

    id: str
    """Logical model identifier (not a deployment name)."""
    family: str
    """Model family, for grouping and compatibility (for example llama3)."""
    task: str
    """Primary task the model performs (for example text-generation, embedding)."""
    framework: str
    """Runtime framework that loads the model (for example vllm, transformers)."""
    precision: Omittable[str] = None
    """Numeric precision expected at runtime (for example bf16, fp16, int8)."""
    artifacts: Omittable[Artifacts] = None
    """Where the model's weights and tokenizer are stored."""


class Identity(FormatModel):
    """Identity of the model."""

    model: Model
    """The model this spec describes."""


# --- spec.runtime ---------------------------------------------------------------------


class Accelerator(FormatModel):
    """The accelerators one replica needs."""

    vendor: str
    """Accelerator vendor (for example nvidia, amd, google)."""
    type: str
    """Accelerator type (for example a100-80gb, h100, l4, tpu-v5e)."""
    count: Count
    """Number of accelerators per replica (at least 1)."""


class Batch(FormatModel):
    """Batching and sequence limits."""

    max_batch_size: Omittable[Count] = None
    """Upper bound on requests batched together (at least 1)."""
    max_sequence_length_tokens: Omittable[Count] = None
    """Longest sequence, in tokens, the deployment accepts (drives KV-cache memory)."""


class Resources(FormatModel):
    """CPU, memory and disk of one replica."""

    cpu_cores: Omittable[NonNegativeInt] = None
    """CPU cores per replica."""
    memory_gb: Omittable[NonNegativeNumber] = None
    """Host memory per replica, in GB."""
    ephemeral_storage_gb: Omittable[NonNegativeNumber] = None
    """Local scratch storage per replica, in GB."""


class Environment(FormatModel):
    """The runtime environment."""

    variables: Omittable[dict[str, str]] = None
    """Environment variables the runtime expects (string values: quote "false", "1")."""


class Runtime(FormatModel):
    """What the model expects from the runtime."""

    accelerator: Accelerator
    """Accelerators required per replica."""
    batch: Omittable[Batch] = None
    """Batching and sequence limits."""
    resources: Omittable[Resources] = None
    """CPU, memory and storage per replica."""
    environment: Omittable[Environment] = None
    """Environment variables."""


# --- spec.operations ------------------------------------------------------------------


class Probe(FormatModel):
    """An HTTP health probe."""

    path: Omittable[str] = None
    """Path the probe requests (for example /healthz)."""
    timeout_seconds: Omittable[NonNegativeInt] = None
    """Seconds before the probe counts as failed."""


class Serving(FormatModel):
    """How clients reach the model."""

    protocol: Omittable[Literal["http", "grpc"]] = None
    """Wire protocol: http or grpc."""
    port: Omittable[Port] = None
    """Service port (1 to 65535)."""
    readiness_probe: Omittable[Probe] = None
    """Probe that says the model can take traffic."""
    liveness_probe: Omittable[Probe] = None
    """Probe that says the process is alive."""
    max_concurrency: Omittable[Count] = None
    """Requests in flight per replica (at least 1)."""
    timeout_seconds: Omittable[NonNegativeInt] = None
    """Upper bound, in seconds, for handling one request."""


class WarmPool(FormatModel):
    """Replicas kept warm ahead of demand."""

    size: Omittable[NonNegativeInt] = None
    """Number of warm replicas."""
    strategy: Omittable[str] = None
    """How the warm pool is kept (free text)."""


class Scaling(FormatModel):
    """How the deployment scales."""

    min_replicas: Omittable[NonNegativeInt] = None
    """Availability floor: replicas always running."""
    max_replicas: Omittable[NonNegativeInt] = None
    """Capacity and cost ceiling: most replicas ever running."""
    strategy: Omittable[Literal["reactive", "predictive", "manual"]] = None
    """Scaling strategy: reactive, predictive or manual."""
    target_latency_ms_p95: Omittable[NonNegativeNumber] = None
    """Latency objective: 95th percentile, in milliseconds."""
    target_rps: Omittable[NonNegativeNumber] = None
    """Throughput objective, in requests per second."""
    warm_pool: Omittable[WarmPool] = None
    """Replicas kept warm ahead of demand."""


class Metrics(FormatModel):
    """Metrics export."""

    enabled: Omittable[bool] = None
    """Whether the model exports metrics."""
    provider: Omittable[str] = None
    """Metrics system (for example prometheus)."""
    port: Omittable[Port] = None
    """Port the metrics are served on (1 to 65535)."""


class Logging(FormatModel):
    """Logging."""

    level: Omittable[str] = None
    """Expected log level (for example info, warn)."""


class Tracing(FormatModel):
    """Distributed tracing."""

    enabled: Omittable[bool] = None
    """Whether requests are traced."""


class Observability(FormatModel):
    """What the deployment reports."""

    metrics: Omittable[Metrics] = None
    """Metrics export."""
    logging: Omittable[Logging] = None
    """Logging."""
    tracing: Omittable[Tracing] = None
    """Distributed tracing."""


class Operations(FormatModel):
    """How the model is meant to be operated."""

    serving: Omittable[Serving] = None
    """How clients reach the model."""
    scaling: Omittable[Scaling] = None
    """How the deployment scales."""
    observability: Omittable[Observability] = None
    """What the deployment reports."""


# --- spec.pipeline --------------------------------------------------------------------


class Step(FormatModel):
    """One pre- or post-processing step."""

    name: str
    """Name of the step."""
    type: str
    """Kind of step (for example tokenizer, filter, formatter)."""
    enabled: Omittable[bool] = None
    """Whether the step runs."""


class Steps(FormatModel):
    """An ordered list of processing steps."""

    steps: Omittable[list[Step]] = None
    """The steps, in the order they run."""


class Interface(FormatModel):
    """The contract between a model and one dependency."""

    input_type: Omittable[str] = None
    """What the dependency receives (for example text)."""
    output_type: Omittable[str] = None
    """What the dependency returns (for example embedding)."""
    max_latency_ms: Omittable[NonNegativeNumber] = None
    """Latency budget of the dependency, in milliseconds."""


class Dependency(FormatModel):
    """Another model or component this model relies on."""

    id: str
    """Identifier of the dependency within this spec."""
    role: Literal["input", "guardrail", "reranker", "postprocess", "custom"]
    """Role of the dependency: input, guardrail, reranker, postprocess or custom."""
    spec_ref: Omittable[str] = None
    """Path, relative to this spec file, of the dependency's own ModelSpec."""
    required: bool = Field(default=True, json_schema_extra={"default": True})
    """Whether the model cannot serve without it (default true)."""
    interface: Omittable[Interface] = None
    """Input, output and latency budget of the dependency."""


class Pipeline(FormatModel):
    """Processing around the model, and what it depends on."""

    preprocess: Omittable[Steps] = None
    """Steps before the model."""
    postprocess: Omittable[Steps] = None
    """Steps after the model."""
    dependencies: Omittable[list[Dependency]] = None
    """Models and components this model relies on."""


# --- spec.governance ------------------------------------------------------------------


class Pii(FormatModel):
    """Personal data handling."""

    allowed: Omittable[bool] = None
    """Whether personally identifiable information may reach the model."""
    policy: Omittable[str] = None
    """Name of the policy that governs PII."""


class Retention(FormatModel):
    """How long data is kept."""

    logs_days: Omittable[NonNegativeInt] = None
    """Days request logs are kept."""
    artifacts_days: Omittable[NonNegativeInt] = None
    """Days artifacts (inputs, outputs, traces) are kept."""


class GovernanceContacts(FormatModel):
    """Who approves changes and who owns the model."""

    change_approval: Omittable[str] = None
    """Who or what must approve a change (for example a review board)."""
    owner: Omittable[str] = None
    """Accountable owner of the model."""


class Compliance(FormatModel):
    """Compliance rules."""

    pii: Omittable[Pii] = None
    """Personal data handling."""
    retention: Omittable[Retention] = None
    """How long logs and artifacts are kept."""
    governance: Omittable[GovernanceContacts] = None
    """Change approval and ownership."""


class PricingHints(FormatModel):
    """Where and how the model is expected to run, for cost estimates."""

    cloud_provider: Omittable[str] = None
    """Cloud provider (for example aws, gcp)."""
    instance_type: Omittable[str] = None
    """Instance type (for example p4d.24xlarge)."""
    spot_allowed: Omittable[bool] = None
    """Whether spot or preemptible capacity may be used."""


class Cost(FormatModel):
    """Cost objectives."""

    target_cost_per1k_tokens_usd: Omittable[NonNegativeNumber] = Field(
        default=None, alias="targetCostPer1kTokensUsd"
    )
    """Target cost per 1,000 tokens, in US dollars."""
    pricing_hints: Omittable[PricingHints] = None
    """Provider, instance type and spot policy."""


class Governance(FormatModel):
    """The rules the model operates under."""

    compliance: Omittable[Compliance] = None
    """PII, retention, change approval and ownership."""
    cost: Omittable[Cost] = None
    """Cost objectives."""


# --- top level ------------------------------------------------------------------------


class Spec(FormatModel):
    """The body of a ModelSpec."""

    identity: Identity
    """What the model is."""
    runtime: Runtime
    """What the model expects from the runtime."""
    operations: Omittable[Operations] = None
    """How the model is served, scaled and observed."""
    pipeline: Omittable[Pipeline] = None
    """Processing steps and dependencies."""
    governance: Omittable[Governance] = None
    """Compliance and cost rules."""


class ModelSpec(FormatModel):
    """A ModelSpec document."""

    api_version: Literal["piqc.ai/v1alpha1"]
    """Version of the format: piqc.ai/v1alpha1."""
    kind: Literal["ModelSpec"]
    """Kind of document: ModelSpec."""
    metadata: Metadata
    """Name, version, description, labels and annotations."""
    spec: Spec
    """The model's identity, runtime, operations, pipeline and governance."""


@functools.cache  # read once: parsing this file is a tenth of a second
def field_docs() -> dict[str, dict[str, str]]:
    """The docstring under each field, by class name and field name (read from this file)."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields = docs.setdefault(node.name, {})
        body = node.body
        for statement, following in itertools.pairwise(body):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                fields[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


def _models() -> dict[str, type[FormatModel]]:
    found: dict[str, type[FormatModel]] = {}
    pending: list[type[FormatModel]] = [ModelSpec]
    while pending:
        model = pending.pop()
        found[model.__name__] = model
        for field in model.model_fields.values():
            for candidate in (field.annotation, *typing.get_args(field.annotation)):
                for inner in (candidate, *typing.get_args(candidate)):
                    if (
                        isinstance(inner, type)
                        and issubclass(inner, FormatModel)
                        and inner.__name__ not in found
                    ):
                        pending.append(inner)
    return found


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the format, generated from the models above."""
    schema = _drop_null_defaults(ModelSpec.model_json_schema(by_alias=True))
    docs = field_docs()
    models = _models()
    for name, definition in [("ModelSpec", schema), *schema.get("$defs", {}).items()]:
        model = models[name]
        for field_name, field in model.model_fields.items():
            alias = field.alias or field_name
            if field_name in docs.get(name, {}):
                definition["properties"][alias]["description"] = docs[name][field_name]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:mkdocs-modelspec:schema:piqc.ai/v1alpha1",
        **schema,
    }


def _drop_null_defaults(node: Any) -> Any:
    """Omitted fields default to None in Python; in the schema they simply have no default."""
    if isinstance(node, dict):
        return {
            k: _drop_null_defaults(v) for k, v in node.items() if not (k == "default" and v is None)
        }
    if isinstance(node, list):
        return [_drop_null_defaults(v) for v in node]
    return node
