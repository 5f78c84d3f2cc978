"""Reading what runs: piqc bundles and Kubernetes manifests -> workloads and facts
(observed.py), and what bad observed input becomes (a diagnostic, never a crash)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_modelspec.capacity import Accelerators
from mkdocs_modelspec.diagnostics import Code, Severity
from mkdocs_modelspec.drift import same_accelerator
from mkdocs_modelspec.observed import (
    Observations,
    normalise_accelerator,
    normalise_cpu,
    normalise_memory,
    normalise_precision,
    normalise_tokens,
    read_observed,
    redact,
)

from conftest import FIXTURES

SHARED_SAMPLE = FIXTURES.parent.parent.parent / "shared" / "observed-formats"
SAMPLE = next(
    (
        p / "sample-piqc-facts.json"
        for p in (SHARED_SAMPLE, Path("/work/shared/observed-formats"))
        if (p / "sample-piqc-facts.json").is_file()
    ),
    None,
)


def read(tmp_path: Path, files: dict[str, str | bytes]) -> Observations:
    for name, text in files.items():
        path = tmp_path / "observed" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return read_observed([str(tmp_path / "observed")], base=str(tmp_path))


def only(observations: Observations):  # the one workload read
    assert len(observations.workloads) == 1, observations.workloads
    return observations.workloads[0]


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
  namespace: inference
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: sidecar
          image: envoyproxy/envoy:v1.31
        - name: vllm
          image: vllm/vllm-openai:v0.8.5
          args:
            - --model
            - org/chat-70b
            - --max-model-len=8192
            - --dtype
            - bfloat16
          ports:
            - containerPort: 8000
          resources:
            limits:
              nvidia.com/gpu: "4"
"""


# --- piqc bundles --------------------------------------------------------------------


@pytest.mark.skipif(SAMPLE is None, reason="the shared observed-formats sample is not here")
def test_the_published_sample_bundle_is_read_fact_by_fact() -> None:
    assert SAMPLE is not None
    observations = read_observed([str(SAMPLE)])
    assert observations.diagnostics == []
    workload = only(observations)
    assert (workload.id, workload.context, workload.format) == (
        "ns/chat/deployment/example-chat",
        "prod-us-east",
        "piqc",
    )
    assert workload.value("gpuType") == "NVIDIA L40S"
    assert workload.value("maxModelLen") == 8192
    assert workload.fact("engine").confidence == "medium"
    assert workload.fact("dtype").method == "k8s_api/container_args"
    missing = workload.fact("maxBatch")
    assert missing.value is None
    assert "could not be collected" in missing.error


def test_a_real_scan_keeps_only_the_facts_compared_and_their_errors() -> None:
    workload = only(read_observed([str(FIXTURES / "observed" / "real-scan.json")]))
    # 21 facts in the bundle, five of them (driver version, node name...) not used.
    assert "hardware.driverVersion" not in json.dumps(list(workload.facts))
    assert {k for k, f in workload.facts.items() if f.error} == {
        "maxBatch",
        "tensorParallel",
        "gpuUtilPct",
    }
    assert workload.observed_at == "2026-11-20T09:15:00Z"


def test_another_schema_version_is_refused_at_its_line(tmp_path: Path) -> None:
    bundle = {"schemaVersion": "piqc-scan.v0.2", "objects": [{"workloadId": "ns/a/deployment/b"}]}
    observations = read(tmp_path, {"scan.json": json.dumps(bundle, indent=2)})
    assert observations.workloads == []
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_SCHEMA_VERSION
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("observed/scan.json", 2, 4)
    assert '"piqc-scan.v0.2"' in diagnostic.message
    assert "piqc-scan.v0.1" in diagnostic.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{\n  "schemaVersion": "piqc-scan.v0.1",\n  "objects": [\n', 4),
        ('{"schemaVersion": "piqc-scan.v0.1", "objects": [,]}', 1),
        ("[" * 100_000, 1),
    ],
)
def test_malformed_json_is_a_diagnostic_with_its_line(tmp_path: Path, text: str, line: int) -> None:
    observations = read(tmp_path, {"scan.json": text})
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_SYNTAX
    assert diagnostic.line == line
    assert diagnostic.severity is Severity.ERROR


def test_objects_without_a_workload_id_are_skipped_and_named(tmp_path: Path) -> None:
    bundle = {
        "schemaVersion": "piqc-scan.v0.1",
        "objects": [{"kind": "Deployment"}, {"workloadId": "ns/a/deployment/b", "facts": {}}],
    }
    observations = read(tmp_path, {"scan.json": json.dumps(bundle)})
    assert [w.id for w in observations.workloads] == ["ns/a/deployment/b"]
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_SHAPE
    assert "objects[0]" in diagnostic.message


def test_an_older_fact_key_is_read_only_when_the_newer_one_is_absent(tmp_path: Path) -> None:
    def fact(value: object) -> dict[str, object]:
        return {"value": value, "dataConfidence": "high"}

    objects = [
        {"workloadId": "ns/a/deployment/old", "facts": {"runtime.dtype": fact("float16")}},
        {  # the newer key wins, wherever it is written in the map
            "workloadId": "ns/a/deployment/both",
            "facts": {"runtime.dtype": fact("float16"), "vllm.dtype": fact("bfloat16")},
        },
        {  # the newer key's value cannot be shown: the older key does not stand in for it
            "workloadId": "ns/a/deployment/odd",
            "facts": {"vllm.dtype": fact({"a": 1}), "runtime.dtype": fact("float16")},
        },
    ]
    bundle = {"schemaVersion": "piqc-scan.v0.1", "objects": objects}
    observations = read(tmp_path, {"scan.json": json.dumps(bundle)})
    found = {w.name: w.fact("dtype") for w in observations.workloads}
    assert (found["old"].value, found["old"].origin) == ("float16", "runtime.dtype")
    assert (found["both"].value, found["both"].origin) == ("bfloat16", "vllm.dtype")
    assert found["odd"] is None


def test_json_the_fast_reader_refuses_is_read_as_json_allows(tmp_path: Path) -> None:
    # A lone surrogate escape is valid JSON that pydantic's reader refuses.
    text = (
        '{"schemaVersion": "piqc-scan.v0.1", "objects": [{"workloadId": "ns/a/deployment/b",'
        ' "facts": {"model.name": {"value": "org/m\\ud800"}}}]}'
    )
    observations = read(tmp_path, {"scan.json": text})
    assert observations.diagnostics == []
    assert only(observations).value("modelId") == "org/m\ud800"


def test_a_50_mb_bundle_is_refused_without_being_read(tmp_path: Path) -> None:
    padding = "x" * (50 * 1024 * 1024)
    bundle = '{"schemaVersion": "piqc-scan.v0.1", "notes": ["' + padding + '"], "objects": []}'
    observations = read(tmp_path, {"huge.json": bundle, "ok.yaml": DEPLOYMENT})
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_TOO_LARGE
    assert diagnostic.file == "observed/huge.json"
    assert "33,554,432 bytes" in diagnostic.message
    assert [w.name for w in observations.workloads] == ["chat"]  # the rest is still read


def test_duplicate_workloads_are_reported_at_the_second(tmp_path: Path) -> None:
    observations = read(tmp_path, {"a.yaml": DEPLOYMENT + "---\n" + DEPLOYMENT})
    assert len(observations.workloads) == 1
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_DUPLICATE
    assert diagnostic.line == DEPLOYMENT.count("\n") + 3  # `kind:` of the second copy
    assert "first at observed/a.yaml:2" in diagnostic.message


def test_the_same_workload_in_two_folders_is_two_environments(tmp_path: Path) -> None:
    observations = read(tmp_path, {"prod/chat.yaml": DEPLOYMENT, "staging/chat.yaml": DEPLOYMENT})
    assert observations.diagnostics == []
    assert sorted(w.context for w in observations.workloads) == [
        "observed/prod",
        "observed/staging",
    ]


# --- manifests -------------------------------------------------------------------------


def test_engine_flags_are_read_from_the_engine_container(tmp_path: Path) -> None:
    workload = only(read(tmp_path, {"chat.yaml": DEPLOYMENT}))
    assert workload.id == "ns/inference/deployment/chat"
    assert workload.value("engine") == "vllm"
    assert workload.value("engineVersion") == "v0.8.5"
    assert workload.value("modelId") == "org/chat-70b"
    assert workload.value("maxModelLen") == "8192"
    assert workload.value("gpuCount") == 4
    assert workload.value("vendor") == "nvidia"
    assert workload.value("port") == 8000
    assert workload.value("replicas") == 3
    # Each value names the line it is written on.
    lines = DEPLOYMENT.splitlines()
    assert "--max-model-len=8192" in lines[workload.fact("maxModelLen").line - 1]
    assert "nvidia.com/gpu" in lines[workload.fact("gpuCount").line - 1]
    assert "replicas: 3" in lines[workload.fact("replicas").line - 1]
    assert workload.value("autoscaling") is False
    assert workload.fact("autoscaling").confidence == "medium"


def test_kubectl_list_output_and_an_autoscaler_elsewhere(tmp_path: Path) -> None:
    listed = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {"name": "embed", "namespace": "search"},
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {
                                    "name": "tgi",
                                    "image": "ghcr.io/huggingface/text-generation-inference:2.4",
                                    "env": [
                                        {"name": "NUM_SHARD", "value": "2"},
                                        {"name": "MAX_TOTAL_TOKENS", "value": "4096"},
                                        {"name": "SECRET_THING", "value": "never-read"},
                                    ],
                                    "resources": {"limits": {"nvidia.com/gpu": 2}},
                                }
                            ]
                        }
                    }
                },
            }
        ],
    }
    hpa = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: embed, namespace: search}
spec:
  scaleTargetRef: {kind: StatefulSet, name: embed}
  minReplicas: 2
  maxReplicas: 8
  metrics: [{type: Resource, resource: {name: cpu}}]
"""
    observations = read(tmp_path, {"list.json": json.dumps(listed, indent=1), "hpa.yaml": hpa})
    workload = only(observations)
    assert workload.value("engine") == "tgi"
    assert workload.value("tensorParallel") == "2"
    assert workload.value("maxModelLen") == "4096"
    assert "never-read" not in repr(workload)
    assert (workload.value("minReplicas"), workload.value("maxReplicas")) == (2, 8)
    assert workload.value("autoscaling") is True
    assert workload.value("autoscalingMetric") == "cpu"
    assert "replicas" not in workload.facts  # the autoscaler decides


def test_facts_of_a_list_item_point_at_its_own_lines(tmp_path: Path) -> None:
    item = """\
  - kind: Deployment
    metadata: {{name: {name}}}
    spec:
      replicas: {replicas}
      template:
        spec:
          containers:
            - image: vllm/vllm-openai:v0.8.5
              args: [--max-model-len=8192]
"""
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        + item.format(name="first", replicas=2)
        + "  - kind: [Deployment]\n"  # skipped: no crash, nothing read
        + item.format(name="second", replicas=3)
    )
    observations = read(tmp_path, {"list.yaml": text})
    assert observations.diagnostics == []
    first, second = observations.workloads
    assert (first.line, first.fact("replicas").line, first.fact("maxModelLen").line) == (4, 7, 12)
    assert (second.line, second.fact("replicas").line, second.fact("maxModelLen").line) == (
        14,
        17,
        22,
    )


def test_a_list_item_whose_kind_is_not_text_is_skipped(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n  - kind: [Deployment]\n  - kind: {a: 1}\n"
    observations = read(tmp_path, {"list.yaml": text})
    assert (observations.workloads, observations.diagnostics) == ([], [])


def test_a_leader_worker_set_counts_the_accelerators_of_its_group(tmp_path: Path) -> None:
    text = """\
apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: big, namespace: llm}
spec:
  replicas: 2
  leaderWorkerTemplate:
    size: 4
    leaderTemplate:
      spec:
        nodeSelector: {cloud.google.com/gke-accelerator: nvidia-h100-80gb}
        containers:
          - name: leader
            image: vllm/vllm-openai:v0.8.5
            command: ["sh", "-c", "vllm serve meta/llama-405b --tensor-parallel-size 8 --pipeline-parallel-size 4"]
            resources: {limits: {nvidia.com/gpu: "8"}}
    workerTemplate:
      spec:
        containers:
          - name: worker
            image: vllm/vllm-openai:v0.8.5
            resources: {limits: {nvidia.com/gpu: "8"}}
"""
    workload = only(read(tmp_path, {"lws.yaml": text}))
    assert workload.value("gpuCount") == 32
    assert workload.value("modelId") == "meta/llama-405b"
    assert workload.value("tensorParallel") == "8"
    assert workload.value("gpuType") == "nvidia-h100-80gb"


def test_an_inference_service_gives_its_replica_range_and_storage(tmp_path: Path) -> None:
    text = """\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: summarizer, namespace: kserve}
spec:
  predictor:
    minReplicas: 1
    maxReplicas: 4
    nodeSelector: {node.kubernetes.io/instance-type: g6e.12xlarge}
    model:
      modelFormat: {name: huggingface}
      storageUri: s3://KEY:SECRET@models/summarizer/v3/
      args: ["--max_model_len=16384"]
      resources: {limits: {nvidia.com/gpu: "4"}}
"""
    workload = only(read(tmp_path, {"isvc.yaml": text}))
    assert workload.value("modelId") == "s3://***@models/summarizer/v3/"
    assert workload.value("maxModelLen") == "16384"
    assert (workload.value("minReplicas"), workload.value("maxReplicas")) == (1, 4)
    assert workload.value("autoscaling") is True
    assert workload.value("gpuType") == "l40s"
    assert "g6e.12xlarge" in workload.fact("gpuType").note


def test_an_unknown_instance_type_says_the_type_is_not_known(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace(
        "      containers:",
        "      nodeSelector:\n        node.kubernetes.io/instance-type: x9.huge\n      containers:",
    )
    fact = only(read(tmp_path, {"chat.yaml": text})).fact("gpuType")
    assert fact.value is None
    assert "x9.huge" in fact.error


def test_node_affinity_with_several_types_keeps_them_all(tmp_path: Path) -> None:
    text = DEPLOYMENT.replace(
        "      containers:",
        """      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: nvidia.com/gpu.product
                    operator: In
                    values: [NVIDIA-H100-80GB-HBM3, NVIDIA-A100-SXM4-80GB]
      containers:""",
    )
    workload = only(read(tmp_path, {"chat.yaml": text}))
    assert workload.value("gpuType") == ["NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-80GB"]


def test_a_manifest_with_no_container_is_named_and_the_file_goes_on(tmp_path: Path) -> None:
    empty = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: hollow}\nspec: {replicas: 1}\n"
    observations = read(tmp_path, {"two.yaml": empty + "---\n" + DEPLOYMENT})
    assert [w.name for w in observations.workloads] == ["chat"]
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_NO_CONTAINERS
    assert (diagnostic.line, diagnostic.severity) == (2, Severity.WARNING)


def test_a_malformed_document_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n"
    observations = read(tmp_path, {"mixed.yaml": "# header\n" + bad + "---\n" + DEPLOYMENT})
    assert [w.name for w in observations.workloads] == ["chat"]
    (diagnostic,) = observations.diagnostics
    assert diagnostic.code is Code.OBSERVED_SYNTAX
    assert diagnostic.file == "observed/mixed.yaml"
    assert 4 <= diagnostic.line <= 6


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("latin1.yaml", b"kind: Deployment\nmetadata: {name: caf\xe9}\n", Code.OBSERVED_UNREADABLE),
        ("values.yaml", "replicaCount: 3\nimage: {tag: v1}\n", Code.OBSERVED_SHAPE),
        ("list.yaml", "apiVersion: v1\nkind: List\nitems: 3\n", Code.OBSERVED_SHAPE),
    ],
)
def test_other_bad_input_is_a_diagnostic(tmp_path: Path, name: str, content, code: Code) -> None:
    observations = read(tmp_path, {name: content})
    assert [d.code for d in observations.diagnostics] == [code]
    assert observations.diagnostics[0].file == f"observed/{name}"


def test_a_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    observations = read_observed([str(tmp_path / "nowhere")], base=str(tmp_path))
    (diagnostic,) = observations.diagnostics
    assert (diagnostic.code, diagnostic.file) == (Code.OBSERVED_UNREADABLE, "nowhere")


def test_secrets_and_other_kinds_are_never_read(tmp_path: Path) -> None:
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: abc123}\n"
    observations = read(tmp_path, {"s.yaml": secret + "---\n" + DEPLOYMENT})
    assert observations.diagnostics == []
    assert "abc123" not in repr(observations)


# --- spellings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "observed", "same"),
    [
        ("t4", "Tesla T4", True),
        ("t4", "nvidia-tesla-t4", True),
        ("h100", "NVIDIA H100 80GB HBM3", True),
        ("h100", "NVIDIA-H100-80GB-HBM3", True),
        ("a100-80gb", "NVIDIA A100-SXM4-80GB", True),
        ("a100-40gb", "NVIDIA A100-SXM4-80GB", False),
        ("a100", "nvidia-tesla-a100", True),
        ("l4", "nvidia-tesla-t4", False),
        ("tpu-v5e", "tpu-v5-lite-podslice", True),
        ("mi300x", "AMD Instinct MI300X", True),
    ],
)
def test_accelerator_spellings(declared: str, observed: str, same: bool) -> None:
    assert same_accelerator(declared, observed, Accelerators()) is same
    assert same_accelerator(observed, declared, Accelerators()) is same


def test_value_spellings() -> None:
    assert normalise_accelerator("Tesla T4").text == "t4"
    assert [normalise_precision(v) for v in ("float16", "half", "bfloat16", "auto", "awq")] == [
        "fp16",
        "fp16",
        "bf16",
        None,
        "int4",
    ]
    assert normalise_precision("int4-awq") == normalise_precision("gptq") == "int4"
    assert normalise_memory("8Gi") == normalise_memory("8G") == 8
    assert normalise_memory("16384Mi") == 16
    assert normalise_cpu("500m") == 0.5
    assert normalise_cpu("4") == normalise_cpu(4) == 4
    assert normalise_tokens("4") == 4
    assert normalise_tokens("32k") == 32_000
    assert normalise_tokens("32K") == 32_768
    assert redact("https://user:pw@host/model") == "https://***@host/model"


def test_files_outside_the_base_folder_are_named_from_their_repository(tmp_path: Path) -> None:
    # The docs project in one place, the observed data in another (a CI checkout of
    # the cluster repository beside it): the pages name no path of the machine.
    project = tmp_path / "project"
    project.mkdir()
    elsewhere = tmp_path / "runner" / "work" / "cluster-state"
    (elsewhere / ".git").mkdir(parents=True)
    (elsewhere / "observed" / "prod").mkdir(parents=True)
    (elsewhere / "observed" / "prod" / "chat.yaml").write_text(DEPLOYMENT)
    (elsewhere / "observed" / "prod" / "bad.yaml").write_text("kind: [\n")
    loose = tmp_path / "scans"
    loose.mkdir()
    (loose / "scan.yaml").write_text(DEPLOYMENT.replace("inference", "other"))
    observations = read_observed(
        [str(elsewhere / "observed"), str(loose / "scan.yaml"), str(tmp_path / "gone")],
        base=str(project),
    )
    assert sorted(observations.files) == [
        "observed/prod/bad.yaml",
        "observed/prod/chat.yaml",
        "scan.yaml",
    ]
    assert sorted(w.file for w in observations.workloads) == [
        "observed/prod/chat.yaml",
        "scan.yaml",
    ]
    assert sorted(w.context for w in observations.workloads) == [".", "observed/prod"]
    files = sorted(d.file for d in observations.diagnostics)
    assert files == ["../gone", "observed/prod/bad.yaml"]  # as mkdocs.yml would name it
    assert str(tmp_path) not in repr(observations)
