"""What is running: piqc facts bundles and Kubernetes YAML -> workloads and facts. Pure.

A spec records intent; this module reads what runs, from the two sources teams have:

* **piqc facts bundles** (JSON, ``schemaVersion: piqc-scan.v0.1``): one object per
  workload, each with a map of facts (value, source, confidence, ``observedAt``) and a
  list of the facts the scan could not collect. Other versions are refused.
* **Kubernetes manifests** (YAML or JSON, several documents, ``kind: List``): the
  model server's Deployment, StatefulSet, LeaderWorkerSet or KServe
  InferenceService, and the HorizontalPodAutoscaler (or KEDA ScaledObject) that
  scales it. Engine settings come from the vLLM and TGI flags in ``command``/``args``
  (or TGI's environment variables), accelerator counts from resource limits, the
  accelerator type from the well-known node labels in a node selector or affinity.

Both become :class:`Workload` records holding :class:`Fact` values under one set of
keys (:data:`FACT_KEYS`), so the comparison (``drift.py``) does not care where a fact
came from. Only the facts listed there are kept: ``Secret`` objects, environment
values other than the engine settings, annotations, and piqc's ``podSpecSnapshot``
are never read into a record, so they cannot reach a page, a JSON file or a log.

The ``normalise_*`` functions at the end say when two spellings mean the same value
(``Tesla T4`` = ``nvidia-tesla-t4`` = ``t4``, ``bfloat16`` = ``bf16``, ``"4"`` = 4,
``8Gi``); the pages name each rule (:data:`SPELLING_RULES`).

Bad input (unreadable, too large, malformed, another schema version, a workload with
no container, the same workload twice) becomes a :class:`~.diagnostics.Diagnostic`
with the file, line and column; reading goes on with the next document or file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
import os
import posixpath
import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _json_text
from typing import Any

import yaml
from pydantic_core import from_json

from . import collector
from .capacity import Key, normalise, parse_parameters
from .diagnostics import Code, Diagnostic, severity_of, sort_key
from .loading import _read_at_most, display_path, in_repository

yaml_rs: Any
try:  # the fast reader (see yamlread.py); PyYAML reads everything when it is missing
    import yaml_rs
except ImportError:  # pragma: no cover
    yaml_rs = None

#: The piqc bundle version this module reads.
PIQC_VERSION = "piqc-scan.v0.1"
#: Default largest observed file read, in bytes (32 MiB): a scan of a few thousand
#: workloads. A bundle carries each pod's spec, which the drift view never reads.
DEFAULT_MAX_FILE_SIZE = 32 * 1024 * 1024
#: The label (or annotation) on a workload that names its spec, by default.
DEFAULT_LINK_KEY = "modelspec/name"

#: Our fact keys, and the piqc fact keys each is read from (first found wins; the
#: later ones are the older aliases).
FACT_KEYS: dict[str, tuple[str, ...]] = {
    "engine": ("runtime.engineType",),
    "engineVersion": ("runtime.engineVersion",),
    "modelId": ("model.name",),
    "parameters": ("model.parameters", "model.parameterCount"),
    "dtype": ("vllm.dtype", "runtime.dtype"),
    "quantization": ("model.quantization",),
    "maxModelLen": ("vllm.maxModelLen", "model.maxModelLen"),
    "maxBatch": ("vllm.maxNumSeqs",),
    "tensorParallel": ("vllm.tensorParallelSize", "runtime.tensorParallel"),
    "gpuType": ("hardware.gpuType",),
    "gpuCount": ("hardware.gpuCount",),
    "gpuMemoryGb": ("hardware.gpuMemoryGB",),
    "vendor": (),
    "replicas": ("k8s.replicas",),
    "minReplicas": ("autoscaling.minReplicas",),
    "maxReplicas": ("autoscaling.maxReplicas",),
    "cpuRequest": ("k8s.cpuRequest",),
    "memoryRequest": ("k8s.memoryRequest",),
    "port": ("endpoint.httpPort",),
    "autoscaling": ("autoscaling.enabled",),
    "autoscalingMetric": ("autoscaling.metricType",),
    "latencyP95Ms": ("obs.requestLatency.p95Ms",),
    "rps": ("obs.rps.avg",),
    "gpuUtilPct": ("obs.gpu.utilAvgPct",),
    "gpuMemUtilPct": ("obs.gpu.memUtilAvgPct",),
}
_FROM_PIQC = {piqc: ours for ours, keys in FACT_KEYS.items() for piqc in keys}
#: For each piqc key, the keys of the same fact it gives way to (an alias is read only
#: when the newer keys are absent).
_EARLIER = {piqc: keys[: keys.index(piqc)] for keys in FACT_KEYS.values() for piqc in keys}
CONFIDENCES = frozenset({"high", "medium", "low"})

#: Spellings read as the same value, as the pages explain them.
SPELLING_RULES: tuple[str, ...] = (
    "Accelerator types: letter case, vendor and product-line words, form factors and "
    "memory kinds do not count (`Tesla T4` = `nvidia-tesla-t4` = `t4`, "
    "`NVIDIA-H100-80GB-HBM3` = `h100`); a size written on one side only does not "
    "contradict the other (`a100` = `a100-80gb`).",
    "Precision: `float16` = `half` = `fp16`, `bfloat16` = `bf16`, `float32` = `fp32`; "
    "a quantization method counts as its precision (`awq`, `gptq` = `int4`); `auto` "
    "says nothing.",
    'Numbers written as text are numbers (`"4"` = 4); token counts may end in `k` '
    "(`32k` = 32,000, `32K` = 32,768).",
    "CPU: `500m` = 0.5 cores. Memory requests are compared in the unit they are "
    "written in: `320Gi` and `320G` both match `memoryGb: 320`; `16384Mi` = 16.",
    "Engines: `text-generation-inference` = `tgi`, `tritonserver` = `triton`.",
)


# --- records -----------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: frozen dataclasses are slower to make, and a
class Fact:  # scan holds hundreds of thousands of facts. Treat it as read-only.
    """One observed value and where it comes from."""

    value: Any
    """The value as read: text, a number, a boolean, or a list of them (a workload
    may run on any of several accelerator types, or listen on several ports);
    None when the scan could not collect it (``error`` says why)."""
    origin: str
    """What it was read from: a piqc fact key (``vllm.maxModelLen``), an engine flag
    (``--max-model-len``), a field (``spec.replicas``)."""
    line: int = 0
    """Line of the value in a manifest (0 in a bundle: the workload names it)."""
    confidence: str = "high"
    observed_at: str | None = None
    """When it was observed (ISO 8601); None for a manifest (written, not observed)."""
    collected: Any = None
    """How piqc collected it: its ``source`` object (read only for ``method``)."""
    error: str | None = None
    """Why the scan could not collect it (piqc's ``factErrors``)."""
    note: str | None = None
    """What a reader should know about the value (``Kubernetes' default``)."""

    @property
    def method(self) -> str | None:
        """How piqc collected it (``k8s_api/container_args``), when it says."""
        return _method(self.collected)


@dataclass(slots=True)
class Workload:
    """One workload that runs (or is deployed) a model server."""

    id: str
    """``ns/<namespace>/<kind>/<name>``, the kind in lower case (piqc's form)."""
    kind: str
    name: str
    namespace: str
    context: str
    """Where it runs: the scanned cluster's name, or the manifest's folder."""
    file: str
    """The file it was read from, as shown (relative to the site's folder)."""
    line: int
    column: int
    format: str
    """``piqc`` or ``manifest``."""
    facts: dict[str, Fact] = field(default_factory=dict)
    link: str | None = None
    """The spec name the workload's label or annotation gives (see ``link_key``)."""
    observed_at: str | None = None
    """When the bundle was made (None for a manifest)."""
    image: str | None = None
    """The model server's image (``vllm/vllm-openai:v0.8.5``)."""

    def fact(self, key: str) -> Fact | None:
        return self.facts.get(key)

    def value(self, key: str) -> Any:
        found = self.facts.get(key)
        return found.value if found is not None else None

    @property
    def where(self) -> str:
        """``file:line`` of the workload."""
        return f"{self.file}:{self.line}"


@dataclass
class Observations:
    """Everything read from the observed inputs."""

    workloads: list[Workload] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """Every file read, as shown."""
    bundles: int = 0
    manifests: int = 0
    """Files read as piqc bundles and as Kubernetes manifests."""
    newest: str | None = None
    """``generatedAt`` of the newest bundle."""


# --- reading files -------------------------------------------------------------------


def read_observed(
    paths: Sequence[str],
    *,
    base: str | None = None,
    link_key: str = DEFAULT_LINK_KEY,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
) -> Observations:
    """Read every bundle and manifest under ``paths`` (files or folders).

    In a folder, recursively, files ending in ``.json``, ``.yaml`` or ``.yml`` are
    read (folders starting with a dot are not entered). Never raises for anything a
    file holds: problems become diagnostics.
    """
    reader = _Reader(os.path.abspath(base) if base else None, link_key, max_file_size)
    with collector.paused():  # a scan of thousands of workloads: millions of objects
        _read_all(reader, paths)
        return reader.finish()


def _read_all(reader: _Reader, paths: Sequence[str]) -> None:
    for path in paths:
        absolute = os.path.abspath(path)
        reader.root = absolute
        if os.path.isdir(absolute):
            for found in _discover(absolute):
                reader.read_file(found)
        elif os.path.isfile(absolute):
            reader.read_file(absolute)
        else:
            reader.problem(
                _missing(absolute, reader.base),
                (1, 1),
                Code.OBSERVED_UNREADABLE,
                "no such file or folder",
                "check the `observed` option (paths are relative to mkdocs.yml)",
            )


_SUFFIXES = (".json", ".yaml", ".yml")


def _discover(root: str) -> list[str]:
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found += [os.path.join(folder, f) for f in files if f.lower().endswith(_SUFFIXES)]
    return sorted(found)


def _missing(path: str, base: str | None) -> str:
    """A path named in the options that does not exist, as the options would name it
    (``../cluster/observed``, relative to the base folder), not as a path of this
    machine."""
    shown = display_path(path, base)
    if os.path.isabs(shown) and base is not None:
        with contextlib.suppress(ValueError):  # another drive, on Windows
            shown = os.path.relpath(path, base).replace(os.sep, "/")
    return shown if not os.path.isabs(shown) else os.path.basename(path)


class _Reader:
    def __init__(self, base: str | None, link_key: str, max_file_size: int) -> None:
        self.base = base
        #: The path being read (a folder or a file named in the options).
        self.root = base or os.getcwd()
        self.tops: dict[str, str] = {}
        self.link_key = link_key
        self.max_file_size = max_file_size
        self.out = Observations()
        self.seen: dict[tuple[str, str], Workload] = {}
        # Autoscalers by (context, namespace, kind, name) of the workload they scale.
        self.scalers: dict[tuple[str, str, str, str], dict[str, Fact]] = {}

    def problem(
        self, file: str, at: tuple[int, int], code: Code, message: str, hint: str = ""
    ) -> None:
        """A diagnostic about an observed file, at ``(line, column)``."""
        self.out.diagnostics.append(
            Diagnostic(file, at[0], at[1], severity_of(code), code, message, hint=hint)
        )

    def shown(self, path: str) -> str:
        """How the pages name a file read: relative to the base folder; a file outside
        it relative to its repository, as a spec outside is (a path of this machine,
        such as a CI runner's ``/home/runner/...``, is never published)."""
        shown = display_path(path, self.base)
        if os.path.isabs(shown):
            shown = in_repository(path, self.root, self.tops)
        return shown

    def read_file(self, path: str) -> None:
        shown = self.shown(path)
        try:
            raw = _read_at_most(path, self.max_file_size + 1)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.problem(shown, (1, 1), Code.OBSERVED_UNREADABLE, f"cannot read the file: {reason}")
            return
        if len(raw) > self.max_file_size:
            self.problem(
                shown,
                (1, 1),
                Code.OBSERVED_TOO_LARGE,
                f"the file is over the limit of {self.max_file_size:,} bytes: not read",
                "split the scan by namespace, or raise `drift: max_file_size`",
            )
            return
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(
                shown,
                (line, 1),
                Code.OBSERVED_UNREADABLE,
                f"byte 0x{raw[error.start]:02X} is not valid UTF-8",
                "save the file as UTF-8",
            )
            return
        self.out.files.append(shown)
        context = posixpath.dirname(shown) or "."  # the folder, as the file is shown
        if path.lower().endswith(".json"):
            self._read_json(text, shown, context)
        else:
            for doc in _yaml_documents(text):
                data = _load_yaml(doc, shown, self)
                if data is not _FAILED:
                    self._dispatch(data, doc, shown, context)

    def _read_json(self, text: str, shown: str, context: str) -> None:
        try:
            data = from_json(text)  # pydantic's reader: a fifth faster, and shares strings
        except ValueError:  # invalid, or what it refuses (a lone surrogate, deep nesting)
            data = _strict_json(text)
            if isinstance(data, tuple):
                self.problem(shown, data[0], Code.OBSERVED_SYNTAX, data[1])
                return
        self._dispatch(data, _Text(text, 1), shown, context)

    def _dispatch(self, data: Any, doc: _Text, shown: str, context: str) -> None:
        if data is None:
            return  # an empty document (a trailing `---`)
        if isinstance(data, dict) and "schemaVersion" in data:
            self._read_bundle(data, doc, shown)
            return
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            if data["kind"] == "List" or data["kind"].endswith("List"):
                items = data.get("items")
                if not isinstance(items, list):
                    self.problem(
                        shown, doc.find("items"), Code.OBSERVED_SHAPE, "a List with no `items` list"
                    )
                    return
                # `kubectl get -o yaml`: the items are in order, one after the other,
                # from the `items` key on (a List's own `kind` may be written before).
                cursor = doc.after("items")
                for item in items:
                    at = doc.after("kind", cursor) if isinstance(item, dict) else cursor
                    self._object(item, doc.sub(at), shown, context)
                    cursor = at + 1
                return
            self._object(data, doc, shown, context)
            return
        self.problem(
            shown,
            (doc.first_line, 1),
            Code.OBSERVED_SHAPE,
            "neither a piqc bundle (`schemaVersion`) nor a Kubernetes object (`kind`)",
            "the observed folders should hold only piqc bundles and Kubernetes manifests",
        )

    # --- piqc bundles ------------------------------------------------------------

    def _read_bundle(self, data: dict[str, Any], doc: _Text, shown: str) -> None:
        version = data.get("schemaVersion")
        if version != PIQC_VERSION:
            line, column = doc.find("schemaVersion")
            self.problem(
                shown,
                (line, column),
                Code.OBSERVED_SCHEMA_VERSION,
                f"schemaVersion {_quoted(version)} is not one this site reads ({PIQC_VERSION})",
                f"scan again with a piqc release that writes {PIQC_VERSION}",
            )
            return
        self.out.bundles += 1
        generated = _text(data.get("generatedAt"))
        if generated and (self.out.newest is None or generated > self.out.newest):
            self.out.newest = generated
        cluster = data.get("cluster")
        context = shown
        if isinstance(cluster, dict):
            context = _text(cluster.get("name")) or _text(cluster.get("context")) or shown
        objects = data.get("objects")
        if not isinstance(objects, list):
            self.problem(
                shown, doc.find("objects"), Code.OBSERVED_SHAPE, "the bundle has no `objects` list"
            )
            return
        errors: dict[str, list[dict[str, Any]]] = {}
        listed = data.get("factErrors")
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("workloadId"), str):
                errors.setdefault(entry["workloadId"], []).append(entry)
        cursor = 0
        for index, item in enumerate(objects):
            workload_id = item.get("workloadId") if isinstance(item, dict) else None
            # The id as JSON writes it (json.dumps' own quoting, without its overhead).
            needle = _json_text(workload_id) if isinstance(workload_id, str) else "workloadId"
            at = doc.after(needle, cursor)
            cursor = at + 1
            line, column = doc.position(at)
            if not isinstance(item, dict) or not isinstance(workload_id, str):
                self.problem(
                    shown,
                    (line, column),
                    Code.OBSERVED_SHAPE,
                    f"objects[{index}] has no workloadId: skipped",
                )
                continue
            parts = workload_id.split("/")
            kind = _text(item.get("kind")) or (parts[2] if len(parts) == 4 else "workload")
            name = _text(item.get("name")) or parts[-1]
            namespace = _text(item.get("namespace")) or (parts[1] if len(parts) == 4 else "")
            images = item.get("images")
            image = images[0] if isinstance(images, list) and images else None
            found: dict[str, Fact] = {}
            workload = Workload(
                workload_id, kind, name, namespace, context, shown, line, column, "piqc",
                found, None, generated, image if isinstance(image, str) else None,
            )  # fmt: skip
            facts = item.get("facts")
            if isinstance(facts, dict):
                _piqc_facts(facts, found, generated)
            for entry in errors.get(workload_id, ()) if errors else ():
                ours = _FROM_PIQC.get(_text(entry.get("factKey")) or "")
                if ours is not None and ours not in workload.facts:
                    workload.facts[ours] = Fact(
                        None,
                        str(entry["factKey"]),
                        confidence="low",
                        observed_at=_text(entry.get("observedAt")) or generated,
                        collected=entry.get("source"),
                        error=_text(entry.get("error")) or "could not be collected",
                    )
            self._add(workload)

    # --- Kubernetes objects ----------------------------------------------------------

    def _object(self, data: Any, doc: _Text, shown: str, context: str) -> None:
        if not isinstance(data, dict):
            return
        kind = data.get("kind")
        if not isinstance(kind, str):
            return  # in a List, an item whose kind is a list or a map: nothing to read
        if kind in _SCALERS:
            self._scaler(kind, data, doc, shown, context)
            return
        if kind not in _WORKLOADS:
            return  # Secrets, Services, ConfigMaps...: nothing to compare, never read
        metadata = _dict(data.get("metadata"))
        name = _text(metadata.get("name"))
        line, column = doc.find("kind")
        if not name:
            self.problem(shown, (line, column), Code.OBSERVED_SHAPE, f"a {kind} with no name")
            return
        namespace = _text(metadata.get("namespace")) or "default"
        workload = Workload(
            f"ns/{namespace}/{kind.lower()}/{name}", kind, name, namespace, context, shown,
            line, column, "manifest", {}, _link(metadata, self.link_key),
        )  # fmt: skip
        spec = _dict(data.get("spec"))
        pods = _pods(kind, spec)
        containers = [(c, pod, n) for pod, n in pods for c in _containers(pod)]
        if not containers:
            self.problem(
                shown,
                (line, column),
                Code.OBSERVED_NO_CONTAINERS,
                f"{kind} {name} has no container: nothing to compare",
                "give the manifest as Kubernetes applies it (rendered Helm or `kubectl get -o yaml`)",
            )
            return
        _ManifestFacts(workload, doc).read(kind, spec, containers)
        self._add(workload)

    def _scaler(self, kind: str, data: dict[str, Any], doc: _Text, shown: str, ctx: str) -> None:
        spec = _dict(data.get("spec"))
        target = spec.get("scaleTargetRef")
        metadata = _dict(data.get("metadata"))
        if not isinstance(target, dict) or not _text(target.get("name")):
            return
        namespace = _text(metadata.get("namespace")) or "default"
        target_kind = (_text(target.get("kind")) or "Deployment").lower()
        line, _ = doc.find("kind")
        if kind == "HorizontalPodAutoscaler":
            low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
            metric = _hpa_metric(spec)
            origin = "HorizontalPodAutoscaler"
        else:  # KEDA's ScaledObject
            low, high = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
            triggers = spec.get("triggers")
            first = triggers[0] if isinstance(triggers, list) and triggers else {}
            metric = _text(first.get("type")) if isinstance(first, dict) else None
            origin = "ScaledObject"
        facts = {"autoscaling": Fact(True, origin, line)}
        if metric:
            facts["autoscalingMetric"] = Fact(metric, origin, line)
        if _count(low) is not None:
            facts["minReplicas"] = Fact(_count(low), f"{origin} min", doc.line(_MIN_KEYS, line))
        if _count(high) is not None:
            facts["maxReplicas"] = Fact(_count(high), f"{origin} max", doc.line(_MAX_KEYS, line))
        key = (ctx, namespace, target_kind, str(target["name"]))
        self.scalers.setdefault(key, facts)

    def _add(self, workload: Workload) -> None:
        key = (workload.context, workload.id)
        first = self.seen.get(key)
        if first is not None:
            self.problem(
                workload.file,
                (workload.line, workload.column),
                Code.OBSERVED_DUPLICATE,
                f"{workload.id} is read a second time in {workload.context} "
                f"(first at {first.where}): this copy is ignored",
                "keep one copy per cluster or folder; put each environment in a folder of its own",
            )
            return
        self.seen[key] = workload
        self.out.workloads.append(workload)

    def finish(self) -> Observations:
        for workload in self.out.workloads:
            if workload.format != "manifest":
                continue
            key = (workload.context, workload.namespace, workload.kind.lower(), workload.name)
            scaler = self.scalers.get(key)
            if scaler is not None:
                workload.facts.update(scaler)
                workload.facts.pop("replicas", None)  # the autoscaler decides
            elif "autoscaling" not in workload.facts:
                workload.facts["autoscaling"] = Fact(
                    False,
                    "no autoscaler",
                    confidence="medium",
                    note="no HorizontalPodAutoscaler or ScaledObject in the manifests read targets it",
                )
        self.out.manifests = len({w.file for w in self.out.workloads if w.format == "manifest"})
        self.out.diagnostics.sort(key=sort_key)
        return self.out


def _piqc_facts(facts: dict[str, Any], found: dict[str, Fact], generated: str | None) -> None:
    """The facts the drift view uses, each from its first key present (then its older
    aliases); the others (and the pod spec snapshot) are never read."""
    # A scan of ten thousand workloads holds about 200,000 facts: this loop runs for
    # each, so it reads each fact's map once, in place, without a call per fact.
    for key, fact in facts.items():
        ours = _FROM_PIQC.get(key)
        if ours is None or fact is None:
            continue
        earlier = _EARLIER[key]
        if earlier and any(facts.get(k) is not None for k in earlier):
            continue  # an older alias, and the newer key is there
        if not isinstance(fact, dict):
            continue
        value = fact.get("value", _FAILED)
        kind = type(value)
        if value is _FAILED or kind is dict:
            continue
        if kind is list and not all(_scalar(v) for v in value):
            continue  # not a value the drift view can show
        confidence = fact.get("dataConfidence")
        if not (isinstance(confidence, str) and confidence in CONFIDENCES):
            confidence = "low"
        when = fact.get("observedAt")
        if not (isinstance(when, str) and when):
            when = generated
        found[ours] = Fact(value, key, 0, confidence, when, fact.get("source"))


def _strict_json(text: str) -> Any:
    """The standard library's reading of a JSON text, or ``((line, column), message)``
    saying what is wrong."""
    try:
        return json.loads(text)  # never a tuple: JSON arrays are lists
    except json.JSONDecodeError as error:
        return (error.lineno, error.colno), f"not valid JSON: {error.msg}"
    except RecursionError:
        return (1, 1), "not valid JSON: nested too deep"


def _method(source: Any) -> str | None:
    if not isinstance(source, dict):
        return None
    pair = (source.get("type"), source.get("method"))
    try:
        return _METHODS[pair]
    except KeyError:
        pass
    except TypeError:  # a list or a map where text goes
        return None
    shown = "/".join(p for p in (_text(pair[0]), _text(pair[1])) if p) or None
    if len(_METHODS) < 1000:
        _METHODS[pair] = shown
    return shown


_METHODS: dict[tuple[Any, Any], str | None] = {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _quoted(value: Any) -> str:
    return json.dumps(value) if _scalar(value) else f"of type {type(value).__name__}"


def _link(metadata: dict[str, Any], key: str) -> str | None:
    for place in ("labels", "annotations"):
        found = metadata.get(place)
        if isinstance(found, dict) and _text(found.get(key)):
            return _text(found.get(key))
    return None


# --- YAML documents --------------------------------------------------------------------


class _Failed:
    pass


_FAILED: Any = _Failed()


class _Text:
    """One document's text and the line it starts on: finds where a value is written.

    The data comes from a parser without positions (the fast one); a value's line is
    found again by its text, searching forward from where its workload starts, and
    falls back to the workload's first line when the text is written another way.
    """

    __slots__ = ("_counted", "first_line", "offset", "start_line", "text")
    _counted: tuple[int, int, int]

    def __init__(self, text: str, first_line: int, offset: int = 0) -> None:
        self.text = text
        self.first_line = first_line
        self.offset = offset
        #: The line of ``offset`` (where this object starts).
        self.start_line = first_line
        # (index, line breaks before it): lines are counted from the last position
        # asked, so a bundle of thousands of workloads is counted once, not once each.
        self._counted = (0, 0, -1)

    def sub(self, start: int) -> _Text:
        found = _Text(self.text, self.first_line, start)
        found.start_line = self.position(start)[0]
        found._counted = self._counted
        return found

    def after(self, needle: str, start: int = 0) -> int:
        found = self.text.find(needle, max(start, self.offset))
        return found if found >= 0 else max(start, self.offset)

    def position(self, index: int) -> tuple[int, int]:
        known, breaks, newline = self._counted
        if index < known:
            known, breaks, newline = 0, 0, -1
        breaks += self.text.count("\n", known, index)
        last = self.text.rfind("\n", known, index)  # a one-line bundle has none
        newline = last if last >= 0 else newline
        self._counted = (index, breaks, newline)
        return self.first_line + breaks, index - newline

    def find(self, needle: str) -> tuple[int, int]:
        return self.position(self.after(needle))

    def line(self, needles: Iterable[str], default: int = 0) -> int:
        """The line of the first of ``needles`` found, searching from this object on
        (its lines counted from its start: a workload's facts are asked in any order)."""
        text, offset = self.text, self.offset
        for needle in needles:
            found = text.find(needle, offset)
            if found >= 0:
                return self.start_line + text.count("\n", offset, found)
        return default or self.start_line


def _yaml_documents(text: str) -> Iterator[_Text]:
    """Each document of a YAML stream, with its first line.

    A ``---`` at the start of a line always starts a document (even inside a block
    scalar, YAML ends the scalar there), so splitting there is exact.
    """
    starts = _document_starts(text)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    line, counted = 1, 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        line += text.count("\n", counted, start)
        counted = start
        if text.startswith("---", start, end):
            # The marker's line may hold content (`--- a: 1`): the marker becomes spaces.
            chunk = "   " + text[start + 3 : end]
        else:
            chunk = text[start:end]
        if chunk and not chunk.isspace():
            yield _Text(chunk, line)


_MARKER_ENDS = ("", " ", "\t", "\n")


def _document_starts(text: str) -> list[int]:
    """Where each ``---`` that starts a line and is followed by a blank, a line break or
    the end is (a plain search: a regular expression over megabytes is slower)."""
    found = [0] if text.startswith("---") and text[3:4] in _MARKER_ENDS else []
    index = text.find("\n---")
    while index >= 0:
        if text[index + 4 : index + 5] in _MARKER_ENDS:
            found.append(index + 1)
        index = text.find("\n---", index + 4)
    return found


def _load_yaml(doc: _Text, shown: str, reader: _Reader) -> Any:
    if yaml_rs is not None:
        try:
            return yaml_rs.loads(doc.text, parse_datetime=False)
        except (ValueError, TypeError):
            pass  # PyYAML says what is wrong, and where
    try:
        return yaml.load(doc.text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = doc.first_line + (mark.line if mark else 0)
        column = mark.column + 1 if mark else 1
        # Only the parser's own words: the text around the error could be a secret.
        reader.problem(
            shown,
            (line, column),
            Code.OBSERVED_SYNTAX,
            f"not valid YAML: {(error.problem or 'invalid YAML').strip()}",
            "this document is skipped; the others of the file are read",
        )
    except (yaml.YAMLError, RecursionError) as error:
        reader.problem(
            shown,
            (doc.first_line, 1),
            Code.OBSERVED_SYNTAX,
            f"not valid YAML: {type(error).__name__}",
            "this document is skipped; the others of the file are read",
        )
    return _FAILED


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- what a pod template says ------------------------------------------------------------

_WORKLOADS = frozenset({"Deployment", "StatefulSet", "LeaderWorkerSet", "InferenceService"})
_SCALERS = frozenset({"HorizontalPodAutoscaler", "ScaledObject"})
_MIN_KEYS = ("minReplicas", "minReplicaCount")
_MAX_KEYS = ("maxReplicas", "maxReplicaCount")
#: Extended resources that count accelerators, and their vendor.
ACCELERATOR_RESOURCES = {
    "nvidia.com/gpu": "nvidia",
    "amd.com/gpu": "amd",
    "google.com/tpu": "google",
}
#: Node labels that name the accelerator type, most precise first.
ACCELERATOR_LABELS = (
    "nvidia.com/gpu.product",
    "cloud.google.com/gke-accelerator",
    "cloud.google.com/gke-tpu-accelerator",
    "karpenter.k8s.aws/instance-gpu-name",
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
)
_ACCELERATOR_LABELS = frozenset(ACCELERATOR_LABELS)
# Cloud instance families -> the accelerator they carry (AWS, Google Cloud, Azure).
_INSTANCE_TYPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), accelerator)
    for pattern, accelerator in (
        (r"^g4dn\.", "t4"),
        (r"^g5\.", "a10g"),
        (r"^g6\.", "l4"),
        (r"^g6e\.", "l40s"),
        (r"^p4d\.", "a100-40gb"),
        (r"^p4de\.", "a100-80gb"),
        (r"^p5\.", "h100"),
        (r"^p5e", "h200"),
        (r"^a2-(?:high|mega)gpu-", "a100-40gb"),
        (r"^a2-ultragpu-", "a100-80gb"),
        (r"^a3-(?:high|mega|edge)gpu-", "h100"),
        (r"^a3-ultragpu-", "h200"),
        (r"^g2-standard-", "l4"),
        (r"^standard_nc\d+as_t4_v3$", "t4"),
        (r"^standard_nc\d+ads_a100_v4$", "a100-80gb"),
        (r"^standard_nd96asr_v4$", "a100-40gb"),
        (r"^standard_nd96amsr_a100_v4$", "a100-80gb"),
        (r"^standard_nd96is?r_h100_v5$", "h100"),
        (r"^standard_nd96isr_mi300x_v5$", "mi300x"),
        (r"^standard_nv\d+ads_a10_v5$", "a10"),
    )
)
_ENGINES: tuple[tuple[str, str], ...] = (
    ("text-generation-inference", "tgi"),
    ("text-generation-launcher", "tgi"),
    ("tritonserver", "triton"),
    ("tensorrt-llm", "tensorrt-llm"),
    ("sglang", "sglang"),
    ("lmdeploy", "lmdeploy"),
    ("ollama", "ollama"),
    ("vllm", "vllm"),
)
# Engine flags -> our fact keys. vLLM and TGI take `--a-b` and `--a_b` alike.
_FLAGS = {
    "--model": "modelId",
    "--model-id": "modelId",
    "--max-model-len": "maxModelLen",
    "--max-total-tokens": "maxModelLen",
    "--tensor-parallel-size": "tensorParallel",
    "-tp": "tensorParallel",
    "--num-shard": "tensorParallel",
    "--dtype": "dtype",
    "--quantization": "quantization",
    "-q": "quantization",
    "--quantize": "quantization",
    "--max-num-seqs": "maxBatch",
    "--max-batch-size": "maxBatch",
    "--port": "port",
}
#: Environment variables read (TGI's settings): no other variable is ever read.
ENGINE_VARIABLES = {
    "MODEL_ID": "modelId",
    "MAX_TOTAL_TOKENS": "maxModelLen",
    "NUM_SHARD": "tensorParallel",
    "DTYPE": "dtype",
    "QUANTIZE": "quantization",
    "MAX_BATCH_SIZE": "maxBatch",
    "PORT": "port",
}


def _pods(kind: str, spec: dict[str, Any]) -> list[tuple[dict[str, Any], int]]:
    """The pod specs of a workload, each with how many of its pods make one replica."""

    def pod(template: Any) -> dict[str, Any] | None:
        inner = template.get("spec") if isinstance(template, dict) else None
        return inner if isinstance(inner, dict) else None

    if kind == "LeaderWorkerSet":
        group = spec.get("leaderWorkerTemplate")
        group = group if isinstance(group, dict) else {}
        size = _count(group.get("size")) or 1
        leader, worker = pod(group.get("leaderTemplate")), pod(group.get("workerTemplate"))
        if leader is not None and worker is not None:
            return [(leader, 1), (worker, size - 1)]
        return [(worker or leader or {}, size)] if (worker or leader) else []
    if kind == "InferenceService":
        predictor = spec.get("predictor")
        if not isinstance(predictor, dict):
            return []
        containers = predictor.get("containers")
        if not isinstance(containers, list) or not containers:
            model = predictor.get("model")
            containers = [{"name": "kserve-container", **model}] if isinstance(model, dict) else []
        return [({**predictor, "containers": containers}, 1)]
    found = pod(spec.get("template"))
    return [(found, 1)] if found is not None else []


def _containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    found = pod.get("containers")
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def _hpa_metric(spec: dict[str, Any]) -> str | None:
    metrics = spec.get("metrics")
    if isinstance(metrics, list) and metrics and isinstance(metrics[0], dict):
        first = metrics[0]
        kind = _text(first.get("type"))
        inner = first.get((kind or "")[:1].lower() + (kind or "")[1:])
        if isinstance(inner, dict):
            name = inner.get("name")
            metric = inner.get("metric")
            if isinstance(metric, dict):
                name = metric.get("name")
            return _text(name) or kind
        return kind
    if _count(spec.get("targetCPUUtilizationPercentage")) is not None:
        return "cpu"
    return None


@functools.lru_cache(maxsize=1024)  # the same few images, on every workload
def engine_of(text: str) -> str | None:
    """The engine an image or a command names (``vllm/vllm-openai:v0.8.5`` -> ``vllm``)."""
    lowered = text.lower()
    for needle, engine in _ENGINES:
        if needle in lowered:
            return engine
    return None


def _image_version(image: str) -> str | None:
    tail = image.rsplit("/", 1)[-1]
    if "@" in tail:
        return None
    tag = tail.split(":", 1)[1] if ":" in tail else None
    return tag if tag and tag != "latest" else None


def _tokens(container: dict[str, Any]) -> list[str]:
    """``command`` + ``args`` as words; a shell line (``sh -c "vllm serve ..."``) split."""
    words: list[str] = []
    for key in ("command", "args"):
        value = container.get(key)
        for item in value if isinstance(value, list) else []:
            if type(item) is str:
                word = item
            elif not isinstance(item, str | int | float) or isinstance(item, bool):
                continue
            else:
                word = str(item)
            if " " in word.strip() and "-" in word:
                try:
                    words += shlex.split(word, comments=False)
                except ValueError:
                    words += word.split()
            else:
                words.append(word)
    return words


def _flags(words: list[str]) -> dict[str, tuple[str, str]]:
    """Engine flags -> (value, the flag as written); the model of ``vllm serve MODEL``."""
    found: dict[str, tuple[str, str]] = {}
    for index, word in enumerate(words):
        if not word.startswith("-"):
            if word == "serve" and index + 1 < len(words) and not words[index + 1].startswith("-"):
                found.setdefault("modelId", (words[index + 1], "serve"))
            continue
        flag, equals, value = word.partition("=")
        name = "--" + flag[2:].replace("_", "-") if flag.startswith("--") else flag
        key = _FLAGS.get(name)
        if key is None:
            continue
        if not equals:
            if index + 1 >= len(words) or words[index + 1].startswith("--"):
                continue
            value = words[index + 1]
        found[key] = (value, flag)  # the last one wins, as in the engines' parsers
    return found


class _ManifestFacts:
    """Reads the facts of one workload's manifest."""

    def __init__(self, workload: Workload, doc: _Text) -> None:
        self.workload = workload
        self.doc = doc

    def add(
        self, key: str, value: Any, origin: str, needles: Iterable[str], note: str | None = None
    ) -> None:
        if value is None or value in ("", []):
            return
        # doc.line(needles, the workload's line), without a call: this runs for each fact.
        doc = self.doc
        text, offset = doc.text, doc.offset
        for needle in needles:
            found = text.find(needle, offset)
            if found >= 0:
                line = doc.start_line + text.count("\n", offset, found)
                break
        else:
            line = self.workload.line or doc.start_line
        self.workload.facts[key] = Fact(value, origin, line, "high", None, None, None, note)

    def read(
        self,
        kind: str,
        spec: dict[str, Any],
        containers: list[tuple[dict[str, Any], dict[str, Any], int]],
    ) -> None:
        main, pod, _ = _engine_container(containers)
        image = _text(main.get("image"))
        name = _text(main.get("name")) or ""
        words = _tokens(main)
        self.workload.image = image
        engine = engine_of(image or "") or engine_of(" ".join(words[:4]))
        if engine:
            self.add("engine", engine, "image" if image else "command", [image or words[0]])
        version = _image_version(image) if image and engine else None
        if version:
            self.add("engineVersion", version, "image tag", [image or ""])
        # Environment first: a flag given too wins, as it does in TGI.
        env = main.get("env")
        for item in env if isinstance(env, list) else []:
            if not isinstance(item, dict) or item.get("name") not in ENGINE_VARIABLES:
                continue
            value = item.get("value")
            if _scalar(value) and value is not None:
                variable = str(item["name"])
                self.add(ENGINE_VARIABLES[variable], value, variable, [f"{variable}", name])
        for key, (value, flag) in _flags(words).items():
            self.add(key, value, flag, [flag, value])
        if "modelId" in self.workload.facts:
            shown = redact(str(self.workload.facts["modelId"].value))
            fact = self.workload.facts["modelId"]
            self.workload.facts["modelId"] = Fact(shown, fact.origin, fact.line)
        elif kind == "InferenceService" and _text(main.get("storageUri")):
            self.add("modelId", redact(str(main["storageUri"])), "storageUri", ["storageUri"])
        self._accelerators(containers, pod)
        self._resources(main, name)
        ports = main.get("ports")
        numbers = [
            p.get("containerPort")
            for p in (ports if isinstance(ports, list) else [])
            if isinstance(p, dict) and _count(p.get("containerPort")) is not None
        ]
        if "port" not in self.workload.facts and numbers:
            self.add(
                "port",
                numbers[0] if len(numbers) == 1 else numbers,
                "containerPort",
                ["containerPort"],
            )
        self._replicas(kind, spec)

    def _accelerators(
        self, containers: list[tuple[dict[str, Any], dict[str, Any], int]], pod: dict[str, Any]
    ) -> None:
        total, vendors, needles = 0, set(), []
        for container, _, pods in containers:
            resources = container.get("resources")
            resources = resources if isinstance(resources, dict) else {}
            for place in ("limits", "requests"):
                amounts = resources.get(place)
                if not isinstance(amounts, dict):
                    continue
                found = [(k, _count(v)) for k, v in amounts.items() if k in ACCELERATOR_RESOURCES]
                for resource, amount in found:
                    if amount:
                        total += amount * pods
                        vendors.add(ACCELERATOR_RESOURCES[resource])
                        needles.append(resource)
                if found:
                    break  # limits, else requests: the two are equal for these resources
        if total:
            self.add("gpuCount", total, "resources.limits", needles)
            if len(vendors) == 1:
                self.add("vendor", vendors.pop(), needles[0], needles)
        for label, values in _node_labels(pod):
            if label in ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"):
                mapped = [_instance_accelerator(v) for v in values]
                unknown = [v for v, m in zip(values, mapped, strict=True) if m is None]
                if unknown:
                    self.workload.facts["gpuType"] = Fact(
                        None,
                        label,
                        self.doc.line([label], self.workload.line),
                        error=f"instance type {', '.join(unknown)}: its accelerator is not known here",
                    )
                    return
                note = f"from the instance type {', '.join(values)}"
                self.add(
                    "gpuType", mapped[0] if len(mapped) == 1 else mapped, label, [label], note=note
                )
                return
            self.add("gpuType", values[0] if len(values) == 1 else values, label, [label])
            return

    def _resources(self, main: dict[str, Any], name: str) -> None:
        resources = main.get("resources")
        requests = resources.get("requests") if isinstance(resources, dict) else None
        if not isinstance(requests, dict):
            return
        for key, fact, origin, needles in _REQUESTS:
            value = requests.get(key)
            if _scalar(value) and value is not None:
                self.add(fact, value, origin, needles)

    def _replicas(self, kind: str, spec: dict[str, Any]) -> None:
        if kind == "InferenceService":
            predictor = spec.get("predictor")
            predictor = predictor if isinstance(predictor, dict) else {}
            low = _count(predictor.get("minReplicas"))
            high = _count(predictor.get("maxReplicas"))
            low = 1 if low is None else low
            self.add("minReplicas", low, "predictor.minReplicas", ["minReplicas"])
            if high:
                self.add("maxReplicas", high, "predictor.maxReplicas", ["maxReplicas"])
            scaled = high is None or high == 0 or high > low
            metric = _text(predictor.get("scaleMetric")) or "concurrency"
            self.add("autoscaling", scaled, "predictor", ["predictor"])
            if scaled:
                self.add("autoscalingMetric", metric, "predictor.scaleMetric", ["scaleMetric"])
            return
        replicas = spec.get("replicas")
        if replicas is None:
            self.workload.facts["replicas"] = Fact(
                1, "spec.replicas", self.workload.line, note="not written: Kubernetes' default"
            )
        elif _count(replicas) is not None:
            self.add("replicas", _count(replicas), "spec.replicas", ["replicas"])


_REQUESTS = tuple(
    (key, fact, f"requests.{key}", ("requests", f"{key}:", f'"{key}"'))
    for key, fact in (("cpu", "cpuRequest"), ("memory", "memoryRequest"))
)


def _engine_container(
    containers: list[tuple[dict[str, Any], dict[str, Any], int]],
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The container that runs the model server: one whose image or command names an
    engine, else one with accelerators, else the first."""
    for entry in containers:
        container = entry[0]
        if engine_of(str(container.get("image") or "")) or engine_of(
            " ".join(_tokens(container)[:4])
        ):
            return entry
    for entry in containers:
        resources = entry[0].get("resources")
        limits = resources.get("limits") if isinstance(resources, dict) else None
        if isinstance(limits, dict) and any(k in ACCELERATOR_RESOURCES for k in limits):
            return entry
    return containers[0]


def _node_labels(pod: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The accelerator labels a pod asks for (node selector, then required affinity)."""
    wanted: dict[str, list[str]] = {}
    selector = pod.get("nodeSelector")
    if isinstance(selector, dict) and not _ACCELERATOR_LABELS.isdisjoint(selector):
        for label in ACCELERATOR_LABELS:
            value = _text(selector[label]) if label in selector else None
            if value:
                wanted[label] = [value]
    affinity = pod.get("affinity")
    node = affinity.get("nodeAffinity") if isinstance(affinity, dict) else None
    required = (
        node.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(node, dict)
        else None
    )
    terms = required.get("nodeSelectorTerms") if isinstance(required, dict) else None
    for term in terms if isinstance(terms, list) else []:
        expressions = term.get("matchExpressions") if isinstance(term, dict) else None
        for expression in expressions if isinstance(expressions, list) else []:
            if not isinstance(expression, dict) or expression.get("operator") != "In":
                continue
            key, values = expression.get("key"), expression.get("values")
            if key in ACCELERATOR_LABELS and isinstance(values, list) and values:
                wanted.setdefault(str(key), [str(v) for v in values if _scalar(v)])
    return [(label, wanted[label]) for label in ACCELERATOR_LABELS if label in wanted]


def _instance_accelerator(instance_type: str) -> str | None:
    for pattern, accelerator in _INSTANCE_TYPES:
        if pattern.search(instance_type):
            return accelerator
    return None


_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)


def redact(value: str) -> str:
    """A model location without the credentials a URL may carry (``s3://key:secret@b``)."""
    return _USERINFO.sub(r"\1***@", value) if "@" in value else value


# --- normalising spellings ----------------------------------------------------------------


def _count(value: Any) -> int | None:
    """A whole number, written as a number or as text (``"4"``); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return _count_text(value)
    return None


@functools.lru_cache(maxsize=4096)  # the same few spellings, on every workload
def _count_text(value: str) -> int | None:
    return int(value) if re.fullmatch(r"\s*\d+\s*", value) else None


normalise_count = _count


def normalise_tokens(value: Any) -> int | None:
    """``8192``, ``"8192"``, ``32k`` (32,000) or ``32K`` (32,768), as vLLM reads them."""
    found = _count(value)
    if found is not None:
        return found
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM])\s*", value)
        if match:
            scale = {"k": 1000, "K": 1024, "m": 1000**2, "M": 1024**2}[match.group(2)]
            return int(float(match.group(1)) * scale)
    return None


def normalise_cpu(value: Any) -> float | None:
    """A Kubernetes CPU quantity in cores: ``2``, ``"2"``, ``"500m"`` -> 0.5."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return _cpu_text(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)
def _cpu_text(value: str) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)(m?)\s*", value)
    return float(match.group(1)) / (1000 if match.group(2) else 1) if match else None


_MEMORY_UNITS = {
    "": 1e-9, "k": 1e-6, "M": 1e-3, "G": 1.0, "T": 1e3,
    "Ki": 1 / 1024**2, "Mi": 1 / 1024, "Gi": 1.0, "Ti": 1024.0,
}  # fmt: skip


def normalise_memory(value: Any) -> float | None:
    """A Kubernetes memory quantity in the gigabytes of its own unit: ``8Gi`` -> 8 (GiB),
    ``8G`` -> 8 (GB), ``16384Mi`` -> 16, a plain number of bytes -> GB."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value / 1e9 if math.isfinite(value) else None
    return _memory_text(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)
def _memory_text(value: str) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*(Ki|Mi|Gi|Ti|k|M|G|T)?\s*", value)
    return float(match.group(1)) * _MEMORY_UNITS[match.group(2) or ""] if match else None


_HBM = re.compile(r"[\s_-]*hbm\d*e?", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def normalise_accelerator(name: str) -> Key:
    """An accelerator type reduced to what identifies it: ``Tesla T4`` -> ``t4``,
    ``NVIDIA-H100-80GB-HBM3`` -> ``h100`` with 80 GB, ``tpu-v5-lite-podslice`` ->
    ``tpu-v5e`` (capacity's reading, which also ignores the memory kind)."""
    return normalise(_HBM.sub("", name))


_PRECISIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("int4", ("int4", "awq", "gptq", "w4a16", "nf4", "4bit", "4-bit", "fp4", "marlin")),
    ("fp8", ("fp8", "float8", "e4m3", "e5m2")),
    ("int8", ("int8", "w8a8", "smoothquant", "8bit", "8-bit")),
    ("bf16", ("bf16", "bfloat16")),
    ("fp16", ("fp16", "float16", "half")),
    ("fp32", ("fp32", "float32", "tf32")),
)


def normalise_precision(value: Any) -> str | None:
    """``bfloat16`` -> ``bf16``, ``int4-awq`` and ``awq`` -> ``int4``; ``auto`` -> None."""
    return _precision(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=1024)
def _precision(value: str) -> str | None:
    lowered = value.strip().lower()
    if lowered in ("float", "full"):
        return "fp32"
    for family, words in _PRECISIONS:
        if any(word in lowered for word in words):
            return family
    return None


_ENGINE_NAMES = {
    "text-generation-inference": "tgi",
    "huggingface-tgi": "tgi",
    "hf-tgi": "tgi",
    "tritonserver": "triton",
    "triton-inference-server": "triton",
    "nvidia-triton": "triton",
    "trtllm": "tensorrt-llm",
    "trt-llm": "tensorrt-llm",
}


def normalise_engine(value: Any) -> str | None:
    """An engine or framework name: ``text-generation-inference`` -> ``tgi``."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _engine(value)


@functools.lru_cache(maxsize=1024)
def _engine(value: str) -> str:
    lowered = re.sub(r"[\s_]+", "-", value.strip().lower())
    return _ENGINE_NAMES.get(lowered, lowered)


def normalise_parameters(value: Any) -> float | None:
    """``1.1B``, ``70b``, ``1100000000`` -> a parameter count."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value > 0 else None
    return parse_parameters(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)  # a scan writes the same few times on every fact
def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time (``2026-11-20T09:15:00Z``) as an aware datetime; None if unreadable."""
    if not value:
        return None
    try:
        found = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.timezone.utc)
