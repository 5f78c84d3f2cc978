"""Drift: what each spec declares beside what its workloads run. Pure functions.

Linking workloads to specs
--------------------------
Each workload read by ``observed.py`` is linked to at most one spec, by the first
rule that applies:

1. its label or annotation :attr:`Settings.link_key` (``modelspec/name: NAME``)
   names the spec's ``metadata.name``;
2. the site's explicit map (:attr:`Settings.workloads`, ``workloadId -> name``) lists
   it; written on purpose, it wins over a guess from the name;
3. its name equals a spec's ``metadata.name``.

A label or map entry naming no spec is reported (``observed-unknown-spec``) and the
workload is listed as running but not declared, as are the workloads no rule links.
A spec may have several workloads (one per cluster or environment).

Comparing
---------
For each linked workload, each field of :data:`FIELDS` gets a verdict:

* ``match``: the spec and the workload agree, once spellings are normalised;
* ``drift``: they disagree;
* ``not observed``: the spec declares it, the workload gives no fact (or the scan
  could not collect it, or the value says nothing, as ``dtype: auto``);
* ``not declared``: the workload shows a value the spec does not declare.

A field neither declared nor observed is left out. Measured load (latency, requests
per second) is shown beside the declared targets (:data:`LOAD`), never judged. A
fact observed longer ago than :attr:`Settings.stale_after` is flagged stale; its
verdict stands.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .capacity import Accelerators
from .diagnostics import Code, Diagnostic, severity_of, sort_key
from .observed import (
    DEFAULT_LINK_KEY,
    Fact,
    Observations,
    Workload,
    normalise_accelerator,
    normalise_count,
    normalise_cpu,
    normalise_engine,
    normalise_memory,
    normalise_parameters,
    normalise_precision,
    normalise_tokens,
    parse_time,
)
from .views import plain_number

K = TypeVar("K", bound=Hashable)

MATCH, DRIFT, NOT_OBSERVED, NOT_DECLARED = "match", "drift", "not observed", "not declared"
#: The verdicts, in the order pages explain them.
VERDICTS = (MATCH, DRIFT, NOT_OBSERVED, NOT_DECLARED)
#: A model's status: drift on any field, every workload as declared, or no workload.
STATUS_DRIFT, STATUS_MATCH, STATUS_NOT_SEEN = "drift", "match", "not seen"
DEFAULT_STALE_AFTER = 7 * 24 * 3600


@dataclass(frozen=True)
class Settings:
    """The site's drift options."""

    link_key: str = DEFAULT_LINK_KEY
    """The label or annotation on a workload that names its spec."""
    workloads: Mapping[str, str] = field(default_factory=dict)
    """Explicit links: ``ns/<namespace>/<kind>/<name>`` -> spec name."""
    stale_after: float = DEFAULT_STALE_AFTER
    """Seconds after which an observed fact is flagged stale."""
    now: dt.datetime | None = None
    """The time facts are aged against: the build's (``SOURCE_DATE_EPOCH`` when set)."""
    config_file: str = "mkdocs.yml"
    """Where the map is written, for the diagnostics that name an entry."""

    def clock(self) -> dt.datetime:
        if self.now is not None:
            return self.now
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():  # reproducible builds pin the time this way
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Field:
    """One comparable field: what a reader calls it and where the spec declares it."""

    id: str
    """Stable identifier (``max-sequence-length``): in ``models.json`` and CLI lines."""
    label: str
    path: str
    """The spec field (a drift line points at it)."""


FIELDS: tuple[Field, ...] = (
    Field("framework", "Framework (engine)", "spec.identity.model.framework"),
    Field("model-id", "Model id", "spec.identity.model.id"),
    Field("parameters", "Parameters", "metadata.annotations.parameters"),
    Field("precision", "Precision", "spec.identity.model.precision"),
    Field("max-sequence-length", "Max sequence length", "spec.runtime.batch.maxSequenceLengthTokens"),
    Field("max-batch", "Max batch size", "spec.runtime.batch.maxBatchSize"),
    Field("accelerator-vendor", "Accelerator vendor", "spec.runtime.accelerator.vendor"),
    Field("accelerator-type", "Accelerator type", "spec.runtime.accelerator.type"),
    Field("accelerator-count", "Accelerators per replica", "spec.runtime.accelerator.count"),
    Field("replicas", "Replicas", "spec.operations.scaling.minReplicas"),
    Field("autoscaling", "Autoscaling", "spec.operations.scaling.strategy"),
    Field("port", "Serving port", "spec.operations.serving.port"),
    Field("cpu", "CPU request (cores)", "spec.runtime.resources.cpuCores"),
    Field("memory", "Memory request (GB)", "spec.runtime.resources.memoryGb"),
)  # fmt: skip
_FIELD = {f.id: f for f in FIELDS}

#: Measured load shown beside the declared target, if any (``targetLatencyMsP95``,
#: ``targetRps``): (label, fact key, unit).
LOAD: tuple[tuple[str, str, str], ...] = (
    ("Latency p95", "latencyP95Ms", "ms"),
    ("Requests per second", "rps", "RPS"),
    ("GPU utilisation", "gpuUtilPct", "%"),
    ("GPU memory utilisation", "gpuMemUtilPct", "%"),
)


@dataclass(slots=True)
class Row:
    """One field of one workload: declared beside running, and the verdict.

    The values are kept as written; their text is made when a page or the JSON asks
    (a large catalog has a hundred thousand rows, most of them never read twice)."""

    field: Field
    verdict: str
    workload: Workload
    fact: Fact | None
    """The evidence (None when the workload gives no fact for the field)."""
    declared_value: Any = None
    """As the spec writes it (None: not declared)."""
    observed_value: Any = None
    """As the workload gives it (None: not observed)."""
    reading: Any = None
    """How the observed value was read, when a reader should know (``bf16``)."""
    explained: str | None = None
    """What else to say about the value (``from the tensor parallel size``)."""
    stale: bool = False

    @property
    def declared(self) -> str | None:
        return None if self.declared_value is None else _shown(self.declared_value)

    @property
    def observed(self) -> str | None:
        return None if self.observed_value is None else _shown(self.observed_value)

    @property
    def note(self) -> str | None:
        """How the value was read (``read as bf16``), or why it is missing."""
        fact = self.fact
        if self.explained:
            return self.explained
        if fact is not None and fact.value is None:
            return fact.error
        read = _read_as(self.observed_value, self.reading) if self.reading is not None else None
        return read or (fact.note if fact is not None else None)


@dataclass(slots=True)
class Measure:
    """Measured load beside its target (never judged)."""

    label: str
    value: int | float
    target_value: int | float | None
    unit: str
    fact: Fact
    stale: bool = False

    @property
    def observed(self) -> str:
        return _with_unit(self.value, self.unit)

    @property
    def target(self) -> str | None:
        return None if self.target_value is None else _with_unit(self.target_value, self.unit)


#: A row as ``compare`` keeps it: the arguments of :class:`Row`, in its order.
_Cells = tuple[Any, ...]
_CELLS = 9
_VERDICT, _STALE = 1, 8


class WorkloadDrift:
    """One workload beside its spec.

    Its rows are kept as one flat tuple and made into :class:`Row` objects each time
    they are asked for: a large catalog has a hundred thousand rows, and holding each
    as an object for the whole build costs the garbage collector more than making it
    again for the page and ``models.json`` that read it."""

    __slots__ = ("_cells", "load", "matched_by", "stale", "workload")

    def __init__(
        self,
        workload: Workload,
        matched_by: str,
        cells: _Cells,
        load: list[Measure],
        stale: bool,
    ) -> None:
        self.workload = workload
        self.matched_by = matched_by
        """How it was linked: ``label modelspec/name``, ``map``, ``name``."""
        self._cells = cells
        self.load = load
        self.stale = stale
        """Whether its facts are older than the stale age."""

    @property
    def rows(self) -> list[Row]:
        cells = self._cells
        return [Row(*cells[i : i + _CELLS]) for i in range(0, len(cells), _CELLS)]

    @property
    def drifts(self) -> list[Row]:
        cells = self._cells
        return [
            Row(*cells[i : i + _CELLS])
            for i in range(0, len(cells), _CELLS)
            if cells[i + _VERDICT] == DRIFT
        ]

    def count(self, verdict: str) -> int:
        return self._cells[_VERDICT::_CELLS].count(verdict)


@dataclass
class ModelDrift:
    """One spec beside its workloads."""

    workloads: list[WorkloadDrift]

    @property
    def rows(self) -> list[Row]:
        return [r for w in self.workloads for r in w.rows]

    @property
    def drifts(self) -> list[Row]:
        return [r for w in self.workloads for r in w.drifts]

    @property
    def status(self) -> str:
        if not self.workloads:
            return STATUS_NOT_SEEN
        return STATUS_DRIFT if any(w.count(DRIFT) for w in self.workloads) else STATUS_MATCH

    def count(self, verdict: str) -> int:
        return sum(w.count(verdict) for w in self.workloads)


@dataclass
class Report(Generic[K]):
    """Every spec beside what runs, and what runs without a spec."""

    models: dict[K, ModelDrift]
    unmatched: list[Workload]
    """Workloads that run but that no spec declares."""
    diagnostics: list[Diagnostic]
    """Problems in the observed input and in the links."""
    observations: Observations
    settings: Settings
    now: dt.datetime

    @property
    def stale_after(self) -> str:
        return duration_text(self.settings.stale_after)


def compare(
    specs: Iterable[tuple[K, str | None, Any]],
    observations: Observations,
    settings: Settings,
    table: Accelerators | None = None,
) -> Report[K]:
    """Link each workload to a spec and compare them.

    ``specs`` gives, for each spec, a key of the caller's (its view), its
    ``metadata.name`` and its data (read leniently: a spec with problems is compared
    on what it says).
    """
    table = table or Accelerators()
    now = settings.clock()
    spec_list = list(specs)
    by_name: dict[str, K] = {}
    data_of: dict[K, Any] = {}
    for key, name, data in spec_list:
        data_of[key] = data
        if name is not None:
            by_name.setdefault(name, key)
    mapped = {_map_key(k): v for k, v in settings.workloads.items()}
    linked: dict[K, list[WorkloadDrift]] = {key: [] for key, _, _ in spec_list}
    unmatched: list[Workload] = []
    diagnostics = list(observations.diagnostics)
    declared: dict[K, dict[str, Any]] = {}
    stale = _Staleness(settings.stale_after, now)
    for workload in observations.workloads:
        target, how = _link(workload, by_name, mapped, settings, diagnostics)
        if target is None:
            unmatched.append(workload)
            continue
        values = declared.get(target)
        if values is None:
            values = declared[target] = declared_values(data_of[target])
        linked[target].append(_compare(workload, how, values, table, stale))
    diagnostics.sort(key=sort_key)
    return Report(
        models={key: ModelDrift(_ordered(found)) for key, found in linked.items()},
        unmatched=sorted(unmatched, key=lambda w: (w.id, w.context)),
        diagnostics=diagnostics,
        observations=observations,
        settings=settings,
        now=now,
    )


def _ordered(found: list[WorkloadDrift]) -> list[WorkloadDrift]:
    """Workloads with drift first, then by where they run."""
    if len(found) < 2:
        return found  # most specs: nothing to sort
    return sorted(found, key=lambda w: (not w.count(DRIFT), w.workload.context, w.workload.id))


def _map_key(workload_id: str) -> str:
    """Map keys match whatever the letter case of the kind (``Deployment``, ``deployment``)."""
    parts = workload_id.strip().split("/")
    if len(parts) == 4:
        parts[2] = parts[2].lower()
    return "/".join(parts)


def _link(
    workload: Workload,
    by_name: Mapping[str, K],
    mapped: Mapping[str, str],
    settings: Settings,
    diagnostics: list[Diagnostic],
) -> tuple[K | None, str]:
    def unknown(message: str) -> tuple[None, str]:
        code = Code.OBSERVED_UNKNOWN_SPEC
        diagnostics.append(
            Diagnostic(
                workload.file,
                workload.line,
                workload.column,
                severity_of(code),
                code,
                message,
                hint="it is listed as running, not declared; fix the name or add the spec",
            )
        )
        return None, ""

    if workload.link is not None:
        target = by_name.get(workload.link)
        if target is None:
            return unknown(
                f"{workload.id}: its {settings.link_key} {workload.link!r} names no spec"
            )
        return target, f"{settings.link_key} label"
    name = mapped.get(_map_key(workload.id)) if mapped else None
    if name is not None:
        target = by_name.get(name)
        if target is None:
            return unknown(
                f"{workload.id}: the map in {settings.config_file} links it to {name!r}, "
                "which names no spec"
            )
        return target, f"map in {settings.config_file}"
    target = by_name.get(workload.name)
    return (target, "name") if target is not None else (None, "")


# --- comparing one workload ----------------------------------------------------------


def _compare(
    workload: Workload,
    how: str,
    data: dict[str, Any],
    table: Accelerators,
    stale: _Staleness,
) -> WorkloadDrift:
    cells: list[Any] = []
    stale_any = False
    known = stale.known
    for compare_field in _COMPARISONS:
        row = compare_field(data, workload, table)
        if row is None:
            continue
        # Whether its fact is stale: answered once per distinct time (a scan writes few).
        fact = row[3]
        when = fact.observed_at if fact is not None else None
        if when is not None:
            old = known.get(when)
            if old is None:
                old = stale.decide(when)
            if old:
                row = (*row[:_STALE], True)
                stale_any = True
        cells += row
    load = []
    facts = workload.facts
    for label, key, unit in LOAD:
        fact = facts.get(key)
        if fact is None or not _finite(fact.value):
            continue
        load.append(Measure(label, fact.value, data.get(key), unit, fact, stale(fact)))
    return WorkloadDrift(workload, how, tuple(cells), load, stale_any)


class _Staleness:
    """Whether a fact is stale, answered once per distinct time (a scan writes few)."""

    def __init__(self, limit: float, now: dt.datetime) -> None:
        self.limit = limit
        self.now = now
        self.known: dict[str, bool] = {}

    def __call__(self, fact: Fact | None) -> bool:
        when = fact.observed_at if fact is not None else None
        if when is None:
            return False
        found = self.known.get(when)
        return self.decide(when) if found is None else found

    def decide(self, when: str) -> bool:
        moment = parse_time(when)
        found = moment is not None and (self.now - moment).total_seconds() > self.limit
        self.known[when] = found
        return found


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:  # the common cases first
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, str | int | float) else None


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):
        return value  # type: ignore[no-any-return]
    return value if _finite(value) else None


def declared_values(data: Any) -> dict[str, Any]:
    """What a spec declares of the compared fields, read leniently and all at once (a
    spec with problems is compared on what it says). Keys: :data:`FIELDS` ids, the
    replica range's ends, the model's URI and the load targets."""
    # Runs once per linked spec: the maps are walked once each, without a call per level.
    top = data if isinstance(data, dict) else _EMPTY
    spec = _in(top, "spec")
    model = _in(_in(spec, "identity"), "model")
    runtime = _in(spec, "runtime")
    accelerator, batch = _in(runtime, "accelerator"), _in(runtime, "batch")
    resources = _in(runtime, "resources")
    operations = _in(spec, "operations")
    serving, scaling = _in(operations, "serving"), _in(operations, "scaling")
    text, number = _text, _number
    return {
        "framework": text(model.get("framework")),
        "model-id": text(model.get("id")),
        "model-uri": text(_in(model, "artifacts").get("modelUri")),
        "parameters": text(_in(_in(top, "metadata"), "annotations").get("parameters")),
        "precision": text(model.get("precision")),
        "max-sequence-length": number(batch.get("maxSequenceLengthTokens")),
        "max-batch": number(batch.get("maxBatchSize")),
        "accelerator-vendor": text(accelerator.get("vendor")),
        "accelerator-type": text(accelerator.get("type")),
        "accelerator-count": number(accelerator.get("count")),
        "min-replicas": number(scaling.get("minReplicas")),
        "max-replicas": number(scaling.get("maxReplicas")),
        "autoscaling": text(scaling.get("strategy")),
        "port": number(serving.get("port")),
        "cpu": number(resources.get("cpuCores")),
        "memory": number(resources.get("memoryGb")),
        "latencyP95Ms": number(scaling.get("targetLatencyMsP95")),
        "rps": number(scaling.get("targetRps")),
    }


_EMPTY: dict[str, Any] = {}


def _in(data: dict[str, Any], key: str) -> dict[str, Any]:
    """``data[key]`` when it is a map, else an empty one (never written to)."""
    found = data.get(key)
    return found if isinstance(found, dict) else _EMPTY


def _row(
    field_id: str,
    workload: Workload,
    declared: Any,
    fact: Fact | None,
    *,
    same: bool | None = None,
    shown: Any = None,
    reading: Any = None,
    note: str | None = None,
) -> _Cells | None:
    """The verdict, from what each side says (the arguments of :class:`Row`); None
    when neither says anything.

    ``shown`` is the observed value as the page shows it (the fact's value when not
    given); ``reading`` is how it was read, when a note should say so."""
    compared = _FIELD[field_id]
    if fact is None or fact.value is None:
        if declared is None:
            return None
        return (compared, NOT_OBSERVED, workload, fact, declared, None, None, None, False)
    observed = fact.value if shown is None else shown
    if declared is None:
        verdict = NOT_DECLARED
    elif same is None:
        verdict = NOT_OBSERVED
    else:
        verdict = MATCH if same else DRIFT
    return (compared, verdict, workload, fact, declared, observed, reading, note, False)


def _shown(value: Any) -> str:
    if type(value) is str:  # the most common case first: this runs for every value shown
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " or ".join(_shown(v) for v in value)
    if isinstance(value, int | float):
        return plain_number(value)
    return str(value)


def _read_as(raw: Any, reading: Any) -> str | None:
    """``read as bf16`` when the normalised reading differs from the text written."""
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)  # "4" is 4: nothing worth a note
    if reading is None or reading == raw or _shown(reading) == _shown(raw).strip():
        return None
    return f"read as {_shown(reading)}"


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _with_unit(value: Any, unit: str) -> str:
    return f"{_shown(value)} {unit}" if unit != "%" else f"{_shown(value)}%"


def _framework(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    declared = data["framework"]
    fact = workload.facts.get("engine")
    if fact is None or fact.value is None:
        return _row("framework", workload, declared, fact)
    observed = normalise_engine(fact.value)
    same = None if observed is None else normalise_engine(declared) == observed
    version = workload.value("engineVersion")
    shown = f"{_shown(fact.value)} {version}" if version else None
    return _row("framework", workload, declared, fact, same=same, shown=shown)


def _model_id(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    declared = data["model-id"]
    fact = workload.facts.get("modelId")
    same, note = None, None
    if fact is not None and isinstance(fact.value, str):
        known = [k for k in (declared, data["model-uri"]) if k]
        same = any(_same_model(fact.value, k) for k in known)
        if not same and fact.value.startswith("/"):
            # A folder in the pod (weights copied to a volume): only its name can be
            # compared, with the last part of the id or of the model's URI.
            last = fact.value.rstrip("/").rsplit("/", 1)[-1].lower()
            same = any(k.rstrip("/").rsplit("/", 1)[-1].lower() == last for k in known)
            note = "a local folder: compared by its name"
    return _row("model-id", workload, declared, fact, same=same, note=note)


def _same_model(observed: str, declared: str) -> bool:
    """Equal, or one a path that ends in the other (``/models/org/name`` and ``org/name``)."""
    a, b = observed.strip().rstrip("/").lower(), declared.strip().rstrip("/").lower()
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _parameters(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    declared = data["parameters"]
    fact = workload.facts.get("parameters")
    if declared is None and fact is None:
        return None
    left = normalise_parameters(declared)
    right = normalise_parameters(fact.value) if fact is not None else None
    same = None if left is None or right is None else math.isclose(left, right, rel_tol=0.05)
    return _row("parameters", workload, declared, fact, same=same)


def _precision(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    declared = data["precision"]
    quantization, dtype = workload.facts.get("quantization"), workload.facts.get("dtype")
    fact, note = dtype, None
    observed = normalise_precision(dtype.value) if dtype is not None else None
    if quantization is not None and normalise_precision(quantization.value) is not None:
        fact, observed = quantization, normalise_precision(quantization.value)
        note = f"quantization {quantization.value}" + (
            f", dtype {dtype.value}" if dtype is not None and dtype.value is not None else ""
        )
    if fact is None or fact.value is None:
        return _row("precision", workload, declared, fact)
    if observed is None:
        note = f"{fact.value}: the engine decides (the model's own precision)"
        return _row("precision", workload, declared, fact, note=note)
    wanted = normalise_precision(declared)
    same = wanted == observed if wanted is not None else str(declared).lower() == observed
    return _row("precision", workload, declared, fact, same=same, reading=observed, note=note)


def _number_row(field_id: str, key: str, reader: Any) -> Any:
    def compare_field(
        data: dict[str, Any], workload: Workload, table: Accelerators
    ) -> _Cells | None:
        declared = data[field_id]
        fact = workload.facts.get(key)
        if fact is None or fact.value is None:
            return _row(field_id, workload, declared, fact)
        observed = reader(fact.value)
        if observed is None:
            note = f"{_shown(fact.value)}: not a value this site can read"
            return _row(field_id, workload, declared, fact, note=note)
        same = None
        if declared is not None:
            same = math.isclose(float(declared), float(observed), rel_tol=0.02)
        return _row(field_id, workload, declared, fact, same=same, reading=round(observed, 2))

    return compare_field


def _vendor(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    declared = data["accelerator-vendor"]
    fact = workload.facts.get("vendor")
    if fact is None:
        kind = workload.facts.get("gpuType")
        guessed = vendor_of(kind.value) if kind is not None else None
        if guessed is not None and kind is not None:
            fact = Fact(
                guessed,
                kind.origin,
                kind.line,
                kind.confidence,
                kind.observed_at,
                kind.collected,
                note="from the accelerator type",
            )
    observed = fact.value if fact is not None else None
    same = None if observed is None or declared is None else declared.strip().lower() == observed
    return _row("accelerator-vendor", workload, declared, fact, same=same)


_VENDOR_WORDS = (
    ("nvidia", ("nvidia", "tesla", "geforce", "quadro")),
    ("amd", ("amd", "instinct", "radeon")),
    ("google", ("tpu",)),
)
_NVIDIA_BASES = frozenset(
    {"t4", "a10", "a10g", "a100", "a30", "a40", "h100", "h200", "l4", "l40", "l40s", "v100", "b200"}
)


def vendor_of(kind: Any) -> str | None:
    """The vendor an accelerator type names (``Tesla T4`` -> ``nvidia``)."""
    values = kind if isinstance(kind, list) else [kind]
    found = {_vendor_of(v) if isinstance(v, str) else None for v in values}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=1024)
def _vendor_of(value: str) -> str | None:
    lowered = value.lower()
    vendor = next((v for v, words in _VENDOR_WORDS if any(w in lowered for w in words)), None)
    if vendor is None:
        base = normalise_accelerator(value).base
        vendor = "nvidia" if base in _NVIDIA_BASES else "amd" if base.startswith("mi") else None
    return vendor


def _accelerator_type(
    data: dict[str, Any], workload: Workload, table: Accelerators
) -> _Cells | None:
    declared = data["accelerator-type"]
    fact = workload.facts.get("gpuType")
    if fact is None or fact.value is None or declared is None:
        return _row("accelerator-type", workload, declared, fact)
    values = fact.value if isinstance(fact.value, list) else [fact.value]
    same = all(isinstance(v, str) and same_accelerator(declared, v, table) for v in values)
    reading = " or ".join(normalise_accelerator(v).text for v in values if isinstance(v, str))
    return _row("accelerator-type", workload, declared, fact, same=same, reading=reading)


def same_accelerator(declared: str, observed: str, table: Accelerators) -> bool:
    """Whether two accelerator type names can be the same device: the same model, and
    no memory size that differs (written in the name or known from the table)."""
    left, right = normalise_accelerator(declared), normalise_accelerator(observed)
    if left.base != right.base:
        return False
    if left.memory is not None and right.memory is not None:
        return left.memory == right.memory
    a, b = table.lookup(declared).memory_gb, table.lookup(observed).memory_gb
    return a is None or b is None or a == b


def _accelerator_count(
    data: dict[str, Any], workload: Workload, table: Accelerators
) -> _Cells | None:
    declared = data["accelerator-count"]
    fact, note = workload.facts.get("gpuCount"), None
    if fact is None or fact.value is None:
        parallel = workload.facts.get("tensorParallel")
        if parallel is not None and parallel.value is not None:
            fact, note = parallel, "from the tensor parallel size"
    if fact is None or fact.value is None:
        return _row("accelerator-count", workload, declared, fact)
    observed = normalise_count(fact.value)
    same = None if declared is None or observed is None else declared == observed
    return _row(
        "accelerator-count", workload, declared, fact, same=same, reading=observed, note=note
    )


def _range_text(low: Any, high: Any) -> str | None:
    if low is not None and high is not None:
        return f"{_shown(low)}..{_shown(high)}"
    if low is not None:
        return f"at least {_shown(low)}"
    if high is not None:
        return f"at most {_shown(high)}"
    return None


def _replicas(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    low, high = data["min-replicas"], data["max-replicas"]
    declared = _range_text(low, high)
    scaled_low, scaled_high = workload.facts.get("minReplicas"), workload.facts.get("maxReplicas")
    shown: Any
    if scaled_low is not None or scaled_high is not None:
        fact = scaled_low or scaled_high
        first = normalise_count(scaled_low.value) if scaled_low is not None else None
        last = normalise_count(scaled_high.value) if scaled_high is not None else None
        shown = _range_text(first, last)
    else:
        fact = workload.facts.get("replicas")
        first = last = normalise_count(fact.value) if fact is not None else None
        shown = first
    if fact is None or fact.value is None:
        return _row("replicas", workload, declared, fact)
    if first is None and last is None:
        note = f"{_shown(fact.value)}: not a number of replicas"
        return _row("replicas", workload, declared, fact, note=note)
    same = None
    if declared is not None:
        same = (low is None or (first is not None and first >= low)) and (
            high is None or (last is not None and last <= high)
        )
    return _row("replicas", workload, declared, fact, same=same, shown=shown)


def _autoscaling(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    declared = data["autoscaling"]
    fact = workload.facts.get("autoscaling")
    if fact is None or fact.value is None:
        return _row("autoscaling", workload, declared, fact)
    enabled = fact.value
    if isinstance(enabled, str):
        enabled = {"true": True, "false": False}.get(enabled.strip().lower(), enabled)
    if not isinstance(enabled, bool):
        return _row("autoscaling", workload, declared, fact)
    metric = workload.value("autoscalingMetric")
    shown = ("an autoscaler" + (f" ({metric})" if metric else "")) if enabled else "none"
    expected = {"reactive": True, "predictive": True, "manual": False}.get(
        (declared or "").strip().lower()
    )
    same = None if expected is None else expected == enabled
    note = (
        "a predictive scaler shows as an autoscaler"
        if declared == "predictive" and enabled
        else None
    )
    return _row("autoscaling", workload, declared, fact, same=same, shown=shown, note=note)


def _port(data: dict[str, Any], workload: Workload, table: Accelerators) -> _Cells | None:
    number = data["port"]
    declared = None if number is None else str(number)  # a port has no thousands separator
    fact = workload.facts.get("port")
    if fact is None or fact.value is None:
        return _row("port", workload, declared, fact)
    values = fact.value if isinstance(fact.value, list) else [fact.value]
    ports = [normalise_count(v) for v in values]
    same = None if number is None or None in ports else number in ports
    shown = " or ".join(str(v) for v in values)
    return _row("port", workload, declared, fact, same=same, shown=shown)


_COMPARISONS = (
    _framework,
    _model_id,
    _parameters,
    _precision,
    _number_row("max-sequence-length", "maxModelLen", normalise_tokens),
    _number_row("max-batch", "maxBatch", normalise_count),
    _vendor,
    _accelerator_type,
    _accelerator_count,
    _replicas,
    _autoscaling,
    _port,
    _number_row("cpu", "cpuRequest", normalise_cpu),
    _number_row("memory", "memoryRequest", normalise_memory),
)  # fmt: skip
assert len(_COMPARISONS) == len(FIELDS)


# --- as data and text ------------------------------------------------------------------


def source(fact: Fact | None, workload: Workload) -> dict[str, Any]:
    """Where a value comes from, as ``models.json`` gives it."""
    found: dict[str, Any] = {"file": workload.file, "workload": workload.id}
    if workload.format == "manifest":
        found["line"] = fact.line if fact is not None and fact.line else workload.line
    if fact is not None:
        found["from"] = fact.origin
        method = fact.method
        if method:
            found["method"] = method
    return found


def source_text(fact: Fact | None, workload: Workload) -> str:
    """``observed/k8s/chat.yaml:31, --max-model-len`` or
    ``observed/prod.json, ns/chat/deployment/chat, vllm.maxModelLen``."""
    if workload.format == "manifest":
        line = fact.line if fact is not None and fact.line else workload.line
        where = f"{workload.file}:{line}"
    else:
        where = f"{workload.file}, {workload.id}"
    return f"{where}, {fact.origin}" if fact is not None else where


def workload_json(workload: Workload) -> dict[str, Any]:
    """A workload as ``models.json`` lists it (its key facts, never anything else)."""
    return {
        "id": workload.id,
        "kind": workload.kind,
        "name": workload.name,
        "namespace": workload.namespace,
        "context": workload.context,
        "format": workload.format,
        "file": workload.file,
        "line": workload.line,
        "observedAt": workload.observed_at,
        "engine": workload.value("engine"),
        "engineVersion": workload.value("engineVersion"),
        "model": workload.value("modelId"),
        "acceleratorType": workload.value("gpuType"),
        "acceleratorCount": workload.value("gpuCount"),
    }


def row_json(row: Row) -> dict[str, Any]:
    fact = row.fact
    return {
        "workload": row.workload.id,
        "context": row.workload.context,
        "field": row.field.id,
        "path": row.field.path,
        "declared": row.declared,
        "observed": row.observed,
        "verdict": row.verdict,
        "note": row.note,
        "source": source(fact, row.workload),
        "confidence": fact.confidence if fact is not None else None,
        "observedAt": fact.observed_at if fact is not None else None,
        "stale": row.stale,
    }


def model_json(model: ModelDrift) -> dict[str, Any]:
    """``observed`` of one model in ``models.json`` (and ``modelspec drift --format json``)."""
    return {
        "status": model.status,
        "workloads": [
            {**workload_json(w.workload), "matchedBy": w.matched_by, "stale": w.stale}
            for w in model.workloads
        ],
        "fields": [row_json(r) for r in model.rows],
        "load": [
            {
                "workload": w.workload.id,
                "metric": m.label,
                "target": m.target,
                "observed": m.observed,
                "source": source(m.fact, w.workload),
                "confidence": m.fact.confidence,
                "observedAt": m.fact.observed_at,
                "stale": m.stale,
            }
            for w in model.workloads
            for m in w.load
        ],
    }


def duration_text(seconds: float) -> str:
    """``604800`` -> ``7 days``; ``7200`` -> ``2 hours``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"


def parse_duration(value: str | float | int) -> float:
    """``7d``, ``36h``, ``90m``, ``3600`` (seconds) -> seconds; raises ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 7d, 36h or 90m, found {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
        cleaned = value.strip().lower()
        if cleaned[-1:] in units and cleaned[:-1].replace(".", "", 1).isdigit():
            seconds = float(cleaned[:-1]) * units[cleaned[-1]]
        elif cleaned.replace(".", "", 1).isdigit():
            seconds = float(cleaned)
        else:
            raise ValueError(f"expected a duration such as 7d, 36h or 90m, found {value!r}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"expected a positive duration, found {value!r}")
    return seconds


def age_text(observed_at: str | None, now: dt.datetime) -> str | None:
    """How long before ``now`` a time was (``3 days ago``), or None without a time."""
    when = parse_time(observed_at)
    if when is None:
        return None
    seconds = max(0.0, (now - when).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
