"""Accelerator memory, and what a model's accelerators add up to: pure functions.

Memory figures
--------------
:data:`BUILT_IN` holds the published memory of common accelerators, per device (per
chip for TPUs), in GB as their makers publish them. The plugin's ``accelerators``
option adds types or overrides figures. A spec's ``spec.runtime.accelerator.type``
is matched leniently (:func:`normalise`): letter case, ``_``/space/``.`` for ``-``,
vendor words (``nvidia-``), form factors (``-sxm``, ``-pcie``) and the spelling of
the memory size (``80gb``, ``80g``, ``80-gb``) do not matter. A type that matches
nothing, or that matches several sizes (``a100``: 40 or 80 GB), has no figure: it is
listed as unknown, never guessed.

Weight estimate
---------------
With the annotation ``parameters`` (``70b``, ``8B``, ``350m``, ``7000000000``) and a
precision the table below knows, the weights take about *parameters x bytes per
parameter*. That is an estimate of the weights alone (no KV cache, activations or
runtime overhead), compared with the accelerator memory of one replica.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .views import number, text

#: Memory per accelerator, in GB, as published (TPUs: per chip).
BUILT_IN: dict[str, float] = {
    "a10": 24,
    "a10g": 24,
    "a100-40gb": 40,
    "a100-80gb": 80,
    "h100": 80,
    "h200": 141,
    "l4": 24,
    "l40s": 48,
    "t4": 16,
    "mi300x": 192,
    "tpu-v4": 32,
    "tpu-v5e": 16,
    "tpu-v5p": 95,
    "tpu-v6e": 32,
}

#: The annotation (``metadata.annotations.parameters``) that gives a parameter count.
PARAMETERS_ANNOTATION = "parameters"

#: Weights above this share of a replica's memory leave little room for the KV cache.
TIGHT = 0.9

# Words that say nothing about the memory: vendors, product lines, form factors.
_NOISE = frozenset(
    {
        "nvidia",
        "amd",
        "google",
        "gcp",
        "intel",
        "tesla",
        "instinct",
        "gpu",
        "sxm",
        "sxm2",
        "sxm4",
        "sxm5",
        "pcie",
        "oam",
        "podslice",
        "slice",
        "chip",
    }
)
_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)(?:gb|g|gib)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_TPU = re.compile(r"(?:tpu-?)?(v\d+)(?:-?(litepod|lite|e|p))?(?:-?pod)?")
_SEPARATORS = re.compile(r"[\s_./]+|-+")


@dataclass(frozen=True)
class Key:
    """A type name reduced to what identifies its memory."""

    base: str
    """The model of the device (``a100``, ``tpu-v5e``)."""
    memory: float | None
    """A memory size written in the name (``a100-80gb`` -> 80), else None."""

    @property
    def text(self) -> str:
        if self.memory is None:
            return self.base
        return f"{self.base}-{_gb(self.memory)}gb"


def normalise(name: str) -> Key:
    """``NVIDIA-A100-SXM4-80GB`` -> ``Key("a100", 80)``; ``tpu-v5-lite-podslice`` -> ``tpu-v5e``."""
    words = [w for w in _SEPARATORS.split(name.strip().lower()) if w]
    memory: float | None = None
    kept: list[str] = []
    for word in words:
        if word in ("gb", "g", "gib") and kept and _NUMBER.match(kept[-1]):
            memory = float(kept.pop())  # "80-gb", "80 gb"
            continue
        size = _MEMORY.match(word)
        if size and kept:
            memory = float(size.group(1))
            continue
        if word not in _NOISE:
            kept.append(word)
    joined = "-".join(kept)
    # TPU spellings: tpu-v5e, tpuv5e, v5e, tpu-v5-lite, v5litepod. A bare "v4" or
    # "v100" is not taken for a TPU: it could be anything.
    tpu = _TPU.fullmatch(joined)
    if tpu and (joined.startswith("tpu") or tpu.group(2)):
        suffix = tpu.group(2) or ""
        return Key(f"tpu-{tpu.group(1)}{'e' if suffix.startswith('lite') else suffix}", memory)
    return Key(joined, memory)


def _gb(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Match:
    """What the table says about one accelerator type."""

    name: str
    """The type as written in the spec."""
    memory_gb: float | None
    """Memory per accelerator; None when the type is unknown or ambiguous."""
    entry: str | None
    """The table entry it matched (``a100-80gb``)."""
    problem: str | None = None
    """Why there is no figure: ``unknown type`` or ``ambiguous: 40 or 80 GB``."""


class Accelerators:
    """The accelerator memory table: built-in figures, then the site's own."""

    def __init__(self, extra: Mapping[str, float] | None = None) -> None:
        self.entries: dict[str, float] = {}
        self._by_key: dict[Key, str] = {}
        for name, memory in {**BUILT_IN, **(extra or {})}.items():
            key = normalise(name)
            previous = self._by_key.get(key)
            if previous is not None:  # an override spelled differently: replace it
                del self.entries[previous]
            self._by_key[key] = name
            self.entries[name] = float(memory)
        self._cache: dict[str, Match] = {}

    def lookup(self, name: str) -> Match:
        """The memory of ``name``: an exact entry first, then by model and size."""
        found = self._cache.get(name)
        if found is None:
            found = self._cache[name] = self._lookup(name)
        return found

    def _lookup(self, name: str) -> Match:
        key = normalise(name)
        exact = self._by_key.get(key)
        if exact is not None:
            return Match(name, self.entries[exact], exact)
        same_base = [(k, n) for k, n in self._by_key.items() if k.base == key.base]
        if key.memory is not None:
            # "h100-80gb": the entry "h100" (80 GB) is that device.
            sized = [n for k, n in same_base if k.memory is None and self.entries[n] == key.memory]
            if len(sized) == 1:
                return Match(name, self.entries[sized[0]], sized[0])
            if same_base:
                known = " or ".join(sorted({_gb(self.entries[n]) for _, n in same_base}))
                return Match(name, None, None, f"no {_gb(key.memory)} GB model known ({known} GB)")
            return Match(name, None, None, "unknown type")
        sizes = sorted({self.entries[n] for _, n in same_base})
        if len(sizes) == 1:
            entry = min(n for _, n in same_base)
            return Match(name, sizes[0], entry)
        if sizes:
            shown = " or ".join(_gb(s) for s in sizes)
            return Match(name, None, None, f"ambiguous: {shown} GB (write the size in the type)")
        return Match(name, None, None, "unknown type")


# --- parameters and precision -----------------------------------------------------------

_PARAMETERS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmbt])?\s*$", re.IGNORECASE)
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def parse_parameters(value: str) -> float | None:
    """``70b`` -> 7e10, ``350m`` -> 3.5e8, ``7000000000`` and ``7_000_000_000`` -> 7e9."""
    compact = value.replace("_", "").replace(",", "")
    match = _PARAMETERS.match(compact)
    if not match:
        return None
    count = float(match.group(1)) * _SCALE.get((match.group(2) or "").lower(), 1)
    return count if count > 0 and math.isfinite(count) else None


# (words in the precision, bytes per parameter), first match wins.
_PRECISIONS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("int4", "fp4", "nf4", "4bit", "4-bit", "w4a16"), 0.5),
    (("fp8", "int8", "float8", "8bit", "8-bit", "e4m3", "e5m2", "w8a8"), 1),
    (("bf16", "fp16", "float16", "bfloat16", "half"), 2),
    (("fp32", "float32", "tf32", "full"), 4),
)


def bytes_per_parameter(precision: str) -> float | None:
    """``bf16`` -> 2, ``int4-awq`` -> 0.5; None for a precision not in the table."""
    lowered = precision.lower()
    for words, size in _PRECISIONS:
        if any(word in lowered for word in words):
            return size
    return None


# --- one model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Capacity:
    """A model's accelerator memory and, where it can be made, its weight estimate."""

    match: Match | None
    """The accelerator type and its memory (None: the spec declares no type)."""
    count: int | None
    """Accelerators per replica."""
    max_replicas: int | None
    min_replicas: int | None
    parameters: float | None = None
    """Parameter count from the annotation."""
    parameters_text: str | None = None
    """The annotation as written."""
    precision: str | None = None
    bytes_per_parameter: float | None = None
    estimate_note: str | None = None
    """Why no weight estimate is made (when the annotation is there)."""

    @property
    def memory_gb(self) -> float | None:
        """Memory of one accelerator."""
        return self.match.memory_gb if self.match else None

    @property
    def per_replica_gb(self) -> float | None:
        if self.memory_gb is None or self.count is None:
            return None
        return self.memory_gb * self.count

    @property
    def at_min_gb(self) -> float | None:
        per = self.per_replica_gb
        return None if per is None or self.min_replicas is None else per * self.min_replicas

    @property
    def at_max_gb(self) -> float | None:
        per = self.per_replica_gb
        return None if per is None or self.max_replicas is None else per * self.max_replicas

    @property
    def weights_gb(self) -> float | None:
        """Estimated weight memory, in GB (10^9 bytes)."""
        if self.parameters is None or self.bytes_per_parameter is None:
            return None
        return self.parameters * self.bytes_per_parameter / 1e9

    @property
    def share(self) -> float | None:
        """Weights as a share of one replica's accelerator memory."""
        weights, per = self.weights_gb, self.per_replica_gb
        if weights is None or per is None or per <= 0:
            return None
        return weights / per

    @property
    def fits(self) -> bool | None:
        """Whether the weights fit one replica's memory; None when it cannot be said."""
        share = self.share
        return None if share is None else share <= 1

    @property
    def verdict(self) -> str | None:
        """``fits``, ``tight`` (over 90 %) or ``does not fit``; None without an estimate."""
        share = self.share
        if share is None:
            return None
        if share > 1:
            return "does not fit"
        return "tight" if share > TIGHT else "fits"


def _whole(value: int | float | None) -> int | None:
    """A count from a spec read leniently: a spec with problems may hold -1 or .inf."""
    if value is None or not math.isfinite(value) or value < 0:
        return None
    return int(value)


def assess(data: Any, table: Accelerators) -> Capacity:
    """The capacity figures of one spec (read leniently: any spec, valid or not)."""
    kind = text(data, "spec.runtime.accelerator.type")
    count = _whole(number(data, "spec.runtime.accelerator.count"))
    capacity = Capacity(
        match=table.lookup(kind) if kind else None,
        count=count,
        min_replicas=_whole(number(data, "spec.operations.scaling.minReplicas")),
        max_replicas=_whole(number(data, "spec.operations.scaling.maxReplicas")),
    )
    written = text(data, f"metadata.annotations.{PARAMETERS_ANNOTATION}")
    if written is None:
        return capacity
    parameters = parse_parameters(written)
    precision = text(data, "spec.identity.model.precision")
    size = bytes_per_parameter(precision) if precision else None
    note = None
    if parameters is None:
        note = (
            f"the {PARAMETERS_ANNOTATION} annotation is not a count (write 70b, 350m or 7000000000)"
        )
    elif precision is None:
        note = "no precision declared: bytes per parameter unknown"
    elif size is None:
        note = f"precision {precision}: bytes per parameter unknown"
    return Capacity(
        match=capacity.match,
        count=count,
        min_replicas=capacity.min_replicas,
        max_replicas=capacity.max_replicas,
        parameters=parameters,
        parameters_text=written,
        precision=precision,
        bytes_per_parameter=size,
        estimate_note=note,
    )


def gigabytes(value: float | None) -> str | None:
    """``320.0`` -> ``320 GB``; ``0.7`` -> ``0.7 GB``; None stays None."""
    if value is None or not math.isfinite(value):
        return None
    if value >= 100 or float(value).is_integer():
        return f"{round(value):,} GB"
    return f"{value:,.1f} GB" if value >= 1 else f"{value:.2g} GB"


def parameters_text(count: float) -> str:
    """``7e10`` -> ``70B``; ``3.5e8`` -> ``350M``."""
    for suffix, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= scale:
            shown = count / scale
            return f"{shown:.3g}{suffix}"
    return f"{count:g}"
