"""Readiness: named checks over one spec, and the levels they add up to. Pure functions.

Each :class:`Check` looks at one thing a deployment review asks about, in one of the
review's areas (:data:`AREAS`), and names the field that would make it pass. A check
passes, fails, or does not apply (a model with no dependency has no dependency
contract to declare). Each :class:`Level` is the set of checks it requires; levels
are nested, each adding areas to the one before, and a spec's level is the highest
whose checks all pass (a check that does not apply counts as passed). A spec that
fails a check of the first level has no level.

The checks read the spec leniently (a spec with problems still gets a score, which
its ``spec-valid`` check fails), plus what only the catalog knows: whether each
``specRef`` resolves, and whether the model is in a dependency cycle.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .capacity import Capacity
from .views import get, items, number, text

#: Review areas, in the order pages show them: (id, title).
AREAS: tuple[tuple[str, str], ...] = (
    ("model", "Model configuration"),
    ("runtime", "Runtime and hardware"),
    ("serving", "Serving"),
    ("scaling", "Scaling"),
    ("observability", "Observability"),
    ("dependencies", "Dependencies"),
    ("governance", "Governance"),
    ("cost", "Cost"),
)
AREA_TITLES = dict(AREAS)


@dataclass(frozen=True)
class Subject:
    """What the checks look at: one spec and what the catalog knows about it."""

    data: Any
    """The spec as parsed (any shape: read leniently)."""
    valid: bool
    """Whether the spec passed the format's checks."""
    first_error: str | None = None
    """Field path of its first error, if any."""
    team: str | None = None
    """The model's team, read from the site's configured sources."""
    owner: str | None = None
    team_field: str = "metadata.labels.team"
    """The field that gives a team (the first configured source)."""
    owner_field: str = "metadata.annotations.owner"
    unresolved: tuple[tuple[int, str], ...] = ()
    """``(index, specRef)`` of each dependency whose specRef names no spec of the catalog."""
    in_cycle: bool = False
    capacity: Capacity | None = None
    exempt: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Checks the spec says do not apply to it, each with the reason it gives
    (:func:`exemptions`)."""
    exempt_mistakes: tuple[str, ...] = ()
    """What is wrong in how the spec names them (an unknown check, no reason)."""


@dataclass(frozen=True)
class Verdict:
    """What one check found: passed (True/False) or does not apply (None)."""

    passed: bool | None
    field: str | None = None
    """The field to set, when it is more precise than the check's (``...dependencies[1]...``)."""
    note: str | None = None
    """What exactly is wrong, when the field alone does not say; for a check the
    spec exempts itself from, its reason."""
    exempt: bool = False
    """The spec says the check does not apply to it (``note`` says why)."""


PASS = Verdict(True)
FAIL = Verdict(False)
NOT_APPLICABLE = Verdict(None)


def _fail(field: str | None = None, note: str | None = None) -> Verdict:
    return Verdict(False, field, note)


@dataclass(frozen=True)
class Check:
    id: str
    """Stable identifier (``readiness-probe``): used in mkdocs.yml and ``models.json``."""
    area: str
    title: str
    """What passes, in a few words (``Readiness probe declared``)."""
    field: str
    """The field that makes it pass."""
    fix: str
    """What to write there."""
    test: Callable[[Subject], Verdict] = dataclasses.field(repr=False, compare=False)


def _at(data: Any, parts: tuple[str, ...]) -> Any:
    """``get`` with the path split once, when the check is made: checks run 33 times
    per spec, and a catalog can hold ten thousand specs."""
    for part in parts:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _declared(path: str) -> Callable[[Subject], Verdict]:
    parts = tuple(path.split("."))

    def test(subject: Subject) -> Verdict:
        return PASS if _present(_at(subject.data, parts)) else FAIL

    return test


def _all_declared(*paths: str) -> Callable[[Subject], Verdict]:
    split = [(path, tuple(path.split("."))) for path in paths]

    def test(subject: Subject) -> Verdict:
        for path, parts in split:
            if not _present(_at(subject.data, parts)):
                return _fail(path)
        return PASS

    return test


def _valid(subject: Subject) -> Verdict:
    return PASS if subject.valid else _fail(subject.first_error)


# A path segment, query or revision that pins one version of the artifacts:
# .../v1.6.2/, .../3/, .../2025-04-22/, .../<commit hash>/, hf://org/model@<revision>,
# ?versionId=, ?generation=, ?revision=.
_VERSION_SEGMENT = re.compile(
    r"^(?:v?\d+(?:\.\d+)*(?:[-+][0-9a-z.]+)?|\d{4}-\d{2}(?:-\d{2})?(?:[t_-][0-9:z]+)?|[0-9a-f]{7,64})$",
    re.IGNORECASE,
)
_VERSION_QUERY = re.compile(r"[?&](?:versionid|generation|revision|version)=", re.IGNORECASE)


def is_versioned(uri: str) -> bool:
    """Whether an artifact URI points at one version rather than at a moving place."""
    if _VERSION_QUERY.search(uri) or re.search(r"@[0-9a-z][\w.-]*/?$", uri, re.IGNORECASE):
        return True
    path = uri.split("?", 1)[0].split("#", 1)[0]
    path = path.split("://", 1)[-1]
    segments = [s for s in path.split("/")[1:] if s]  # the first one is the bucket or host
    return any(_VERSION_SEGMENT.match(s) for s in segments)


def _artifacts_versioned(subject: Subject) -> Verdict:
    uri = text(subject.data, "spec.identity.model.artifacts.modelUri")
    if uri is None:
        return _fail(note="no modelUri")
    return PASS if is_versioned(uri) else _fail(note=f"{uri} names no version")


def _accelerator_known(subject: Subject) -> Verdict:
    match = subject.capacity.match if subject.capacity else None
    if match is None:
        return _fail(note="no accelerator type")
    if match.memory_gb is None:
        return _fail(note=f"{match.name}: {match.problem}")
    return PASS


def _weights_fit(subject: Subject) -> Verdict:
    capacity = subject.capacity
    if capacity is None or capacity.fits is None:
        return NOT_APPLICABLE
    if capacity.fits:
        return PASS
    return _fail(note="the estimated weights exceed the accelerator memory of one replica")


def _replicas(subject: Subject) -> Verdict:
    low = number(subject.data, "spec.operations.scaling.minReplicas")
    high = number(subject.data, "spec.operations.scaling.maxReplicas")
    if low is None:
        return _fail("spec.operations.scaling.minReplicas")
    if high is None:
        return _fail("spec.operations.scaling.maxReplicas")
    if low > high:
        return _fail(
            "spec.operations.scaling.maxReplicas", f"minReplicas {low} > maxReplicas {high}"
        )
    return PASS


def _each_dependency(*keys: str) -> Callable[[Subject], Verdict]:
    def test(subject: Subject) -> Verdict:
        dependencies = items(subject.data, "spec.pipeline.dependencies")
        if not dependencies:
            return NOT_APPLICABLE
        for index, dependency in enumerate(dependencies):
            for key in keys:
                if get(dependency, f"interface.{key}") is None:
                    name = dependency.get("id")
                    shown = f" ({name})" if isinstance(name, str) else ""
                    return _fail(
                        f"spec.pipeline.dependencies[{index}].interface.{key}",
                        f"dependency {index + 1}{shown} has no {key}",
                    )
        return PASS

    return test


def _specrefs_resolve(subject: Subject) -> Verdict:
    refs = [d for d in items(subject.data, "spec.pipeline.dependencies") if "specRef" in d]
    if not refs:
        return NOT_APPLICABLE
    if subject.unresolved:
        index, ref = subject.unresolved[0]
        return _fail(f"spec.pipeline.dependencies[{index}].specRef", f"{ref} is not in the catalog")
    return PASS


def _no_cycle(subject: Subject) -> Verdict:
    if not items(subject.data, "spec.pipeline.dependencies"):
        return NOT_APPLICABLE
    return _fail(note="the model depends on itself through others") if subject.in_cycle else PASS


def _team(subject: Subject) -> Verdict:
    return PASS if subject.team else _fail(subject.team_field)


def _owner(subject: Subject) -> Verdict:
    return PASS if subject.owner else _fail(subject.owner_field)


_M = "spec.identity.model."
_R = "spec.runtime."
_S = "spec.operations.serving."
_SC = "spec.operations.scaling."
_O = "spec.operations.observability."
_G = "spec.governance.compliance."
_C = "spec.governance.cost."

#: Every check, in the order pages show them.
CHECKS: tuple[Check, ...] = (
    # --- model configuration
    Check("spec-valid", "model", "Spec passes the format's checks", "(the problems listed on the model's page)", "fix the errors listed at the top of the model's page", _valid),
    Check("model-identity", "model", "Model id, family, task and framework declared", "spec.identity.model", "declare id, family, task and framework", _all_declared(_M + "id", _M + "family", _M + "task", _M + "framework")),
    Check("precision", "model", "Precision declared", _M + "precision", "the numeric precision at runtime: bf16, fp16, fp8, int8...", _declared(_M + "precision")),
    Check("sequence-limit", "model", "Sequence limit declared", _R + "batch.maxSequenceLengthTokens", "the longest sequence accepted, in tokens", _declared(_R + "batch.maxSequenceLengthTokens")),
    Check("artifacts-versioned", "model", "Artifacts versioned", _M + "artifacts.modelUri", "a URI that pins one version: .../v1.2.0/, .../2025-06-01/, hf://org/model@<revision>", _artifacts_versioned),
    # --- runtime and hardware
    Check("accelerator", "runtime", "Accelerator declared", _R + "accelerator", "vendor, type and count per replica", _all_declared(_R + "accelerator.vendor", _R + "accelerator.type", _R + "accelerator.count")),
    Check("accelerator-known", "runtime", "Accelerator memory known", _R + "accelerator.type", "a type of the accelerator table (a100-80gb, h100, l4...), or add it with the plugin's accelerators option", _accelerator_known),
    Check("batch-limit", "runtime", "Batch size limit declared", _R + "batch.maxBatchSize", "the most requests batched together", _declared(_R + "batch.maxBatchSize")),
    Check("resources", "runtime", "CPU and memory declared", _R + "resources", "cpuCores and memoryGb per replica", _all_declared(_R + "resources.cpuCores", _R + "resources.memoryGb")),
    Check("weights-fit", "runtime", "Weights fit one replica (estimate)", _R + "accelerator.count", "more accelerators per replica, a larger type, or a smaller precision", _weights_fit),
    # --- serving
    Check("serving-protocol", "serving", "Protocol declared", _S + "protocol", "http or grpc", _declared(_S + "protocol")),
    Check("serving-port", "serving", "Port declared", _S + "port", "the service port", _declared(_S + "port")),
    Check("readiness-probe", "serving", "Readiness probe declared", _S + "readinessProbe.path", "the path that says the model can take traffic", _declared(_S + "readinessProbe.path")),
    Check("liveness-probe", "serving", "Liveness probe declared", _S + "livenessProbe.path", "the path that says the process is alive", _declared(_S + "livenessProbe.path")),
    Check("max-concurrency", "serving", "Concurrency limit declared", _S + "maxConcurrency", "requests in flight per replica", _declared(_S + "maxConcurrency")),
    Check("request-timeout", "serving", "Request timeout declared", _S + "timeoutSeconds", "the longest a request may take, in seconds", _declared(_S + "timeoutSeconds")),
    # --- scaling
    Check("replicas", "scaling", "Replica range declared", _SC + "minReplicas", "minReplicas and maxReplicas (min no larger than max)", _replicas),
    Check("scaling-strategy", "scaling", "Scaling strategy declared", _SC + "strategy", "reactive, predictive or manual", _declared(_SC + "strategy")),
    Check("latency-target", "scaling", "Latency target declared", _SC + "targetLatencyMsP95", "the p95 latency objective, in milliseconds", _declared(_SC + "targetLatencyMsP95")),
    # --- observability
    Check("metrics", "observability", "Metrics decided", _O + "metrics.enabled", "true or false: whether the model exports metrics", _declared(_O + "metrics.enabled")),
    Check("logging", "observability", "Log level declared", _O + "logging.level", "the expected log level (info, warn...)", _declared(_O + "logging.level")),
    Check("tracing", "observability", "Tracing decided", _O + "tracing.enabled", "true or false: whether requests are traced", _declared(_O + "tracing.enabled")),
    # --- dependencies
    Check("dependency-contracts", "dependencies", "Every dependency has an interface contract", "spec.pipeline.dependencies[].interface", "inputType and outputType of each dependency", _each_dependency("inputType", "outputType")),
    Check("latency-budgets", "dependencies", "Every dependency has a latency budget", "spec.pipeline.dependencies[].interface.maxLatencyMs", "maxLatencyMs of each dependency", _each_dependency("maxLatencyMs")),
    Check("specrefs-resolve", "dependencies", "Every specRef resolves", "spec.pipeline.dependencies[].specRef", "a path, relative to this file, of a spec in the catalog", _specrefs_resolve),
    Check("no-cycles", "dependencies", "No dependency cycle", "spec.pipeline.dependencies[].specRef", "break the cycle: a model cannot depend on itself, even through others", _no_cycle),
    # --- governance
    Check("team", "governance", "Team declared", "metadata.labels.team", "the team that runs the model", _team),
    Check("owner", "governance", "Owner declared", "metadata.annotations.owner", "the accountable owner", _owner),
    Check("pii-policy", "governance", "PII rule and policy declared", _G + "pii.policy", "pii.allowed (true or false) and the policy that governs it", _all_declared(_G + "pii.allowed", _G + "pii.policy")),
    Check("retention", "governance", "Retention declared", _G + "retention", "logsDays and artifactsDays", _all_declared(_G + "retention.logsDays", _G + "retention.artifactsDays")),
    Check("change-approval", "governance", "Change approval declared", _G + "governance.changeApproval", "who or what approves a change", _declared(_G + "governance.changeApproval")),
    # --- cost
    Check("cost-target", "cost", "Cost target declared", _C + "targetCostPer1kTokensUsd", "the target cost per 1,000 tokens, in US dollars", _declared(_C + "targetCostPer1kTokensUsd")),
    Check("spot-decided", "cost", "Spot capacity decided", _C + "pricingHints.spotAllowed", "true or false: whether spot or preemptible capacity may be used", _declared(_C + "pricingHints.spotAllowed")),
)  # fmt: skip
CHECK_IDS: tuple[str, ...] = tuple(c.id for c in CHECKS)
_BY_ID = {c.id: c for c in CHECKS}


@dataclass(frozen=True)
class Level:
    name: str
    summary: str
    checks: tuple[str, ...]
    """Ids of the checks the level requires (those of the levels below included)."""


_DECLARED = ("spec-valid", "model-identity", "accelerator")
_SERVABLE = (
    *_DECLARED,
    "precision",
    "accelerator-known",
    "weights-fit",
    "serving-protocol",
    "serving-port",
    "readiness-probe",
    "request-timeout",
)
_OPERABLE = (
    *_SERVABLE,
    "sequence-limit",
    "batch-limit",
    "resources",
    "liveness-probe",
    "max-concurrency",
    *(c.id for c in CHECKS if c.area in ("scaling", "observability", "dependencies")),
    "team",
    "owner",
)
#: The levels, lowest first. Each requires every check of the one before it.
LEVELS: tuple[Level, ...] = (
    Level("declared", "identity and hardware: a valid spec that says what the model is and what it runs on", _DECLARED),
    Level("servable", "precision, known accelerator memory, and how to reach it: protocol, port, readiness probe, timeout", _SERVABLE),
    Level("operable", "limits, resources, scaling, observability, dependency contracts, team and owner: what on-call needs", _OPERABLE),
    Level("production-ready", "every area covered: versioned artifacts, governance and cost too", CHECK_IDS),
)  # fmt: skip
LEVEL_NAMES: tuple[str, ...] = tuple(level.name for level in LEVELS)
_RANK = {level.name: rank for rank, level in enumerate(LEVELS)}
#: Key of ``required`` that applies to every environment not listed (and to no label).
ANY_ENVIRONMENT = "*"


@dataclass(frozen=True)
class Settings:
    """The site's readiness options."""

    disabled: frozenset[str] = frozenset()
    """Ids of the checks turned off: they count nowhere and are not shown."""
    required: Mapping[str, str] = field(default_factory=dict)
    """Environment label -> the lowest level allowed (``{"prod": "production-ready"}``)."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.disabled) - set(CHECK_IDS))
        if unknown:
            raise ValueError(
                f"unknown check(s): {', '.join(unknown)} (known: {', '.join(CHECK_IDS)})"
            )
        for environment, level in self.required.items():
            if level not in _RANK:
                raise ValueError(
                    f"unknown level {level!r} for environment {environment!r} "
                    f"(one of {', '.join(LEVEL_NAMES)})"
                )

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(c for c in CHECKS if c.id not in self.disabled)

    def requirement(self, environment: str | None) -> tuple[Level, str] | None:
        """The level required of a model in ``environment``, and what requires it."""
        if environment is not None and environment in self.required:
            return LEVELS[_RANK[self.required[environment]]], f"environment {environment}"
        if ANY_ENVIRONMENT in self.required:
            return LEVELS[_RANK[self.required[ANY_ENVIRONMENT]]], "every environment"
        return None


@dataclass(slots=True)
class Result:
    check: Check
    verdict: Verdict
    level: Level
    """The lowest level that requires the check."""

    @property
    def status(self) -> str:
        """``pass``, ``fail``, ``n/a`` or ``exempt`` (does not apply, by the spec's
        word); a level counts the last two as passed."""
        passed = self.verdict.passed
        if passed is None:
            return "exempt" if self.verdict.exempt else "n/a"
        return "pass" if passed else "fail"

    @property
    def field(self) -> str:
        """The field that would make the check pass."""
        return self.verdict.field or self.check.field


@dataclass(frozen=True)
class Score:
    """How ready one model is."""

    results: tuple[Result, ...]
    level: Level | None
    """The highest level whose checks all pass (None: not even the first)."""
    required: Level | None = None
    required_by: str | None = None
    """What requires ``required`` (``environment prod``, ``--min-level``)."""
    mistakes: tuple[str, ...] = ()
    """Mistakes in the spec's exemptions (see :func:`exemptions`)."""

    @property
    def level_name(self) -> str:
        return self.level.name if self.level else "none"

    @property
    def rank(self) -> int:
        """0 for no level, 1 for the first..."""
        return _RANK[self.level.name] + 1 if self.level else 0

    @property
    def meets_requirement(self) -> bool | None:
        """None when nothing is required of the model."""
        if self.required is None:
            return None
        return self.rank >= _RANK[self.required.name] + 1

    @property
    def next_level(self) -> Level | None:
        return LEVELS[self.rank] if self.rank < len(LEVELS) else None

    def missing_for(self, level: Level) -> list[Result]:
        """The failing checks that keep the model below ``level``."""
        wanted = set(level.checks)
        return [r for r in self.results if r.check.id in wanted and r.status == "fail"]

    @property
    def next_steps(self) -> list[Result]:
        """What the next level needs that the model lacks."""
        level = self.next_level
        return self.missing_for(level) if level else []

    @property
    def failing(self) -> list[Result]:
        return [r for r in self.results if r.status == "fail"]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def shortfall(self) -> str | None:
        """A one-line reason when the model is below its required level, else None."""
        if self.meets_requirement is not False or self.required is None:
            return None
        missing = self.missing_for(self.required)
        shown = ", ".join(f"{r.check.id} ({r.field})" for r in missing[:6])
        more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        return (
            f'readiness level "{self.level_name}" is below "{self.required.name}", '
            f"required for {self.required_by}; failing: {shown}{more}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level.name if self.level else None,
            "required": self.required.name if self.required else None,
            "meetsRequired": self.meets_requirement,
            "passed": self.count("pass"),
            "failed": self.count("fail"),
            "notApplicable": self.count("n/a"),
            "exempt": {r.check.id: r.verdict.note for r in self.results if r.status == "exempt"},
            "failing": [
                {
                    "check": r.check.id,
                    "area": r.check.area,
                    "level": r.level.name,
                    "field": r.field,
                }
                for r in self.failing
            ],
        }


def _lowest_level(check: Check) -> Level:
    return next(level for level in LEVELS if check.id in level.checks)


_LEVEL_OF = {c.id: _lowest_level(c) for c in CHECKS}


def evaluate(
    subject: Subject,
    settings: Settings,
    environment: str | None = None,
    *,
    min_level: str | None = None,
) -> Score:
    """Run every enabled check on ``subject`` and find its level.

    ``min_level`` (``modelspec check --min-level``) replaces what the settings
    require for ``environment``.
    """
    results = tuple(
        Result(
            c,
            Verdict(None, note=subject.exempt[c.id], exempt=True)
            if c.id in subject.exempt
            else c.test(subject),
            _LEVEL_OF[c.id],
        )
        for c in settings.checks
    )
    failed = {r.check.id for r in results if r.verdict.passed is False}
    level = None
    for candidate in LEVELS:
        if failed.intersection(candidate.checks):
            break
        level = candidate
    required: tuple[Level, str] | None
    if min_level is not None:
        required = LEVELS[_RANK[min_level]], "--min-level"
    else:
        required = settings.requirement(environment)
    return Score(
        results=results,
        level=level,
        required=required[0] if required else None,
        required_by=required[1] if required else None,
        mistakes=subject.exempt_mistakes,
    )


#: The annotation in which a spec names the checks that do not apply to it, and why:
#: ``modelspec/not-applicable: "serving-port, readiness-probe: offline batch job, no
#: endpoint"`` (several groups separated by ``;``).
EXEMPT_ANNOTATION = "modelspec/not-applicable"
# A ";" that starts another group ("a, b: why; c: why"): one before a list of check
# ids and a colon (a reason may hold a ";" of its own).
_GROUPS = re.compile(r";\s*(?=[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*\s*:)")
#: Checks no spec can exempt itself from.
NOT_EXEMPTABLE = frozenset({"spec-valid"})


def exemptions(data: Any) -> tuple[dict[str, str], list[str]]:
    """The checks a spec exempts itself from, with their reasons, and the mistakes in
    how it says so (unknown checks, a missing reason), in words."""
    written = text(data, f"metadata.annotations.{EXEMPT_ANNOTATION}")
    found: dict[str, str] = {}
    mistakes: list[str] = []
    if written is None:
        return found, mistakes
    for group in filter(str.strip, _GROUPS.split(written)):
        ids, colon, reason = group.partition(":")
        names = [name.strip() for name in ids.split(",") if name.strip()]
        if not colon or not reason.strip():
            mistakes.append(
                f"{EXEMPT_ANNOTATION}: say why {', '.join(names) or 'the checks'} do not "
                'apply ("CHECK, CHECK: reason")'
            )
            continue
        for name in names:
            if name in NOT_EXEMPTABLE:
                mistakes.append(f"{EXEMPT_ANNOTATION}: {name} cannot be exempted")
            elif name not in _BY_ID:
                mistakes.append(
                    f"{EXEMPT_ANNOTATION}: no check {name!r} (the checks are listed on the "
                    "readiness scorecards page)"
                )
            else:
                found[name] = reason.strip()
    return found, mistakes


def level_named(name: str) -> Level:
    """The level called ``name``; raises ``ValueError`` naming the levels."""
    if name not in _RANK:
        raise ValueError(f"unknown level {name!r} (one of {', '.join(LEVEL_NAMES)})")
    return LEVELS[_RANK[name]]


def check_named(check_id: str) -> Check:
    return _BY_ID[check_id]


def areas_of(results: Iterable[Result]) -> list[tuple[str, list[Result]]]:
    """Results grouped by area, in the order of :data:`AREAS` (empty areas left out)."""
    grouped: dict[str, list[Result]] = {}
    for result in results:
        grouped.setdefault(result.check.area, []).append(result)
    return [(title, grouped[area]) for area, title in AREAS if area in grouped]
