"""The catalog as files for the tools around the site: ``models.json`` (``modelspec
export``), and the helpers that write YAML data as JSON.

The site publishes ``models.json`` (see ``pages.Site.files``); ``modelspec export``
prints the same document.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from . import __version__
from .drift import model_json, workload_json

if TYPE_CHECKING:
    from .pages import Site
    from .views import ModelView


def catalog_document(site: Site) -> dict[str, Any]:
    """The catalog as data: what ``models.json`` and ``modelspec export`` hold."""
    models = []
    for view in sorted(site.views, key=lambda v: v.spec.display):
        spec = view.spec
        links = {link.index: link for link in site.catalog.links.get(spec, [])}
        deps = []
        raw = view.data.get("spec", {}) if isinstance(view.data, dict) else {}
        pipeline = raw.get("pipeline") if isinstance(raw, dict) else None
        declared = pipeline.get("dependencies") if isinstance(pipeline, dict) else None
        for index, dep in enumerate(declared if isinstance(declared, list) else []):
            if not isinstance(dep, dict):
                continue
            link = links.get(index)
            target = site.by_spec.get(link.target) if link and link.target else None
            deps.append(
                {
                    "id": dep.get("id"),
                    "role": dep.get("role"),
                    "required": dep.get("required", True) is not False,
                    "specRef": dep.get("specRef"),
                    "model": target.name if target else None,
                }
            )
        models.append(
            {
                "name": view.name,
                "url": site.url(view),
                "source": spec.rel,
                "file": spec.display,
                "valid": spec.valid,
                "team": view.team,
                "owner": view.owner,
                "contact": view.contact,
                "spec": spec.data,
                "dependencies": deps,
                "dependents": sorted(
                    {site.by_spec[link.source].name for link in site.catalog.dependents[spec]}
                ),
                "problems": len(spec.diagnostics),
                "readiness": view.score.to_json() if view.score else None,
                "capacity": _capacity_json(view),
                "observed": model_json(view.drift.model) if view.drift else None,
            }
        )
    return {
        "generator": f"mkdocs-modelspec {__version__}",
        "apiVersion": "piqc.ai/v1alpha1",
        "models": models,
        "diagnostics": [d.to_json() for d in site.catalog.diagnostics],
        "unmatched": [workload_json(w) for w in site.drift.unmatched] if site.drift else [],
        "observed": _observed_json(site),
    }


def _observed_json(site: Site) -> dict[str, Any] | None:
    """What was read as running, and the problems found in it (None: not read)."""
    report = site.drift
    if report is None:
        return None
    observations = report.observations
    statuses = [v.drift.status for v in site.views if v.drift is not None]
    return {
        "files": observations.files,
        "workloads": len(observations.workloads),
        "newest": observations.newest,
        "staleAfterSeconds": report.settings.stale_after,
        "models": {s: statuses.count(s) for s in ("drift", "match", "not seen")},
        "diagnostics": [d.to_json() for d in report.diagnostics],
    }


def _capacity_json(view: ModelView) -> dict[str, Any] | None:
    capacity = view.capacity
    if capacity is None or capacity.match is None:
        return None
    return {
        "acceleratorMemoryGb": capacity.memory_gb,
        "memoryPerReplicaGb": capacity.per_replica_gb,
        "memoryAtMaxScaleGb": capacity.at_max_gb,
        "unknownType": capacity.match.problem,
        "parameters": capacity.parameters,
        "weightsGbEstimate": capacity.weights_gb,
        "weightsFit": capacity.fits,
    }


def to_json(value: Any, indent: int | None = None) -> str:
    """YAML data as JSON text; non-finite numbers (JSON has none) become text."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)
    except ValueError:  # .nan or .inf somewhere: rare, so the slow walk only then
        text = json.dumps(_json_safe(value), ensure_ascii=False, indent=indent)
    return text + "\n"


def _json_safe(value: Any) -> Any:
    """YAML data as JSON: non-finite numbers become text (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value
