"""Benchmark: what reading observed data and comparing it adds to a build.

    python benchmarks/drift.py                  # 10,000 specs and 10,000 workloads
    python benchmarks/drift.py --count 1000

Makes ``count`` synthetic specs (``benchmarks/synth.py``) and, from them, one workload
each, written twice: as piqc bundles (one per 1,000 workloads, each object with about
20 facts, two fact errors and a pod spec snapshot, as a scan writes them) and as
Kubernetes manifests (one multi-document file per 1,000 Deployments, with an
autoscaler for those that declare one). Most workloads are linked to their spec by name, some
by label; one in ten drifts on a field or two; 2% match no spec.

Prints, each the median of ``--rounds`` runs in this process:

1. reading the bundles, and reading the manifests (``observed.read_observed``);
2. linking and comparing every workload with every spec (``Site`` with the observed
   data against ``Site`` without: the drift step and each model's section);
3. target: 1 + 2 under 1 s;
4. beyond the target, for the record: rendering every page (the drift section of each
   model page, the drift page, the catalog column) and ``models.json`` with the
   observed data against without;
5. with ``--build N``: whole ``mkdocs build`` runs (Material, search) of N specs with
   and without the ``observed`` option, in ABBA order (``benchmarks/build.py``'s way).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import CONFIG
from build import build as mkdocs_build

from mkdocs_modelspec import drift, observed
from mkdocs_modelspec.catalog import Catalog, build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.observed import Observations, read_observed
from mkdocs_modelspec.pages import Options, Site
from mkdocs_modelspec.views import drift as drift_view

from synth import generate

PER_FILE = 1000
GPU_NAMES = {
    "h100": "NVIDIA H100 80GB HBM3",
    "a100-80gb": "NVIDIA A100-SXM4-80GB",
    "a100-40gb": "NVIDIA A100-SXM4-40GB",
    "l4": "NVIDIA L4",
    "l40s": "NVIDIA L40S",
    "t4": "Tesla T4",
    "a10": "NVIDIA A10",
    "mi300x": "AMD Instinct MI300X",
    "tpu-v5e": "tpu-v5-lite-podslice",
}


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _workload(i: int, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """What runs for one spec: its declared values, and now and then a drift."""
    name = _get(data, "metadata.name") or f"model-{i}"
    if rng.random() < 0.02:
        name = f"unlisted-{i}"
    drift = rng.random() < 0.1
    length = _get(data, "spec.runtime.batch.maxSequenceLengthTokens") or 4096
    low = _get(data, "spec.operations.scaling.minReplicas") or 1
    return {
        "name": name,
        "namespace": _get(data, "metadata.labels.team") or "default",
        "labelled": rng.random() < 0.2,
        "engine": _get(data, "spec.identity.model.framework") or "vllm",
        "model": _get(data, "spec.identity.model.id") or name,
        "dtype": {"bf16": "bfloat16", "fp16": "float16"}.get(
            _get(data, "spec.identity.model.precision"), "auto"
        ),
        "length": length // 2 if drift else length,
        "batch": _get(data, "spec.runtime.batch.maxBatchSize") or 32,
        "gpu": GPU_NAMES.get(_get(data, "spec.runtime.accelerator.type"), "NVIDIA L4"),
        "count": _get(data, "spec.runtime.accelerator.count") or 1,
        "replicas": low + (5 if drift and rng.random() < 0.5 else 0),
        "port": _get(data, "spec.operations.serving.port") or 8000,
        "cpu": str(_get(data, "spec.runtime.resources.cpuCores") or 4),
        "memory": f"{_get(data, 'spec.runtime.resources.memoryGb') or 16}Gi",
        "scaled": _get(data, "spec.operations.scaling.strategy") in ("reactive", "predictive"),
    }


def _fact(value: Any, method: str, confidence: str = "high") -> dict[str, Any]:
    return {
        "value": value,
        "source": {"type": "k8s_api", "method": method},
        "dataConfidence": confidence,
        "observedAt": "2026-11-29T06:00:00Z",
    }


def write_bundles(folder: Path, workloads: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True)
    for start in range(0, len(workloads), PER_FILE):
        objects = []
        for w in workloads[start : start + PER_FILE]:
            objects.append(
                {
                    "workloadId": f"ns/{w['namespace']}/deployment/{w['name']}",
                    "kind": "Deployment",
                    "name": w["name"],
                    "namespace": w["namespace"],
                    "images": ["vllm/vllm-openai:v0.8.5"],
                    "facts": {
                        "runtime.engineType": _fact(w["engine"], "framework_detection", "medium"),
                        "runtime.engineVersion": _fact("v0.8.5", "container_image"),
                        "model.name": _fact(w["model"], "container_args"),
                        "vllm.dtype": _fact(w["dtype"], "container_args"),
                        "vllm.maxModelLen": _fact(w["length"], "container_args"),
                        "vllm.maxNumSeqs": _fact(w["batch"], "container_args"),
                        "hardware.gpuType": _fact(w["gpu"], "nvidia-smi"),
                        "hardware.gpuCount": _fact(w["count"], "pod_resources"),
                        "hardware.gpuMemoryGB": _fact(79.65, "nvidia-smi"),
                        "k8s.replicas": _fact(w["replicas"], "deployment_spec"),
                        "k8s.cpuRequest": _fact(w["cpu"], "pod_resources"),
                        "k8s.memoryRequest": _fact(w["memory"], "pod_resources"),
                        "k8s.nodeName": _fact("gke-pool-1-abcd", "pod_status"),
                        "endpoint.httpPort": _fact(w["port"], "container_ports"),
                        "autoscaling.enabled": _fact(w["scaled"], "hpa"),
                        "obs.requestLatency.p95Ms": _fact(120, "histogram", "medium"),
                        "obs.rps.avg": _fact(42.5, "rate_5m", "medium"),
                        "obs.gpu.memUtilAvgPct": _fact(71, "dcgm", "medium"),
                    },
                    "podSpecSnapshot": {
                        "containers": [
                            {
                                "name": "vllm",
                                "image": "vllm/vllm-openai:v0.8.5",
                                "args": [
                                    "--model",
                                    w["model"],
                                    "--max-model-len",
                                    str(w["length"]),
                                ],
                                "env": [{"name": "HF_HUB_OFFLINE", "value": "1"}],
                            }
                        ]
                    },
                }
            )
        bundle = {
            "schemaVersion": "piqc-scan.v0.1",
            "generatedAt": "2026-11-29T06:00:00Z",
            "tool": {"name": "piqc", "version": "1.10.0"},
            "cluster": {"name": f"cluster-{start // PER_FILE}"},
            "objects": objects,
            "factErrors": [
                {
                    "workloadId": o["workloadId"],
                    "factKey": key,
                    "error": f"Required fact '{key}' could not be collected",
                    "severity": "warning",
                }
                for o in objects
                for key in ("vllm.tensorParallelSize", "obs.gpu.utilAvgPct")
            ],
        }
        (folder / f"scan-{start // PER_FILE:02d}.json").write_text(json.dumps(bundle, indent=1))


MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}{label}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      nodeSelector:
        nvidia.com/gpu.product: {product}
      containers:
        - name: server
          image: vllm/vllm-openai:v0.8.5
          args:
            - --model
            - {model}
            - --max-model-len={length}
            - --dtype
            - {dtype}
            - --max-num-seqs
            - "{batch}"
          env:
            - name: HF_TOKEN
              valueFrom:
                secretKeyRef: {{name: hf, key: token}}
          ports:
            - containerPort: {port}
          resources:
            requests:
              cpu: "{cpu}"
              memory: {memory}
            limits:
              nvidia.com/gpu: "{count}"
"""
HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {namespace}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: {replicas}
  maxReplicas: {high}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {{type: Utilization, averageUtilization: 60}}
"""


def write_manifests(folder: Path, workloads: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True)
    for start in range(0, len(workloads), PER_FILE):
        documents = []
        for w in workloads[start : start + PER_FILE]:
            values = {
                **w,
                "label": f"\n    modelspec/name: {w['name']}" if w["labelled"] else "",
                "product": w["gpu"].replace(" ", "-"),
                "model": json.dumps(w["model"]),
                "high": w["replicas"] + 4,
            }
            documents.append(MANIFEST.format(**values))
            if w["scaled"]:
                documents.append(HPA.format(**values))
        (folder / f"rendered-{start // PER_FILE:02d}.yaml").write_text("---\n".join(documents))


def median_time(action: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Median (wall-clock, CPU) seconds of ``action``. The CPU time of this process is
    what the step costs; the wall-clock time also counts other work on a busy machine.

    Each round starts cold, as a build does: the caches of spellings and times the
    modules keep are emptied, and what a round made is freed after its clock stops
    (a build does not free it half-way)."""
    walls, cpus = [], []
    for _ in range(rounds):
        cold()
        started, cpu = time.perf_counter(), time.process_time()
        made = action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        del made
    return statistics.median(walls), statistics.median(cpus)


def cold() -> None:
    """Empties what the modules remember from one build to the next (under ``mkdocs
    serve``): a build's first reading of each spelling and time is paid again."""
    for remembered in (
        observed.engine_of,
        observed.normalise_accelerator,
        observed._precision,
        observed._count_text,
        observed._cpu_text,
        observed._memory_text,
        observed._engine,
        observed.parse_time,
        drift._vendor_of,
        drift_view.when_text,
    ):
        remembered.cache_clear()
    observed._METHODS.clear()


def shown(times: tuple[float, float]) -> str:
    return f"{times[0]:5.2f} s wall, {times[1]:5.2f} s CPU"


def minus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] - b[0], a[1] - b[1]


def site(catalog: Catalog, observed: Observations | None) -> Site:
    return Site(catalog, Options(), observed=observed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages-rounds", type=int, default=1)
    parser.add_argument("--build", type=int, metavar="N", help="also time mkdocs build at N specs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root / "specs", args.count)
        specs = load_roots([root / "specs"], base=root)
        catalog = build_catalog(specs, [root / "specs"])
        rng = random.Random(11)
        workloads = [_workload(i, s.data or {}, rng) for i, s in enumerate(catalog.files)]
        write_bundles(root / "piqc", workloads)
        write_manifests(root / "k8s", workloads)
        sizes = {
            kind: sum(p.stat().st_size for p in (root / kind).iterdir()) / 1e6
            for kind in ("piqc", "k8s")
        }
        print(
            f"{args.count:,} specs, {len(workloads):,} workloads: bundles {sizes['piqc']:.1f} MB, "
            f"manifests {sizes['k8s']:.1f} MB; median of {args.rounds} rounds; "
            f"{os.cpu_count()} CPUs"
        )
        # Only the last result is kept: a pile of earlier ones would slow the rest down.
        bundles: list[Observations] = []
        manifests: list[Observations] = []

        def read(into: list[Observations], folder: str) -> list[Observations]:
            # The previous round's result is freed after the clock stops (median_time).
            earlier = into[:]
            into[:] = [read_observed([str(root / folder)], base=tmp)]
            return earlier

        read_bundles = median_time(lambda: read(bundles, "piqc"), args.rounds)
        read_manifests = median_time(lambda: read(manifests, "k8s"), args.rounds)
        for found in (bundles[-1], manifests[-1]):
            assert len(found.workloads) == len(workloads), len(found.workloads)
            assert not found.diagnostics, found.diagnostics[:3]
        without = median_time(lambda: site(catalog, None), args.rounds)
        with_bundles = median_time(lambda: site(catalog, bundles[-1]), args.rounds)
        with_manifests = median_time(lambda: site(catalog, manifests[-1]), args.rounds)
        compared = site(catalog, bundles[-1])
        by_name = {v.spec.name: v for v in site(catalog, None).views if v.spec.name}

        def link(observations: Observations) -> None:
            for workload in observations.workloads:
                drift._link(workload, by_name, {}, drift.Settings(), [])

        report = compared.drift
        assert report is not None
        statuses = [v.drift.status for v in compared.views if v.drift is not None]
        print(
            f"  linked: {len(workloads) - len(report.unmatched):,} workloads, "
            f"{len(report.unmatched):,} running without a spec; models: "
            f"{statuses.count('drift'):,} drift, {statuses.count('match'):,} as declared, "
            f"{statuses.count('not seen'):,} not seen"
        )
        print(f"1. read the piqc bundles:   {shown(read_bundles)}")
        print(f"   read the manifests:      {shown(read_manifests)}")
        print(
            f"   link only (bundles):     {shown(median_time(lambda: link(bundles[-1]), args.rounds))}"
        )
        print(
            f"2. link and compare (Site with the observed data - Site without, {shown(without)}):"
        )
        print(f"   bundles:                 {shown(minus(with_bundles, without))}")
        print(f"   manifests:               {shown(minus(with_manifests, without))}")
        totals = {
            "bundles": minus(
                (read_bundles[0] + with_bundles[0], read_bundles[1] + with_bundles[1]), without
            ),
            "manifests": minus(
                (read_manifests[0] + with_manifests[0], read_manifests[1] + with_manifests[1]),
                without,
            ),
        }
        for kind, total in totals.items():
            print(f"3. read + link + compare, {kind}: {shown(total)} (target: under 1 s)")
        plain = site(catalog, None)

        def render(target: Site) -> None:
            target.pages()
            target.files()

        if args.build:
            whole_builds(root / "builds", args.build)
        rendered_without = median_time(lambda: render(plain), args.pages_rounds)
        rendered_with = median_time(lambda: render(compared), args.pages_rounds)
        print(
            f"4. pages and models.json (wall-clock: the pages render in two processes): "
            f"{rendered_without[0]:.2f} s without, {rendered_with[0]:.2f} s with the observed "
            f"data ({rendered_with[0] / rendered_without[0]:.2f}x)"
        )


def whole_builds(folder: Path, count: int) -> None:
    """5. ``mkdocs build`` of ``count`` specs without and with their observed data."""
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n")
    generate(folder / "specs", count)
    specs = load_roots([folder / "specs"], base=folder)
    rng = random.Random(11)
    write_bundles(
        folder / "observed", [_workload(i, s.data or {}, rng) for i, s in enumerate(specs)]
    )
    configs = {
        "without": CONFIG.format(overviews="", plugin="  - modelspec"),
        "with": CONFIG.format(overviews="", plugin="  - modelspec:\n      observed: observed"),
    }
    times: dict[str, list[tuple[float, float]]] = {"without": [], "with": []}
    for name in ("without", "with", "with", "without"):
        (folder / "mkdocs.yml").write_text(configs[name])
        seconds, _, spent = mkdocs_build(folder)
        times[name].append((seconds, spent))
    for name, found in times.items():
        print(
            f"5. mkdocs build, {count:,} specs, {name} observed data: "
            + ", ".join(f"{t:.1f} s (plugin {p:.2f} s)" for t, p in found)
        )
    total = {n: statistics.mean(t for t, _ in found) for n, found in times.items()}
    plugin = {n: statistics.mean(p for _, p in found) for n, found in times.items()}
    print(
        f"   with / without: build {total['with'] / total['without']:.3f}x "
        f"({total['with'] - total['without']:+.1f} s), plugin "
        f"{plugin['with'] - plugin['without']:+.2f} s"
    )


if __name__ == "__main__":
    main()
