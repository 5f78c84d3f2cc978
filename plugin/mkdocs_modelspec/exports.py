"""The catalog as files for the tools around the site (``modelspec export --format``):

``json``
    ``models.json``, the document the site publishes at its root, with a
    ``schemaVersion`` and a JSON Schema of its own (published beside it at
    ``schemas/models-json-v1.json``);
``csv``
    one row per model, the catalog table's columns (for spreadsheets);
``backstage``
    Backstage catalog entities, one ``Component`` per spec, as a YAML stream.

And the helpers that write YAML data as JSON.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import __version__
from .drift import model_json, workload_json
from .names import slugify

if TYPE_CHECKING:
    from .pages import Site
    from .views import ModelView

#: The shape of ``models.json``: raised when a field is removed, renamed or changes
#: meaning (new fields may come within a version).
SCHEMA_VERSION = 1
#: Site-root path of the JSON Schema of ``models.json``.
MODELS_SCHEMA = "schemas/models-json-v1.json"
_SCHEMA_FILE = Path(__file__).parent / "schemas" / "models-json-v1.json"


def models_schema() -> str:
    """The JSON Schema of ``models.json`` (draft 2020-12), as published."""
    return _SCHEMA_FILE.read_text(encoding="utf-8")


def catalog_document(site: Site, *, models: list[Any] | None = None) -> dict[str, Any]:
    """The catalog as data: what ``models.json`` and ``modelspec export`` hold
    (``models``: the entries, if already made; see :func:`model_entry`)."""
    if models is None:
        models = [model_entry(site, view) for view in exported(site.views)]
    return {
        "schemaVersion": SCHEMA_VERSION,
        "generator": f"mkdocs-modelspec {__version__}",
        "apiVersion": "piqc.ai/v1alpha1",
        "models": models,
        "diagnostics": [d.to_json() for d in site.catalog.diagnostics],
        "unmatched": [workload_json(w) for w in site.drift.unmatched] if site.drift else [],
        "observed": _observed_json(site),
    }


def exported(views: Iterable[ModelView]) -> list[ModelView]:
    """The models in the order ``models.json`` lists them (by spec file)."""
    return sorted(views, key=lambda v: v.spec.display)


def model_entry(site: Site, view: ModelView) -> dict[str, Any]:
    """One model of ``models.json``."""
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
    return {
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


def models_json(document: dict[str, Any], entries: Sequence[str]) -> str:
    """``models.json`` from a :func:`catalog_document` whose ``models`` is empty and
    the JSON text of each entry (``to_json`` of it, without the line end): the same
    text as ``to_json`` of the whole document, without converting every model again
    (``mkdocs serve`` keeps the entries of the models that did not change)."""
    head, found, tail = to_json(document).partition('"models": []')
    if not found or document["models"] != []:
        raise ValueError("models_json: the document's models must be an empty list")
    return head + '"models": [' + ", ".join(entries) + "]" + tail


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


# --- CSV ---------------------------------------------------------------------------

#: The columns of ``--format csv``: the catalog table's, then where the page and the
#: spec are.
CSV_COLUMNS = (
    "name",
    "team",
    "owner",
    "task",
    "framework",
    "accelerator",
    "environment",
    "readiness",
    "running",
    "status",
    "problems",
    "url",
    "file",
)
#: A cell a spreadsheet would read as a formula starts with one of these.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def catalog_csv(site: Site) -> str:
    """One row per model (by name), the catalog table's columns.

    Text from a spec that a spreadsheet would run as a formula (``=HYPERLINK(...)``,
    ``+``, ``-``, ``@``) is written with a leading ``'``, which spreadsheets show as
    text; nothing else is changed.
    """
    from .views import by_name
    from .views.index import accelerator_text

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for view in by_name(site.views):
        problems = len(view.spec.diagnostics)
        row = {
            "name": view.name,
            "team": view.team,
            "owner": view.owner,
            "task": view.text("spec.identity.model.task"),
            "framework": view.text("spec.identity.model.framework"),
            "accelerator": accelerator_text(view),
            "environment": view.environment,
            "readiness": view.score.level_name if view.score else None,
            "running": view.drift.label if view.drift else None,
            "status": "valid" if view.valid else "invalid",
            "problems": str(problems),
            "url": site.url(view),
            "file": view.spec.display,
        }
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA) else value


# --- Backstage ---------------------------------------------------------------------

#: Backstage's rule for ``metadata.name``: 1 to 63 characters, letters and digits,
#: separated by single ``-``, ``_`` or ``.``.
BACKSTAGE_NAME = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
_NAME_MAX = 63
#: Annotations of each entity (their prefix is the format's API group).
ANNOTATION = "piqc.ai/"
LIFECYCLES = {
    "prod": "production",
    "production": "production",
    "deprecated": "deprecated",
    "retired": "deprecated",
}


def entity_name(name: str, slug: str) -> str:
    """A Backstage ``metadata.name`` for a model: its name when Backstage's rule allows
    it; else its page name (``a-z``, ``0-9``, ``-``), and when that is longer than 63
    characters, its first 54 and 8 hexadecimal digits of the name's SHA-256."""
    if len(name) <= _NAME_MAX and BACKSTAGE_NAME.fullmatch(name):
        return name
    if len(slug) <= _NAME_MAX:
        return slug
    return _with_digest(slug, name)


def _with_digest(slug: str, text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug[:54].rstrip('-')}-{digest}"


def entity_names(site: Site) -> dict[ModelView, str]:
    """Each model's entity name, unique in the catalog as Backstage compares names
    (letter case aside): a name two specs share is made unique by the digest of each
    spec's file."""
    names = {view: entity_name(view.name, view.slug) for view in site.views}
    counts = Counter(name.casefold() for name in names.values())
    for view, name in names.items():
        if counts[name.casefold()] > 1:
            names[view] = _with_digest(view.slug, view.spec.display)
    return names


def owner_ref(team: str | None) -> str:
    """``group:NAME`` for the team (its name made valid as a model's is), or
    ``unknown`` when the spec names none (Backstage requires an owner)."""
    if not team:
        return "unknown"
    return "group:" + entity_name(team, slugify(team) or "team")


def backstage(site: Site, site_url: str | None = None) -> str:
    """Every spec as a Backstage ``Component`` (type ``model``), as a YAML stream.

    ``spec.owner`` is the team (``group:TEAM``); ``spec.lifecycle`` comes from the
    environment (``prod`` -> ``production``, ``deprecated``/``retired`` ->
    ``deprecated``, anything else or none -> ``experimental``); ``spec.dependsOn``
    lists the models its dependencies lead to in the catalog (``component:NAME``);
    ``metadata.links`` has the model's page (``site_url`` + its URL; relative to the
    site root without one). The spec's own name, file and environment are kept as
    annotations.
    """
    from .views import by_name

    names = entity_names(site)
    base = (site_url or "").rstrip("/")
    documents = []
    for view in by_name(site.views):
        dependencies = sorted(
            {
                names[site.by_spec[link.target]]
                for link in site.catalog.links.get(view.spec, [])
                if link.target is not None and link.target in site.by_spec
            }
        )
        environment = view.environment
        annotations = {
            ANNOTATION + "modelspec-name": view.name,
            ANNOTATION + "modelspec-file": view.spec.display,
        }
        if environment:
            annotations[ANNOTATION + "environment"] = environment
        metadata: dict[str, Any] = {"name": names[view]}
        if names[view] != view.name:
            metadata["title"] = view.name
        description = view.text("metadata.description")
        if description:
            metadata["description"] = description
        metadata["annotations"] = annotations
        url = site.url(view)
        metadata["links"] = [
            {"url": f"{base}/{url}" if base else url, "title": "ModelSpec page", "icon": "docs"}
        ]
        spec: dict[str, Any] = {
            "type": "model",
            "lifecycle": LIFECYCLES.get((environment or "").casefold(), "experimental"),
            "owner": owner_ref(view.team),
        }
        if dependencies:
            spec["dependsOn"] = [f"component:{name}" for name in dependencies]
        documents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": metadata,
                "spec": spec,
            }
        )
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, width=100)
