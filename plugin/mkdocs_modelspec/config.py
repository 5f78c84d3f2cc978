"""The plugin's options, as they appear under ``plugins: - modelspec:`` in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt

from .capacity import normalise
from .drift import Settings as DriftSettings
from .drift import parse_duration
from .loading import DEFAULT_MAX_FILE_SIZE
from .observed import DEFAULT_LINK_KEY
from .observed import DEFAULT_MAX_FILE_SIZE as OBSERVED_MAX_FILE_SIZE
from .readiness import CHECK_IDS, LEVEL_NAMES


class _Paths(base.BaseConfigOption[list[str]]):
    """One string or a list of strings (``specs`` or ``[services/a, services/b]``)."""

    def __init__(self, default: list[str] | None) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise base.ValidationError("expected a non-empty string or a list of them")
        return list(value)


class _Accelerators(base.BaseConfigOption[dict[str, float]]):
    """Accelerator type -> memory per accelerator in GB (``{my-gpu: 48, a100: 80}``)."""

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, float] = {}

    def run_validation(self, value: object) -> dict[str, float]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise base.ValidationError("expected a mapping of accelerator type to GB")
        table: dict[str, float] = {}
        for name, memory in value.items():
            if not isinstance(name, str) or not normalise(name).base:
                raise base.ValidationError(f"{name!r} is not an accelerator type name")
            if isinstance(memory, bool) or not isinstance(memory, int | float) or memory <= 0:
                raise base.ValidationError(
                    f"{name}: expected the memory of one accelerator in GB, found {memory!r}"
                )
            table[name] = float(memory)
        return table


class _Count(opt.Type[int]):
    """A whole number, zero or more."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        number = super().run_validation(value)
        if isinstance(number, bool) or number < 0:
            raise base.ValidationError(f"expected a whole number, zero or more, found {value!r}")
        return number


class _Duration(base.BaseConfigOption[float]):
    """A time span: ``7d``, ``36h``, ``90m``, or a number of seconds."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        if not isinstance(value, str | int | float):
            raise base.ValidationError("expected a duration such as 7d, 36h or 90m")
        try:
            return parse_duration(value)
        except ValueError as error:
            raise base.ValidationError(str(error)) from None


class _WorkloadMap(base.BaseConfigOption[dict[str, str]]):
    """Workload id (``ns/<namespace>/<kind>/<name>``) -> spec name."""

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, str] = {}

    def run_validation(self, value: object) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise base.ValidationError("expected a mapping of workload id to spec name")
        for key, name in value.items():
            parts = str(key).split("/")
            if len(parts) != 4 or parts[0] != "ns" or not all(parts):
                raise base.ValidationError(
                    f"{key!r} is not a workload id: write ns/<namespace>/<kind>/<name> "
                    "(ns/chat/deployment/vllm-chat)"
                )
            if not isinstance(name, str) or not name.strip():
                raise base.ValidationError(f"{key}: expected a spec name, found {name!r}")
        return {str(k): str(v).strip() for k, v in value.items()}


class DriftConfig(base.Config):
    """``drift:`` under the plugin: how workloads are linked to specs, and staleness."""

    label = opt.Type(str, default=DEFAULT_LINK_KEY)
    """The label or annotation on a workload that names its spec's ``metadata.name``."""
    workloads = _WorkloadMap()
    """Explicit links, for workloads that carry no label and are named otherwise:
    ``ns/<namespace>/<kind>/<name>: spec-name``."""
    stale_after = _Duration(default="7d")
    """Facts observed longer ago than this are flagged stale (``7d``, ``36h``)."""
    max_file_size = opt.Type(int, default=OBSERVED_MAX_FILE_SIZE)
    """Largest observed file read, in bytes (32 MiB)."""


class ReadinessConfig(base.Config):
    """``readiness:`` under the plugin: which checks count, which levels are required."""

    disabled_checks = opt.ListOfItems(opt.Choice(CHECK_IDS), default=[])
    """Ids of readiness checks that count nowhere (``[artifacts-versioned]``)."""
    required = opt.DictOfItems(opt.Choice(LEVEL_NAMES), default={})
    """Environment label -> lowest level allowed (``{prod: production-ready}``); ``"*"``
    applies to every other environment and to models with no environment label."""


class ModelSpecConfig(base.Config):
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (for a quick build of the handwritten pages)."""
    specs_dir = _Paths(default=["specs"])
    """Folder(s) holding the spec files, relative to mkdocs.yml. A list suits monorepos
    that keep each spec beside its model's code."""
    prefix = opt.Type(str, default="models/")
    """Folder of the generated pages in the site (``models/`` gives ``/models/...``)."""
    team = _Paths(default=["labels.team"])
    """Where a model's team is read, first match wins: ``labels.KEY``,
    ``annotations.KEY``, or a path in the spec (``governance.compliance.governance.owner``)."""
    owner = _Paths(default=["annotations.owner", "governance.compliance.governance.owner"])
    """Where a model's owner is read, first match wins."""
    contact = _Paths(default=["annotations.supportChannel"])
    """Where a model's contact (a channel, an address) is read, first match wins."""
    custom_templates = opt.Optional(opt.Dir(exists=True))
    """A folder whose files override the packaged templates of the same name."""
    nav_models = opt.Type(bool, default=False)
    """List every model page in the navigation, grouped by team. Off by default: with
    many models, a navigation that lists them all makes every page large and slow."""
    max_file_size = opt.Type(int, default=DEFAULT_MAX_FILE_SIZE)
    """Largest spec file read, in bytes."""
    graph_split_at = opt.Type(int, default=60)
    """Past this many models, the catalog graph is drawn one group at a time."""
    readiness = opt.SubConfig(ReadinessConfig)
    """Readiness scorecards: checks turned off, and the level each environment requires
    (a model below it is a warning, so ``mkdocs build --strict`` fails)."""
    accelerators = _Accelerators()
    """Accelerator memory in GB per type, added to or overriding the built-in table."""
    history = opt.Type(bool, default=True)
    """Read each spec's history from git (one ``git log`` call per build)."""
    history_limit = _Count(default=20)
    """Most commits listed on a model's page."""
    observed = opt.Optional(_Paths(default=None))
    """What runs: piqc facts bundles and Kubernetes manifests (files or folders,
    relative to mkdocs.yml). Absent: the site shows what is declared only."""
    drift = opt.SubConfig(DriftConfig)
    """How workloads are linked to specs, and when observed facts are stale."""


def drift_settings(config: ModelSpecConfig, config_file: str | None) -> DriftSettings:
    """The drift options in plain data (for the plugin and the command line alike)."""
    return DriftSettings(
        link_key=config.drift.label,
        workloads=dict(config.drift.workloads),
        stale_after=config.drift.stale_after,
        config_file=config_file or "mkdocs.yml",
    )
