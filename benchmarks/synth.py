"""Generate realistic, varied, valid ModelSpec files for benchmarks and scale tests.

Every spec is different: teams, accelerators, tasks, maturity (minimal to full
production, most of them full, as in a platform team's production catalog),
governance patterns, comments, some non-ASCII descriptions, and RAG chains wired with
``specRef`` to other generated specs (no cycles: a spec only depends on specs with a
lower number). About 2 KB per spec on average, the size the issue measured.

They are written the way the demo catalog's hand-written specs are: half the
descriptions are folded block scalars over two or three lines (``description: >-``),
owners are often e-mail addresses, language models carry a ``parameters: 70b``
annotation, and some versions are unquoted (``version: 1.4.2``).

    python benchmarks/synth.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TEAMS = ["search", "assistant", "trust-safety", "ml-platform", "ads", "vision", "speech", "risk"]
ENVIRONMENTS = ["prod", "staging", "dev"]
ACCELERATORS = [
    ("nvidia", "h100"),
    ("nvidia", "a100-80gb"),
    ("nvidia", "a100-40gb"),
    ("nvidia", "l4"),
    ("nvidia", "l40s"),
    ("nvidia", "t4"),
    ("nvidia", "a10"),
    ("amd", "mi300x"),
    ("google", "tpu-v5e"),
]
TASKS = [
    ("text-generation", "llama3", "vllm"),
    ("chat-completion", "mistral", "vllm"),
    ("embedding", "bge", "sentence-transformers"),
    ("reranking", "bge-reranker", "transformers"),
    ("classification", "deberta", "onnxruntime"),
    ("moderation", "llama-guard", "vllm"),
    ("speech-to-text", "whisper", "triton"),
    ("image-classification", "vit", "triton"),
]
PRECISIONS = ["bf16", "fp16", "fp8", "int8"]
DESCRIPTIONS = [
    "Answers customer questions from the help centre.",
    "Ranks candidate documents for the search results page.",
    "Flags unsafe content before it reaches users.",
    "Turns support calls into searchable transcripts.",
    "Résumé screening assistant — reviewed by the hiring team.",
    "Embeds product titles for semantic retrieval.",
    "Classifies incoming tickets by urgency and topic.",
    "Générateur de réponses pour le service client (FR).",
]


def _spec(i: int, rng: random.Random, names: list[str]) -> tuple[str, str]:
    team = rng.choice(TEAMS)
    env = rng.choice(ENVIRONMENTS)
    vendor, accel = rng.choice(ACCELERATORS)
    task, family, framework = rng.choice(TASKS)
    name = f"{team}-{family}-{task}-{i:05d}"
    # 0 = minimal ... 7 = full production; most specs of a catalog are in production.
    level = rng.choices(range(8), weights=[1, 1, 1, 1, 1, 1, 2, 12])[0]
    lines = [
        "apiVersion: piqc.ai/v1alpha1",
        "kind: ModelSpec",
        "",
        "metadata:",
        f"  name: {name}",
    ]
    if level >= 1:
        if rng.random() < 0.3:
            lines.append(f"  version: {1 + i % 3}.{i % 10}.{i % 7}")
        else:
            lines.append(f'  version: "{2024 + i % 3}-{1 + i % 12:02d}"')
        if rng.random() < 0.5:
            first, second = rng.sample(DESCRIPTIONS, 2)
            lines += ["  description: >-", f"    {first}", f"    {second}"]
        else:
            lines.append(f"  description: {rng.choice(DESCRIPTIONS)}")
        owner = f"{team}-owners@example.com" if rng.random() < 0.5 else f"{team}-owners"
        lines += [
            "  labels:",
            f"    team: {team}",
            f"    environment: {env}",
            "  annotations:",
            f"    owner: {owner}",
            f'    supportChannel: "#{team}-oncall"',
        ]
        if framework == "vllm":
            lines.append(f"    parameters: {rng.choice(['8b', '70b', '1.5b', '405B'])}")
    lines += [
        "",
        "spec:",
        "  identity:",
        "    model:",
        f"      id: {family}-{i}",
        f"      family: {family}",
        f"      task: {task}",
        f"      framework: {framework}",
    ]
    if level >= 1:
        lines += [
            f"      precision: {rng.choice(PRECISIONS)}",
            "      artifacts:",
            f"        modelUri: s3://models/{team}/{family}/{i}/weights/",
            f"        tokenizerUri: s3://models/{team}/{family}/{i}/tokenizer/",
        ]
    lines += [
        "  runtime:",
        "    accelerator:",
        f"      vendor: {vendor}",
        f"      type: {accel}",
        f"      count: {rng.choice([1, 1, 2, 4, 8])}  # per replica",
    ]
    if framework == "vllm" or level >= 2:
        lines += [
            "    batch:",
            f"      maxBatchSize: {rng.choice([8, 16, 32, 64])}",
            f"      maxSequenceLengthTokens: {rng.choice([2048, 4096, 8192, 32768])}",
        ]
    if level >= 3:
        lines += [
            "    resources:",
            f"      cpuCores: {rng.choice([4, 8, 16, 32])}",
            f"      memoryGb: {rng.choice([16, 32, 64, 128, 256])}",
            f"      ephemeralStorageGb: {rng.choice([50, 100, 200])}",
            "    environment:",
            "      variables:",
            "        LOG_FORMAT: json",
            '        WARMUP: "true"',
        ]
    if level >= 4:
        lines += [
            "  operations:",
            "    serving:",
            f"      protocol: {rng.choice(['http', 'grpc'])}",
            f"      port: {rng.choice([8000, 8080, 9000])}",
            "      readinessProbe:",
            "        path: /health/ready",
            "        timeoutSeconds: 5",
            "      livenessProbe:",
            "        path: /health/live",
            "        timeoutSeconds: 5",
            f"      maxConcurrency: {rng.choice([16, 32, 64])}",
            "      timeoutSeconds: 60",
            "    scaling:",
            f"      minReplicas: {rng.choice([1, 2, 3])}",
            f"      maxReplicas: {rng.choice([4, 8, 16])}",
            f"      strategy: {rng.choice(['reactive', 'predictive', 'manual'])}",
            f"      targetLatencyMsP95: {rng.choice([150, 300, 800])}",
            f"      targetRps: {rng.choice([10, 50, 200])}",
            "      warmPool:",
            f"        size: {rng.choice([0, 1, 2])}",
            "        strategy: keep-loaded",
        ]
    if level >= 5:
        lines += [
            "    observability:",
            "      metrics:",
            "        enabled: true",
            "        provider: prometheus",
            "        port: 9090",
            "      logging:",
            "        level: info",
            "      tracing:",
            f"        enabled: {rng.choice(['true', 'false'])}",
        ]
    if level >= 6:
        lines += [
            "  pipeline:",
            "    preprocess:",
            "      steps:",
            "        - name: normalise-input",
            "          type: text",
            "        - name: truncate",
            "          type: truncate",
            "          enabled: true",
            "    postprocess:",
            "      steps:",
            "        - name: redact-pii",
            "          type: filter",
        ]
    if level >= 6 and names:
        lines += ["    dependencies:"]
        for role in rng.sample(["input", "reranker", "guardrail"], k=rng.randint(1, 3)):
            target = rng.randrange(len(names))
            lines += [
                f"      - id: {role}-{target}",
                f"        role: {role}",
                f"        specRef: ./{names[target]}.modelspec.yaml",
                f"        required: {rng.choice(['true', 'false'])}",
                "        interface:",
                "          inputType: text",
                "          outputType: text",
                f"          maxLatencyMs: {rng.choice([20, 50, 80])}",
            ]
    if level >= 7:
        lines += [
            "  governance:",
            "    compliance:",
            "      pii:",
            f"        allowed: {rng.choice(['true', 'false'])}",
            "        policy: data-policy-v2",
            "      retention:",
            f"        logsDays: {rng.choice([7, 30, 90])}",
            f"        artifactsDays: {rng.choice([30, 90, 365])}",
            "      governance:",
            "        changeApproval: model-review-board",
            f"        owner: {team}-lead",
            "    cost:",
            f"      targetCostPer1kTokensUsd: {rng.choice([0.002, 0.01, 0.05])}",
            "      pricingHints:",
            "        cloudProvider: aws",
            "        instanceType: p4d.24xlarge",
            "        spotAllowed: false",
        ]
    return name, "\n".join(lines) + "\n"


def generate(out: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` specs into ``out`` (flat); return their paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    paths: list[Path] = []
    for i in range(count):
        name, text = _spec(i, rng, names)
        path = out / f"{name}.modelspec.yaml"
        path.write_text(text, encoding="utf-8")
        names.append(name)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
