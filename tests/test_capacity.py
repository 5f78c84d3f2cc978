"""Capacity: the accelerator table, lenient type names, unknown types, the weight
estimate, and the memory figures of the hardware matrix and the model pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_modelspec.capacity import (
    BUILT_IN,
    Accelerators,
    assess,
    bytes_per_parameter,
    normalise,
    parse_parameters,
)
from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.config import ModelSpecConfig
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site

from conftest import FULL, pipe_rows, spec_text
from sites import build, make_site, read_page


@pytest.mark.parametrize(
    ("written", "memory", "entry"),
    [
        ("a100-80gb", 80, "a100-80gb"),
        ("A100-80GB", 80, "a100-80gb"),
        ("nvidia-a100-80gb", 80, "a100-80gb"),
        ("a100_80g", 80, "a100-80gb"),
        ("A100 80 GB", 80, "a100-80gb"),
        ("NVIDIA-A100-SXM4-80GB", 80, "a100-80gb"),
        ("a100-40gb", 40, "a100-40gb"),
        ("h100", 80, "h100"),
        ("H100-80GB", 80, "h100"),
        ("nvidia-h100-sxm5-80gb", 80, "h100"),
        ("h200", 141, "h200"),
        ("a10", 24, "a10"),
        ("A10G", 24, "a10g"),
        ("l4", 24, "l4"),
        ("nvidia-l4", 24, "l4"),
        ("L40S", 48, "l40s"),
        ("nvidia-tesla-t4", 16, "t4"),
        ("mi300x", 192, "mi300x"),
        ("AMD-Instinct-MI300X", 192, "mi300x"),
        ("tpu-v4", 32, "tpu-v4"),
        ("tpu-v5e", 16, "tpu-v5e"),
        ("tpuv5e", 16, "tpu-v5e"),
        ("v5e", 16, "tpu-v5e"),
        ("tpu-v5-lite-podslice", 16, "tpu-v5e"),
        ("v5litepod", 16, "tpu-v5e"),
        ("tpu-v5p", 95, "tpu-v5p"),
        ("tpu_v6e", 32, "tpu-v6e"),
    ],
)
def test_type_names_are_matched_leniently(written: str, memory: float, entry: str) -> None:
    match = Accelerators().lookup(written)
    assert (match.memory_gb, match.entry, match.problem) == (memory, entry, None)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("a100", "ambiguous: 40 or 80 GB (write the size in the type)"),
        ("nvidia-tesla-a100", "ambiguous: 40 or 80 GB (write the size in the type)"),
        ("h100-94gb", "no 94 GB model known (80 GB)"),
        ("v100", "unknown type"),  # not taken for a TPU
        ("v4", "unknown type"),
        ("gaudi3", "unknown type"),
        ("", "unknown type"),
    ],
)
def test_unknown_and_ambiguous_types_are_never_guessed(written: str, problem: str) -> None:
    match = Accelerators().lookup(written)
    assert (match.memory_gb, match.entry, match.problem) == (None, None, problem)


def test_the_built_in_figures_are_the_published_ones() -> None:
    assert BUILT_IN == {
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
    for name in BUILT_IN:  # every entry is its own canonical spelling
        assert normalise(name).text == name


def test_the_site_can_add_and_override_figures() -> None:
    table = Accelerators({"gaudi3": 128, "A100": 80, "NVIDIA-H100": 94})
    assert table.lookup("Gaudi3").memory_gb == 128
    assert table.lookup("a100").memory_gb == 80  # "our a100 means 80 GB"
    assert table.lookup("a100-40gb").memory_gb == 40  # the others stay
    assert table.lookup("h100").memory_gb == 94  # overridden, whatever the spelling
    assert "h100" not in table.entries


def test_the_accelerators_option_is_checked() -> None:
    def problems(value: Any) -> list[Any]:
        config = ModelSpecConfig()
        config.load_dict({"accelerators": value})
        return config.validate()[0]

    assert problems({"gaudi3": 128, "mine": 12.5}) == []
    assert problems({"gaudi3": 0})
    assert problems({"gaudi3": "lots"})
    assert problems({"gaudi3": True})
    assert problems(["gaudi3"])


@pytest.mark.parametrize(
    ("written", "count"),
    [
        ("70b", 70e9),
        ("8B", 8e9),
        ("1.5b", 1.5e9),
        ("350m", 350e6),
        ("7000000000", 7e9),
        ("7_000_000_000", 7e9),
        ("405B", 405e9),
        ("2t", 2e12),
        (" 13 B ", 13e9),
    ],
)
def test_parameter_counts(written: str, count: float) -> None:
    assert parse_parameters(written) == pytest.approx(count)


@pytest.mark.parametrize("written", ["", "lots", "70 billion", "-7b", "0", "1e400", "7bb"])
def test_what_is_not_a_parameter_count(written: str) -> None:
    assert parse_parameters(written) is None


@pytest.mark.parametrize(
    ("precision", "size"),
    [
        ("fp32", 4),
        ("float32", 4),
        ("bf16", 2),
        ("fp16", 2),
        ("fp8", 1),
        ("int8", 1),
        ("FP8-E4M3", 1),
        ("int4", 0.5),
        ("int4-awq", 0.5),
        ("4bit", 0.5),
        ("mystery", None),
    ],
)
def test_bytes_per_parameter(precision: str, size: float | None) -> None:
    assert bytes_per_parameter(precision) == size


def spec(**changes: Any) -> dict[str, Any]:
    """FULL (2 x l40s, bf16, 1 to 6 replicas) with changes at dotted paths."""
    data = yaml.safe_load(FULL)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def test_memory_per_replica_and_at_scale() -> None:
    capacity = assess(spec(), Accelerators())
    assert capacity.memory_gb == 48
    assert capacity.per_replica_gb == 96
    assert capacity.at_min_gb == 96
    assert capacity.at_max_gb == 576
    assert capacity.weights_gb is None  # no parameter count: no estimate
    assert capacity.verdict is None


@pytest.mark.parametrize(
    ("parameters", "precision", "weights", "verdict"),
    [
        ("8b", "bf16", 16, "fits"),
        ("45b", "bf16", 90, "tight"),  # 94 % of 96 GB
        ("70b", "bf16", 140, "does not fit"),
        ("70b", "fp8", 70, "fits"),
        ("70b", "int4-awq", 35, "fits"),
        ("20b", "fp32", 80, "fits"),
    ],
)
def test_the_weight_estimate(parameters: str, precision: str, weights: float, verdict: str) -> None:
    capacity = assess(
        spec(
            metadata__annotations__parameters=parameters,
            spec__identity__model__precision=precision,
        ),
        Accelerators(),
    )
    assert capacity.weights_gb == pytest.approx(weights)
    assert capacity.verdict == verdict
    assert capacity.fits is (verdict != "does not fit")


def test_no_estimate_without_what_it_needs() -> None:
    table = Accelerators()
    unreadable = assess(spec(metadata__annotations__parameters="lots"), table)
    assert unreadable.weights_gb is None
    assert "not a count" in (unreadable.estimate_note or "")
    data = spec(metadata__annotations__parameters="8b")
    del data["spec"]["identity"]["model"]["precision"]
    assert assess(data, table).estimate_note == "no precision declared: bytes per parameter unknown"
    odd = assess(
        spec(metadata__annotations__parameters="8b", spec__identity__model__precision="mystery"),
        table,
    )
    assert odd.estimate_note == "precision mystery: bytes per parameter unknown"
    unknown = assess(
        spec(metadata__annotations__parameters="8b", spec__runtime__accelerator__type="gaudi3"),
        table,
    )
    assert unknown.weights_gb == 16
    assert unknown.fits is None  # the memory of a replica is unknown: no verdict


def test_hostile_numbers_do_not_break_the_figures() -> None:
    data = spec()
    data["spec"]["runtime"]["accelerator"]["count"] = float("nan")
    data["spec"]["operations"]["scaling"]["maxReplicas"] = float("inf")
    capacity = assess(data, Accelerators())
    assert capacity.count is None
    assert capacity.per_replica_gb is None
    assert capacity.at_max_gb is None


# --- on the pages -------------------------------------------------------------------------


def site(tmp_path: Path, specs: dict[str, str], **options: Any) -> dict[str, str]:
    for name, text in specs.items():
        path = tmp_path / "specs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    loaded = load_roots([tmp_path / "specs"], base=tmp_path)
    built = Site(build_catalog(loaded, [tmp_path / "specs"]), Options(**options))
    return {page.src_uri: page.content for page in built.pages()}


def typed(name: str, kind: str, team: str, environment: str, parameters: str = "") -> str:
    text = spec_text(name, ("type: l40s", f"type: {kind}"), base=FULL)
    text = text.replace("team: fixtures", f"team: {team}")
    text = text.replace("environment: prod", f"environment: {environment}")
    if parameters:
        text = text.replace(
            '    supportChannel: "#fixtures"\n',
            f'    supportChannel: "#fixtures"\n    parameters: {parameters}\n',
        )
    return text


SPECS = {
    "big.modelspec.yaml": typed("big", "nvidia-a100-80gb", "chat", "prod", "70b"),
    "small.modelspec.yaml": typed("small", "L4", "search", "prod", "8b"),
    "odd.modelspec.yaml": typed("odd", "a100", "search", "staging"),
    "new.modelspec.yaml": typed("new", "gaudi3", "chat", "staging"),
}


def test_the_hardware_matrix_sums_memory_and_lists_unknown_types(tmp_path: Path) -> None:
    hardware = pipe_rows(site(tmp_path, SPECS)["models/hardware.md"])
    # 2 x 80 GB per replica, 1 to 6 replicas.
    assert (
        "| [big](../big/#hardware) | chat | 2 | 1 | 6 | 2 | 12 | 160 GB | 960 GB | 16 | 8,192 |"
        in hardware
    )
    assert (
        "| [odd](../odd/#hardware) | search | 2 | 1 | 6 | 2 | 12 | unknown | unknown |" in hardware
    )
    assert "Accelerator memory: unknown, <code>a100</code> has no memory figure." in hardware
    # Totals per team and per environment count accelerators per type, never added
    # across types; memory only where the type has a figure, naming the models left out.
    assert (
        "| chat | 2 | 2 × nvidia-a100-80gb<br>2 × nvidia gaudi3 | 12 × nvidia-a100-80gb<br>"
        "12 × nvidia gaudi3 | 160 GB | 960 GB | no memory figure for the type: [new](new.md#hardware) |"
    ) in hardware
    assert (
        "| search | 2 | 2 × nvidia a100<br>2 × nvidia L4 | 12 × nvidia a100<br>12 × nvidia L4 "
        "| 48 GB | 288 GB | no memory figure for the type: [odd](odd.md#hardware) |"
    ) in hardware
    assert (
        "| prod | 2 | 2 × nvidia-a100-80gb<br>2 × nvidia L4 | 12 × nvidia-a100-80gb<br>12 × nvidia L4 | 208 GB | 1,248 GB | — |"
        in hardware
    )
    # No type of staging has a memory figure: unknown, never 0 GB.
    assert (
        "| staging | 2 | 2 × nvidia a100<br>2 × nvidia gaudi3 | 12 × nvidia a100<br>12 × nvidia gaudi3 | unknown | unknown |"
        in hardware
    )
    unknown = hardware.split("## Accelerator types without a memory figure")[1].split("##")[0]
    assert (
        "| <code>a100</code> | ambiguous&#58; 40 or 80 GB &#40;write the size in the type&#41; | [odd](odd.md#hardware) |"
        in unknown
    )
    assert "| <code>gaudi3</code> | unknown type | [new](new.md#hardware) |" in unknown
    estimates = hardware.split("## Weight estimates")[1].split("## Teams")[0]
    assert "**estimates**" in estimates
    assert "| [big](../big/#hardware) | 70B | bf16 | 140 GB | 160 GB | 88% | fits |" in estimates
    # 8b in bf16 is 16 GB on 2 x 24 GB.
    assert "| [small](../small/#hardware) | 8B | bf16 | 16 GB | 48 GB | 33% | fits |" in estimates


def test_a_site_option_gives_an_unknown_type_its_memory(tmp_path: Path) -> None:
    hardware = site(tmp_path, SPECS, accelerators={"gaudi3": 128, "a100": 40})["models/hardware.md"]
    assert "Every accelerator type in use has a memory figure." in hardware
    assert (
        "| staging | 2 | 2 × nvidia a100<br>2 × nvidia gaudi3 | 12 × nvidia a100<br>"
        "12 × nvidia gaudi3 | 336 GB | 2,016 GB | — |"
    ) in hardware


def test_the_model_page_shows_memory_and_the_estimate(tmp_path: Path) -> None:
    pages = site(
        tmp_path,
        {
            "big.modelspec.yaml": typed("big", "a100-80gb", "chat", "prod", "70b"),
            "huge.modelspec.yaml": typed("huge", "l4", "chat", "prod", "70b"),
            "vague.modelspec.yaml": typed("vague", "l4", "chat", "prod", "lots"),
        },
    )
    assert (
        "Weight memory (estimate): none, the parameters annotation is not a count "
        "&#40;write 70b, 350m or 7000000000&#41;."
    ) in pages["models/vague.md"]
    big = pages["models/big.md"]
    assert "| Accelerator memory | 80 GB each, 160 GB per replica |" in big
    assert "| Parameters | 70B &#40;from the annotation parameters&#58; 70b&#41; |" in big
    assert (
        "Weight memory (estimate): 70B parameters x 2 bytes &#40;bf16&#41; &#61; about 140 GB "
        "of weights, in 160 GB of accelerator memory per replica &#40;88%&#41;."
    ) in big
    assert "do not fit" not in big
    huge = pages["models/huge.md"]
    assert "in 48 GB of accelerator memory per replica &#40;292%&#41;." in huge
    assert "**The weights do not fit in the accelerator memory of one replica.**" in huge
    assert (
        "| Runtime and hardware | Weights fit one replica &#40;estimate&#41; | servable |" in huge
    )


def test_models_json_holds_the_capacity_figures(tmp_path: Path) -> None:
    root = make_site(
        tmp_path, {"big.modelspec.yaml": typed("big", "a100-80gb", "chat", "prod", "70b")}
    )
    assert build(root).returncode == 0
    import json

    [model] = json.loads((root / "site/models.json").read_text())["models"]
    assert model["capacity"] == {
        "acceleratorMemoryGb": 80.0,
        "memoryPerReplicaGb": 160.0,
        "memoryAtMaxScaleGb": 960.0,
        "unknownType": None,
        "parameters": 70e9,
        "weightsGbEstimate": 140.0,
        "weightsFit": True,
    }
    assert "160 GB per replica" in read_page(root / "site", "models/big").text
