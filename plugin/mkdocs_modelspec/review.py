"""Design review of a spec change: what going from one git revision of the specs to
another changes in intent, readiness, capacity and governance (``modelspec review``).

How the revisions are read
--------------------------
Through git, with a fixed number of processes whatever the number of specs::

    git rev-parse --show-toplevel --is-shallow-repository     # the repository
    git rev-parse --verify -q --end-of-options REF^{commit}   # once per revision
    git ls-tree -r -l -z COMMIT -- <specs folders>            # once per revision
    git cat-file --batch                                      # once per revision
    git diff --raw -z -M --diff-filter=R BASE [HEAD] -- <specs folders>   # renames

``cat-file`` reads every spec file of the base, and at the head only those that
differ from it.
The head defaults to the working tree, read from disk as the site reads it. Only the
objects of the two revisions are read, so a shallow clone works when it holds both;
a revision that is not there is a :class:`ReviewError` that says how to fetch it.

Each side is loaded with the project's loader and catalog checks (a file identical on
both sides is parsed once), then the models are paired: by path, and across a rename
by git's own rename detection (``-M``, as the history does), so a moved spec keeps its
history. The fields are compared with the history's field diff; readiness and
capacity come from the site's scoring; governance conflicts from the governance page.
Spec files are untrusted: the Markdown escapes every value with
:func:`~mkdocs_modelspec.rendering.escape.gfm`.

Drift against observed data is not read here: :func:`review` takes a ``drift``
function (a model's view at the head -> what the observed data contradicts) for when
the site's observed data is wired in; without one the output has no drift section.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import collector
from .capacity import Accelerators, Capacity, assess, gigabytes
from .catalog import Catalog, build_catalog, ref_target
from .diagnostics import Diagnostic
from .history import Change, field_changes
from .loading import (
    DEFAULT_MAX_FILE_SIZE,
    SKIPPED_FOLDERS,
    SpecFile,
    discover,
    is_spec_name,
    load_bytes,
    read_bytes,
    too_large,
)
from .pages import Options, normalise_prefix, score, source_field
from .readiness import AREA_TITLES, Result, Score
from .rendering.escape import gfm, gfm_code, href
from .views import ModelView, model_views
from .views.governance import conflicts_of
from .views.hardware import NO_ENVIRONMENT, NO_TEAM, AcceleratorType, HardwareRow, Total, type_key

Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]
#: Given a model's view at the head, what its observed data contradicts (one line each).
Drift = Callable[[ModelView], Sequence[str]]

#: What ``--fail-on`` can name.
LINES = ("governance", "readiness", "problems")
#: A pull request comment holds at most 65,536 characters: the Markdown stays under this.
MAX_CHARS = 60_000
#: Items listed per section before "and N more".
LISTED = 20
#: Field changes listed per model before "and N more".
FIELDS_LISTED = 40
#: A file git sees renamed whose model's name changed is the same model only when the
#: two texts are at least this alike (%).
SAME_TEXT = 90

_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
_PII = "spec.governance.compliance.pii.allowed"
#: Review areas of the fields, in the order a model's changes are listed (governance
#: first), by the longest matching prefix.
AREAS: tuple[tuple[str, str], ...] = (
    ("governance", AREA_TITLES["governance"]),
    ("cost", AREA_TITLES["cost"]),
    ("model", AREA_TITLES["model"]),
    ("runtime", AREA_TITLES["runtime"]),
    ("serving", AREA_TITLES["serving"]),
    ("scaling", AREA_TITLES["scaling"]),
    ("observability", AREA_TITLES["observability"]),
    ("dependencies", AREA_TITLES["dependencies"]),
    ("pipeline", "Pipeline steps"),
    ("metadata", "Metadata"),
    ("other", "Other fields"),
)
_AREA_TITLES = dict(AREAS)
_PREFIXES = (
    ("spec.governance.cost", "cost"),
    ("spec.governance", "governance"),
    ("spec.identity", "model"),
    ("spec.runtime", "runtime"),
    ("spec.operations.serving", "serving"),
    ("spec.operations.scaling", "scaling"),
    ("spec.operations.observability", "observability"),
    ("spec.pipeline.dependencies", "dependencies"),
    ("spec.pipeline", "pipeline"),
    ("metadata", "metadata"),
)
#: What a governance field is called in a sentence.
_GOVERNANCE_LABELS = {
    "spec.governance.compliance.pii.policy": "PII policy",
    "spec.governance.compliance.retention.logsDays": "log retention in days",
    "spec.governance.compliance.retention.artifactsDays": "artifact retention in days",
    "spec.governance.compliance.governance.changeApproval": "change approval",
    "spec.governance.compliance.governance.owner": "governance owner",
    "spec.governance.cost.targetCostPer1kTokensUsd": "cost target in USD per 1,000 tokens",
    "spec.governance.cost.pricingHints.spotAllowed": "spot capacity allowed",
}


class ReviewError(Exception):
    """The review cannot be made: no repository, a revision that is not there..."""


# --- what a review holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    ref: str | None
    """As given (``main``, ``HEAD~1``); None: the working tree."""
    commit: str | None = None

    @property
    def label(self) -> str:
        if self.commit is None:
            return "the working tree"
        short = self.commit[:10]
        return short if self.ref in (None, short, self.commit) else f"{self.ref} ({short})"

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.ref, "commit": self.commit, "workingTree": self.commit is None}


@dataclass(frozen=True)
class Finding:
    """A governance change of one model."""

    model: str
    what: str
    """In a few words: ``PII now allowed``, ``owner: a -> b``."""
    path: str | None = None
    old: str | None = None
    new: str | None = None
    alert: bool = False
    """A change a compliance reviewer must see first (PII newly allowed)."""


@dataclass(frozen=True)
class ConflictChange:
    """A governance conflict along a dependency that the change introduces or resolves."""

    source: str
    target: str
    what: str
    introduced: bool


@dataclass(frozen=True)
class BrokenDependent:
    """A model whose ``specRef`` names a spec this change removes or moves."""

    model: str
    file: str
    spec_ref: str
    target: str
    """The removed or moved spec's path before the change."""
    target_name: str | None
    moved_to: str | None = None
    """Where the spec is now, when it moved."""
    suggested_ref: str | None = None


@dataclass(frozen=True)
class TotalChange:
    """The accelerators of one type in one team or environment, before and after."""

    scope: str
    """``team``, ``environment`` or ``catalog``."""
    name: str
    accelerator: str
    before: Total
    after: Total


@dataclass
class Readiness:
    before: Score | None
    after: Score | None
    started: list[Result]
    """Checks failing before, passing (or no longer applying) after."""
    stopped: list[Result]

    @property
    def dropped(self) -> bool:
        return (
            self.before is not None
            and self.after is not None
            and (self.after.rank < self.before.rank)
        )

    @property
    def newly_below(self) -> bool:
        """Below its required level now, and not before."""
        if self.after is None or self.after.meets_requirement is not False:
            return False
        return self.before is None or self.before.meets_requirement is not False

    @property
    def crossed(self) -> bool:
        return self.dropped or self.newly_below


@dataclass
class ModelChange:
    """One model the change touches."""

    status: str
    """``added``, ``removed``, ``renamed``, ``changed``, or ``affected`` (the file is
    the same, but what the catalog says of it changed: a link, a problem)."""
    before: ModelView | None
    after: ModelView | None
    changes: list[tuple[str, Change]] = field(default_factory=list)
    """(area, change), grouped by area in the order of :data:`AREAS`."""
    governance: list[Finding] = field(default_factory=list)
    readiness: Readiness | None = None
    dependencies_added: list[str] = field(default_factory=list)
    dependencies_removed: list[str] = field(default_factory=list)
    introduced: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    url: str | None = None
    drift: list[str] | None = None

    @property
    def view(self) -> ModelView:
        view = self.after or self.before
        assert view is not None
        return view

    @property
    def name(self) -> str:
        return self.view.name

    @property
    def path(self) -> str:
        return self.view.spec.display

    @property
    def previous_path(self) -> str | None:
        return self.before.spec.display if self.status == "renamed" and self.before else None

    @property
    def capacity(self) -> tuple[Capacity | None, Capacity | None]:
        return (
            self.before.capacity if self.before else None,
            self.after.capacity if self.after else None,
        )


@dataclass
class Review:
    base: Revision
    head: Revision
    roots: list[str]
    """The specs folders, relative to the repository."""
    models: list[ModelChange]
    conflicts: list[ConflictChange]
    totals: list[TotalChange]
    dependents: list[BrokenDependent]
    notes: list[str] = field(default_factory=list)
    drift_checked: bool = False

    @property
    def governance(self) -> list[Finding]:
        return [f for m in self.models for f in m.governance]

    @property
    def introduced(self) -> list[Diagnostic]:
        return [d for m in self.models for d in m.introduced]

    @property
    def fixed(self) -> list[Diagnostic]:
        return [d for m in self.models for d in m.fixed]

    def crossed(self) -> list[str]:
        """The ``--fail-on`` lines this change crosses."""
        crossed = []
        if self.governance or any(c.introduced for c in self.conflicts):
            crossed.append("governance")
        if any(m.readiness is not None and m.readiness.crossed for m in self.models):
            crossed.append("readiness")
        if self.introduced:
            crossed.append("problems")
        return crossed

    def verdict(self) -> str:
        """The change in one paragraph of plain text."""
        return " ".join(_verdict(self))


# --- reading git ----------------------------------------------------------------------------


class Git:
    """Runs git in the repository; a failure becomes a :class:`ReviewError`."""

    def __init__(self, cwd: str, git: str = "git", run: Runner = subprocess.run) -> None:
        self.cwd, self.git, self.run = cwd, git, run
        self.env = {**os.environ, **_ENV}

    def __call__(
        self, *args: str, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return self.run(
                [self.git, "--literal-pathspecs", *args],
                cwd=self.cwd,
                input=stdin,
                capture_output=True,
                env=self.env,
                check=False,
            )
        except OSError:
            raise ReviewError(
                "git is not installed here (not found on PATH); the review reads the "
                "revisions through git"
            ) from None

    def output(self, *args: str, stdin: bytes | None = None) -> bytes:
        done = self(*args, stdin=stdin)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ReviewError(f"git {args[0]} failed: {message[0] if message else 'no message'}")
        return done.stdout


@dataclass
class Repository:
    top: str
    shallow: bool


def open_repository(git: Git) -> Repository:
    done = git("rev-parse", "--show-toplevel", "--is-shallow-repository")
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace")
        if "not a git repository" in message:
            raise ReviewError(
                f"{git.cwd} is not in a git repository: the review compares revisions"
            )
        raise ReviewError(f"git cannot read the repository: {message.strip()[:200]}")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines:
        raise ReviewError("git did not say where the repository is")
    return Repository(os.path.realpath(lines[0]), len(lines) > 1 and lines[1].strip() == "true")


def resolve(git: Git, repository: Repository, ref: str, which: str) -> Revision:
    """The commit ``ref`` names, or a :class:`ReviewError` that says how to get it."""
    if not ref.strip() or ref.startswith("-"):
        raise ReviewError(f"--{which} {ref!r} is not a revision")
    done = git("rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}")
    commit = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not commit:
        hint = (
            "this is a shallow clone: fetch it (git fetch --depth=1 origin <commit or "
            "branch>), or clone with more history (actions/checkout: fetch-depth: 0)"
            if repository.shallow
            else "check the name, or fetch it (git fetch origin <branch>)"
        )
        raise ReviewError(f"--{which} {ref}: no such revision in this repository; {hint}")
    return Revision(ref, commit)


@dataclass(frozen=True)
class Blob:
    path: str
    """Relative to the repository, with forward slashes."""
    id: str
    size: int


def list_tree(git: Git, commit: str, pathspecs: Sequence[str]) -> tuple[list[Blob], int]:
    """The files under ``pathspecs`` at ``commit``, and how many symbolic links or
    submodules were left out."""
    output = git.output("ls-tree", "-r", "-l", "-z", commit, "--", *pathspecs)
    blobs: list[Blob] = []
    skipped = 0
    for entry in output.split(b"\0"):
        if not entry:
            continue
        header, _, raw_path = entry.partition(b"\t")
        parts = header.split()
        if len(parts) < 4 or parts[1] != b"blob" or parts[0] == b"120000":
            skipped += 1
            continue
        size = int(parts[3]) if parts[3].isdigit() else 0
        blobs.append(Blob(raw_path.decode("utf-8", "surrogateescape"), parts[2].decode(), size))
    return blobs, skipped


def read_blobs(git: Git, ids: Iterable[str]) -> dict[str, bytes]:
    """The content of each blob, from one ``git cat-file --batch``."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    output = git.output("cat-file", "--batch", stdin="".join(f"{i}\n" for i in wanted).encode())
    found: dict[str, bytes] = {}
    position = 0
    while position < len(output):
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) < 3:  # "<id> missing"
            continue
        size = int(header[2])
        found[header[0].decode()] = output[position : position + size]
        position += size + 1
    return found


def renames(
    git: Git, base: str, head: str | None, pathspecs: Sequence[str]
) -> dict[str, tuple[str, int]]:
    """Old path -> (new path, similarity in %) of each file git sees renamed (``-M``, as
    the history does)."""
    sides = [base] if head is None else [base, head]
    output = git.output(
        "diff",
        "--raw",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        "--diff-filter=R",
        *sides,
        "--",
        *pathspecs,
    )
    fields = output.split(b"\0")
    found = {}
    index = 0
    while index + 2 < len(fields):
        status = fields[index].rsplit(b" ", 1)[-1]
        if fields[index].startswith(b":") and status.startswith(b"R"):
            old, new = (f.decode("utf-8", "surrogateescape") for f in fields[index + 1 : index + 3])
            found[old] = (new, int(status[1:]) if status[1:].isdigit() else 0)
            index += 3
        else:
            index += 1
    return found


# --- loading the two sides ----------------------------------------------------------------


@dataclass
class Pair:
    """A spec file on either side, with its counterpart on the other."""

    before: SpecFile | None
    after: SpecFile | None
    status: str
    """``added``, ``removed``, ``renamed``, ``changed`` or ``unchanged`` (the same text)."""


@dataclass
class Side:
    revision: Revision
    catalog: Catalog
    views: list[ModelView]
    by_spec: dict[SpecFile, ModelView]
    by_path: dict[str, SpecFile]
    """By path relative to the repository."""


class _Loader:
    """Turns the files of a revision into spec records, each text parsed once."""

    def __init__(self, top: str, roots: Sequence[str], max_file_size: int) -> None:
        self.top = top
        self.roots = roots  # relative to top, "" for the top itself
        self.max_file_size = max_file_size
        self.parsed: dict[tuple[str, bytes], SpecFile] = {}
        self.blobs: dict[str, bytes] = {}
        """Contents read from git, by blob id."""
        self.copies: set[SpecFile] = set()
        """Records of a file the same on both sides (copies of the first one read)."""

    def root_of(self, path: str) -> str | None:
        """The first specs folder that counts ``path`` as a spec file, as discovery does."""
        if not is_spec_name(path):
            return None
        for root in self.roots:
            prefix = f"{root}/" if root else ""
            if not path.startswith(prefix):
                continue
            folders = path[len(prefix) :].split("/")[:-1]
            if any(f.startswith(".") or f in SKIPPED_FOLDERS for f in folders):
                continue
            return root
        return None

    def spec(self, path: str, root: str) -> SpecFile:
        return SpecFile(
            path=os.path.normpath(os.path.join(self.top, path)),
            root=os.path.normpath(os.path.join(self.top, root)),
            display=path,
        )

    def load(self, path: str, root: str, raw: bytes) -> SpecFile:
        key = (path, raw)
        known = self.parsed.get(key)
        if known is not None:  # the same file on the other side: a copy of the record
            copy = dataclasses.replace(known, diagnostics=list(known.diagnostics))
            self.copies.add(copy)
            return copy
        spec = load_bytes(self.spec(path, root), raw)
        self.parsed[key] = dataclasses.replace(spec, diagnostics=list(spec.diagnostics))
        return spec

    def too_large(self, path: str, root: str, size: int) -> SpecFile:
        spec = self.spec(path, root)
        too_large(spec, size, self.max_file_size)
        return spec

    def revision(self, git: Git, commit: str) -> tuple[dict[str, SpecFile], int]:
        blobs, skipped = list_tree(git, commit, [r or "." for r in self.roots])
        chosen = [(b, root) for b in blobs if (root := self.root_of(b.path)) is not None]
        wanted = (b.id for b, _ in chosen if b.size <= self.max_file_size)
        self.blobs.update(read_blobs(git, (i for i in wanted if i not in self.blobs)))
        files = {}
        for blob, root in chosen:
            raw = self.blobs.get(blob.id)
            files[blob.path] = (
                self.load(blob.path, root, raw)
                if raw is not None
                else self.too_large(blob.path, root, blob.size)
            )
        return files, skipped

    def working_tree(self) -> dict[str, SpecFile]:
        """The specs of the working tree, found as the site finds them (links out of
        the specs folders not followed; every entry skipped kept with its problem)."""
        files: dict[str, SpecFile] = {}
        for root in self.roots:
            found = discover(os.path.join(self.top, root))
            for entry, read_from in found.files.items():
                path = os.path.relpath(entry, self.top).replace(os.sep, "/")
                if path in files:
                    continue
                spec = self.spec(path, root)
                raw = read_bytes(spec, self.max_file_size, True, read_from)
                files[path] = spec if raw is None else self.load(path, root, raw)
            for entry, problem in found.skipped.items():
                path = os.path.relpath(entry, self.top).replace(os.sep, "/")
                if path not in files:
                    files[path] = self.spec(path, root)
                    files[path].add(problem)
        return files


def _side(
    revision: Revision, files: dict[str, SpecFile], roots: Sequence[str], options: Options
) -> Side:
    catalog = build_catalog(list(files.values()), roots)
    views = model_views(catalog, options.sources)
    return Side(revision, catalog, views, {v.spec: v for v in views}, files)


# --- the review -----------------------------------------------------------------------------


def review(
    folders: Sequence[str],
    base: str,
    head: str | None = None,
    *,
    options: Options | None = None,
    cwd: str | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    site_url: str | None = None,
    drift: Drift | None = None,
    git: str = "git",
    run: Runner = subprocess.run,
) -> Review:
    """What changes in the specs under ``folders`` from revision ``base`` to ``head``
    (None: the working tree). Raises :class:`ReviewError` when that cannot be said."""
    options = options or Options()
    runner = Git(cwd or (folders[0] if folders and os.path.isdir(folders[0]) else "."), git, run)
    repository = open_repository(runner)
    top = runner.cwd = repository.top  # paths and pathspecs are relative to the top
    roots = []
    for folder in folders:
        real = os.path.realpath(folder)
        if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
            raise ReviewError(f"{folder} is outside the git repository ({top})")
        relative = os.path.relpath(real, top).replace(os.sep, "/")
        roots.append("" if relative == "." else relative)
    base_revision = resolve(runner, repository, base, "base")
    head_revision = Revision(None) if head is None else resolve(runner, repository, head, "head")
    with collector.paused():  # as in loading: millions of small acyclic objects
        loader = _Loader(top, roots, max_file_size)
        base_files, skipped = loader.revision(runner, base_revision.commit or "")
        if head_revision.commit is None:
            head_files = loader.working_tree()
        else:
            head_files, more = loader.revision(runner, head_revision.commit)
            skipped += more
        moved = renames(runner, base_revision.commit or "", head_revision.commit, roots or ["."])
        absolute_roots = [os.path.normpath(os.path.join(top, r)) for r in roots]
        before = _side(base_revision, base_files, absolute_roots, options)
        after = _side(head_revision, head_files, absolute_roots, options)
        found = _compare(
            before,
            after,
            moved=moved,
            loader=loader,
            options=options,
            site_url=site_url,
            drift=drift,
        )
    found.roots = [r or "." for r in roots]
    if skipped:
        found.notes.append(
            f"{skipped} symbolic link(s) or submodule(s) in the specs folders were not read."
        )
    if not base_files and not head_files:
        found.notes.append(
            f"No spec file under {', '.join(found.roots)} at either revision: check the "
            "specs folders."
        )
    return found


def _compare(
    before: Side,
    after: Side,
    *,
    moved: dict[str, tuple[str, int]],
    loader: _Loader,
    options: Options,
    site_url: str | None,
    drift: Drift | None,
) -> Review:
    pairs = _pairs(before, after, moved, loader)
    index_of = {spec: i for i, p in enumerate(pairs) for spec in (p.before, p.after) if spec}
    touched = [i for i, p in enumerate(pairs) if p.status != "unchanged"]
    touched += _affected(pairs, before, after, index_of)
    for side, specs in (
        (before, [pairs[i].before for i in touched]),
        (after, [pairs[i].after for i in touched]),
    ):
        score([side.by_spec[s] for s in specs if s is not None], side.catalog, options)
    models = []
    for index in touched:
        pair = pairs[index]
        model = ModelChange(
            "affected" if pair.status == "unchanged" else pair.status,
            before.by_spec[pair.before] if pair.before is not None else None,
            after.by_spec[pair.after] if pair.after is not None else None,
        )
        _describe(model, before, after, options)
        if model.after is not None:
            model.url = _url(model.after, site_url, options)
            if drift is not None:
                model.drift = list(drift(model.after))
        models.append(model)
    return Review(
        before.revision,
        after.revision,
        [],
        sorted(models, key=_order),
        _conflicts(before, after, index_of, set(touched)),
        _totals(before, after, models, options),
        _broken(before, after, pairs, index_of, loader.top),
        drift_checked=drift is not None,
    )


def _pairs(
    before: Side, after: Side, moved: dict[str, tuple[str, int]], loader: _Loader
) -> list[Pair]:
    """Each spec of either side with its counterpart on the other, and how it changed.

    A file git sees renamed is the same model moved, unless both versions name a model
    and the names differ while the texts are less than :data:`SAME_TEXT` alike: specs
    written from one template are half alike, and a removed model is not the new one.
    """
    pairs: list[Pair] = []
    paired: set[str] = set()
    for path, old in before.by_path.items():
        new = after.by_path.get(path)
        if new is not None:
            paired.add(path)
            pairs.append(Pair(old, new, "unchanged" if new in loader.copies else "changed"))
            continue
        target, similarity = moved.get(path, ("", 0))
        new = after.by_path.get(target) if target not in before.by_path else None
        if new is not None and (
            similarity >= SAME_TEXT or old.name is None or new.name is None or old.name == new.name
        ):
            paired.add(target)
            pairs.append(Pair(old, new, "renamed"))
        else:
            pairs.append(Pair(old, None, "removed"))
    pairs += [Pair(None, new, "added") for path, new in after.by_path.items() if path not in paired]
    return pairs


def _affected(
    pairs: list[Pair], before: Side, after: Side, index_of: dict[SpecFile, int]
) -> list[int]:
    """The unchanged files whose standing in the catalog changed: their problems, where
    their links lead, whether they are in a cycle."""
    cycles = [{s for c in side.catalog.cycles for s in c} for side in (before, after)]

    def targets(side: Side, spec: SpecFile) -> list[int | None]:
        links = side.catalog.links.get(spec, [])
        return [index_of[link.target] if link.target else None for link in links]

    found = []
    for index, pair in enumerate(pairs):
        old, new = pair.before, pair.after
        if pair.status != "unchanged" or old is None or new is None:
            continue
        if (
            _problem_keys(old.diagnostics) != _problem_keys(new.diagnostics)
            or (old in cycles[0]) != (new in cycles[1])
            or targets(before, old) != targets(after, new)
        ):
            found.append(index)
    return found


def _problem_keys(diagnostics: Iterable[Diagnostic]) -> Counter[tuple[str, str, str]]:
    # Not the line: an edit above a problem moves it without fixing it.
    return Counter((d.code.value, d.path, d.message) for d in diagnostics)


def _order(model: ModelChange) -> tuple[int, int, str, str]:
    rank = ("removed", "renamed", "added", "changed", "affected").index(model.status)
    alert = any(f.alert for f in model.governance)
    return (0 if alert else 1 if model.governance else 2, rank, model.name.lower(), model.path)


def area_of(path: str, owner_fields: Iterable[str] = ()) -> str:
    """The review area of a field (``spec.runtime.accelerator.count`` -> ``runtime``)."""
    if path in owner_fields:
        return "governance"
    for prefix, area in _PREFIXES:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return area
    return "other"


def _describe(model: ModelChange, before: Side, after: Side, options: Options) -> None:
    old, new = model.before, model.after
    sources = options.sources
    owner_fields = {source_field(s) for s in (*sources.team, *sources.owner)}
    if old is not None and new is not None:
        changes = field_changes(old.data, new.data)
        order = {area: i for i, (area, _) in enumerate(AREAS)}
        tagged = [(area_of(c.path, owner_fields), c) for c in changes]
        model.changes = sorted(tagged, key=lambda item: order[item[0]])  # stable: file order
        model.governance = _governance(model, old, new)
    elif new is not None and new.flag(_PII) is True:
        model.governance = [
            Finding(new.name, "new model that allows PII", _PII, None, "true", True)
        ]
    model.readiness = _readiness(old.score if old else None, new.score if new else None)
    deps = [_dependencies(v, side) if v else {} for v, side in ((old, before), (new, after))]
    model.dependencies_added = [deps[1][k] for k in deps[1] if k not in deps[0]]
    model.dependencies_removed = [deps[0][k] for k in deps[0] if k not in deps[1]]
    model.introduced, model.fixed = _problems(
        old.spec.diagnostics if old else [], new.spec.diagnostics if new else []
    )


def _governance(model: ModelChange, old: ModelView, new: ModelView) -> list[Finding]:
    name = new.name
    found = []
    was, now = old.flag(_PII), new.flag(_PII)
    if was is not True and now is True:
        found.append(Finding(name, "PII now allowed", _PII, _shown(was), "true", True))
    elif was is True and now is False:
        found.append(Finding(name, "PII no longer allowed", _PII, "true", "false"))
    elif was is not None and now is None:
        found.append(Finding(name, "PII rule removed", _PII, _shown(was), None))
    elif was is None and now is False:
        found.append(Finding(name, "PII now forbidden", _PII, None, "false"))
    for label, a, b in (("team", old.team, new.team), ("owner", old.owner, new.owner)):
        if a != b:
            found.append(Finding(name, f"{label} changed", None, a, b))
    for area, change in model.changes:
        if change.path == _PII or area not in ("governance", "cost"):
            continue
        if not change.path.startswith("spec.governance"):
            continue  # a team or owner field: said above
        label = _GOVERNANCE_LABELS.get(change.path, change.path)
        verb = {"added": "declared", "removed": "removed"}.get(change.kind, "changed")
        found.append(Finding(name, f"{label} {verb}", change.path, change.old, change.new))
    return found


def _shown(flag: bool | None) -> str | None:
    return None if flag is None else "true" if flag else "false"


def _readiness(old: Score | None, new: Score | None) -> Readiness:
    failing = [{r.check.id: r for r in s.failing} if s else {} for s in (old, new)]
    started = [r for i, r in failing[0].items() if new is not None and i not in failing[1]]
    stopped = [r for i, r in failing[1].items() if old is not None and i not in failing[0]]
    return Readiness(old, new, started, stopped)


def _dependencies(view: ModelView, side: Side) -> dict[str, str]:
    """Each declared dependency by its id (or specRef), as a reader names it."""
    links = {link.index: link for link in side.catalog.links.get(view.spec, [])}
    declared = view.data.get("spec", {}) if isinstance(view.data, dict) else {}
    pipeline = declared.get("pipeline") if isinstance(declared, dict) else None
    listed = pipeline.get("dependencies") if isinstance(pipeline, dict) else None
    found = {}
    for index, dependency in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(dependency, dict):
            continue
        ident = dependency.get("id")
        ref = dependency.get("specRef")
        link = links.get(index)
        target = side.by_spec[link.target].name if link and link.target else None
        key = str(ident if ident is not None else ref)
        label = str(ident) if ident is not None else str(ref)
        found[key] = f"{label} ({target})" if target and target != label else label
    return found


def _problems(
    old: Sequence[Diagnostic], new: Sequence[Diagnostic]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Problems of the new version that the old did not have, and the reverse."""

    def missing(found: Sequence[Diagnostic], against: Sequence[Diagnostic]) -> list[Diagnostic]:
        left = _problem_keys(against)
        out = []
        for diagnostic in found:
            key = (diagnostic.code.value, diagnostic.path, diagnostic.message)
            if left[key] > 0:
                left[key] -= 1
            else:
                out.append(diagnostic)
        return out

    return missing(new, old), missing(old, new)


def _url(view: ModelView, site_url: str | None, options: Options) -> str | None:
    if not site_url:
        return None
    page = f"{view.slug}/" if options.directory_urls else f"{view.slug}.html"
    return href(f"{site_url.rstrip('/')}/{normalise_prefix(options.prefix)}{page}")


def _conflicts(
    before: Side, after: Side, index_of: dict[SpecFile, int], changed: set[int]
) -> list[ConflictChange]:
    """Governance conflicts along the links that touch a changed model, on each side."""
    found: list[dict[tuple[int, int, str], tuple[str, str]]] = []
    for side in (before, after):
        conflicts = {}
        for spec, links in side.catalog.links.items():
            for link in links:
                if link.target is None:
                    continue
                source, target = index_of[spec], index_of[link.target]
                if source not in changed and target not in changed:
                    continue
                views = side.by_spec[spec], side.by_spec[link.target]
                for what in conflicts_of(*views):
                    conflicts[(source, target, what)] = (views[0].name, views[1].name)
        found.append(conflicts)
    return [
        ConflictChange(*names, what, introduced)
        for introduced, (mine, other) in ((True, (found[1], found[0])), (False, found))
        for (source, target, what), names in sorted(mine.items(), key=lambda i: (i[1], i[0][2]))
        if (source, target, what) not in other
    ]


def _totals(
    before: Side, after: Side, models: list[ModelChange], options: Options
) -> list[TotalChange]:
    """Accelerators and their memory per type across the catalog and in each team and
    environment a changed model is in, before and after: only where they differ."""
    teams = {v.team for m in models for v in (m.before, m.after) if v is not None}
    environments = {v.environment for m in models for v in (m.before, m.after) if v is not None}
    table = Accelerators(options.accelerators)
    known: dict[int, Capacity] = {}
    sums: list[dict[tuple[str, str, str], Total]] = []
    names: dict[tuple[str, str], AcceleratorType] = {}
    for side in (before, after):
        totals: dict[tuple[str, str, str], Total] = {}
        for view in side.views:
            team, environment = view.team, view.environment
            count = view.accelerators
            if not view.valid or view.accelerator_type is None or count is None:
                continue  # as on the hardware page
            capacity = view.capacity
            if capacity is None:  # not scored: the same data on both sides, sized once
                capacity = known.get(id(view.data))
                if capacity is None:
                    capacity = known[id(view.data)] = assess(view.data, table)
                view.capacity = capacity
            grouped = type_key(view)
            assert grouped is not None
            # Grouped as the hardware page groups types (H100 and h100 are one type),
            # and named by the first spelling met.
            kind = names.setdefault(grouped, AcceleratorType(grouped))
            if not kind.spellings:
                kind.spellings[(view.accelerator_vendor or "", view.accelerator_type)] += 1
            row = HardwareRow(
                view,
                kind,
                count,
                capacity.min_replicas,
                capacity.max_replicas,
                None,
                None,
                capacity,
            )
            scopes = [("catalog", "")]
            if team in teams:
                scopes.append(("team", team or NO_TEAM))
            if environment in environments:
                scopes.append(("environment", environment or NO_ENVIRONMENT))
            for scope, name in scopes:
                totals.setdefault((scope, name, kind.name), Total(name)).add(row)
        sums.append(totals)
    order = {"catalog": 0, "team": 1, "environment": 2}
    keys = sorted(set(sums[0]) | set(sums[1]), key=lambda k: (order[k[0]], k[1], k[2]))
    found = []
    for key in keys:
        old, new = sums[0].get(key, Total(key[1])), sums[1].get(key, Total(key[1]))
        if _figures(old) != _figures(new):
            found.append(TotalChange(*key, old, new))
    return found


def _figures(total: Total) -> tuple[float | None, ...]:
    return (total.min_for_type, total.max_for_type, total.memory_at_min, total.memory_at_max)


def _total_json(total: Total) -> dict[str, Any]:
    return {
        "models": len(total.models),
        "acceleratorsAtMin": total.min_for_type,
        "acceleratorsAtMax": total.max_for_type,
        "memoryAtMinGb": total.memory_at_min,
        "memoryAtMaxGb": total.memory_at_max,
        "withoutMinReplicas": len(total.no_min),
        "withoutMaxReplicas": len(total.no_max),
        "unknownMemory": len(total.unknown_memory),
    }


def _broken(
    before: Side, after: Side, pairs: list[Pair], index_of: dict[SpecFile, int], top: str
) -> list[BrokenDependent]:
    """Models whose specRef names a spec that the change removes or moves away."""
    found = []
    for spec, links in after.catalog.links.items():
        for link in links:
            if link.target is not None:
                continue
            target = ref_target(os.path.dirname(spec.path), link.spec_ref)
            path = os.path.relpath(target, top).replace(os.sep, "/")
            gone = before.by_path.get(path)
            if gone is None:
                continue
            new = pairs[index_of[gone]].after
            if pairs[index_of[gone]].status not in ("removed", "renamed"):
                continue
            suggested = None
            if new is not None:
                suggested = os.path.relpath(new.path, os.path.dirname(spec.path))
                suggested = suggested.replace(os.sep, "/")
                suggested = suggested if suggested.startswith(".") else f"./{suggested}"
            found.append(
                BrokenDependent(
                    after.by_spec[spec].name,
                    spec.display,
                    link.spec_ref,
                    path,
                    before.by_spec[gone].name if gone.name else None,
                    new.display if new is not None else None,
                    suggested,
                )
            )
    return sorted(found, key=lambda b: (b.model.lower(), b.file, b.spec_ref))


# --- the verdict ----------------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _verdict(review: Review, esc: Callable[[str], str] = str) -> list[str]:
    """The verdict's sentences, with the text from specs passed through ``esc``."""
    models = review.models
    if not models:
        return [f"No spec changed between {esc(review.base.label)} and {esc(review.head.label)}."]
    counts = Counter(m.status for m in models)
    changed = len(models) - counts["affected"]
    parts = [f"{counts[s]} {s}" for s in ("added", "removed", "renamed", "changed") if counts[s]]
    if not changed:
        head = "No spec file changed"
    elif parts == [f"{changed} changed"]:
        head = f"{_plural(changed, 'model')} changed"
    else:
        head = f"{_plural(changed, 'model')} changed: {', '.join(parts)}"
    if counts["affected"]:
        verb = "is" if counts["affected"] == 1 else "are"
        head += f"; {_plural(counts['affected'], 'other model')} {verb} affected"
    sentences = [head + "."]
    flagged = [m for m in models if m.governance]
    introduced = [c for c in review.conflicts if c.introduced]
    if flagged or introduced:
        reasons = [f"{esc(m.governance[0].what)} ({esc(m.name)})" for m in flagged[:3]]
        if len(flagged) > 3:
            reasons.append(f"{len(flagged) - 3} more")
        if introduced:
            reasons.append(_plural(len(introduced), "new governance conflict"))
        verb = "needs" if len(flagged) == 1 else "need"
        count = f"{len(flagged)} {verb}" if flagged else "The change needs"
        sentences.append(f"{count} governance review: {'; '.join(reasons)}.")
    readiness = [m for m in models if m.readiness is not None and m.readiness.crossed]
    shown = []
    for m in readiness[:3]:
        r = m.readiness
        if r is None or r.after is None:
            continue
        if r.dropped and r.before is not None:
            shown.append(f"{esc(m.name)} {r.before.level_name} → {r.after.level_name}")
        else:
            required = r.after.required.name if r.after.required else "its required level"
            shown.append(f"{esc(m.name)} below {required}")
    if shown:
        more = f" and {len(readiness) - 3} more" if len(readiness) > 3 else ""
        sentences.append(f"Readiness falls: {'; '.join(shown)}{more}.")
    at_max = [
        t
        for t in review.totals
        if t.scope == "catalog" and t.before.max_for_type != t.after.max_for_type
    ]
    if at_max:
        moved = [
            f"{_delta(t.before.max_for_type, t.after.max_for_type)} {esc(t.accelerator)}"
            + _memory_delta(t.before.memory_at_max, t.after.memory_at_max)
            for t in at_max
        ]
        sentences.append(f"Accelerators at maximum scale: {', '.join(moved)}.")
    introduced_problems, fixed = len(review.introduced), len(review.fixed)
    if introduced_problems or fixed:
        sentences.append(f"Problems: {introduced_problems} introduced, {fixed} fixed.")
    if review.dependents:
        verb = "names" if len(review.dependents) == 1 else "name"
        sentences.append(
            f"{_plural(len(review.dependents), 'dependency', 'dependencies')} now {verb} "
            "a spec that is gone."
        )
    return sentences


def _signed(value: float) -> str:
    return f"+{value:,}" if value > 0 else f"{value:,}" if value < 0 else "±0"


def _delta(old: int | None, new: int | None) -> str:
    """``+8``; when a side is unknown (no model declares the replicas), both sides."""
    if old is None or new is None:
        return f"{'unknown' if old is None else f'{old:,}'} → {'unknown' if new is None else f'{new:,}'}"
    return _signed(new - old)


def _memory_delta(old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return ""
    delta = new - old
    if not delta:
        return ""
    shown = gigabytes(abs(delta)) or ""
    return f" ({'+' if delta > 0 else '-'}{shown})"


# --- JSON -----------------------------------------------------------------------------------


def to_json(review: Review) -> dict[str, Any]:
    """The review as data, for bots: what the Markdown says, and all of it."""
    return {
        "base": review.base.to_json(),
        "head": review.head.to_json(),
        "specsFolders": review.roots,
        "verdict": review.verdict(),
        "crossed": review.crossed(),
        "summary": dict(Counter(m.status for m in review.models)),
        "governance": [_finding_json(f) for f in review.governance],
        "conflicts": [
            {"source": c.source, "target": c.target, "what": c.what, "introduced": c.introduced}
            for c in review.conflicts
        ],
        "capacity": [
            {
                "scope": t.scope,
                "name": t.name or None,
                "accelerator": t.accelerator,
                "before": _total_json(t.before),
                "after": _total_json(t.after),
            }
            for t in review.totals
        ],
        "brokenDependents": [
            {
                "model": b.model,
                "file": b.file,
                "specRef": b.spec_ref,
                "target": b.target,
                "targetName": b.target_name,
                "movedTo": b.moved_to,
                "suggestedRef": b.suggested_ref,
            }
            for b in review.dependents
        ],
        "models": [_model_json(m) for m in review.models],
        "driftChecked": review.drift_checked,
        "notes": review.notes,
    }


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "model": finding.model,
        "what": finding.what,
        "field": finding.path,
        "before": finding.old,
        "after": finding.new,
        "alert": finding.alert,
    }


def _model_json(model: ModelChange) -> dict[str, Any]:
    readiness = model.readiness
    return {
        "name": model.name,
        "status": model.status,
        "file": model.path,
        "previousFile": model.previous_path,
        "url": model.url,
        "governance": [_finding_json(f) for f in model.governance],
        "changes": [
            {"area": area, "field": c.path, "kind": c.kind, "before": c.old, "after": c.new}
            for area, c in model.changes
        ],
        "readiness": {
            "before": readiness.before.level.name
            if readiness.before and readiness.before.level
            else None,
            "after": readiness.after.level.name
            if readiness.after and readiness.after.level
            else None,
            "required": readiness.after.required.name
            if readiness.after and readiness.after.required
            else None,
            "startedPassing": [r.check.id for r in readiness.started],
            "stoppedPassing": [r.check.id for r in readiness.stopped],
            "dropped": readiness.dropped,
            "newlyBelowRequired": readiness.newly_below,
        }
        if readiness
        else None,
        "capacity": {
            "before": _capacity_json(model.before),
            "after": _capacity_json(model.after),
        },
        "dependencies": {"added": model.dependencies_added, "removed": model.dependencies_removed},
        "problems": {
            "introduced": [d.to_json() for d in model.introduced],
            "fixed": [d.to_json() for d in model.fixed],
        },
        "drift": model.drift,
    }


def _capacity_json(view: ModelView | None) -> dict[str, Any] | None:
    if view is None or view.capacity is None:
        return None
    capacity = view.capacity
    count = capacity.count
    low, high = capacity.min_replicas, capacity.max_replicas
    return {
        "accelerator": view.accelerator_type,
        "perReplica": count,
        "minReplicas": low,
        "maxReplicas": high,
        "acceleratorsAtMin": count * low if count is not None and low is not None else None,
        "acceleratorsAtMax": count * high if count is not None and high is not None else None,
        "memoryAtMinGb": capacity.at_min_gb,
        "memoryAtMaxGb": capacity.at_max_gb,
        "acceleratorMemoryGb": capacity.memory_gb,
        "weightsGbEstimate": capacity.weights_gb,
    }


# --- Markdown -------------------------------------------------------------------------------


def to_markdown(review: Review, max_chars: int = MAX_CHARS) -> str:
    """The review as GitHub-flavoured Markdown for a pull request comment or a job
    summary: the verdict, then the details, a collapsible section per model.

    Past ``max_chars`` (0: no limit) what does not fit is left out, whole lines of the
    overview and whole models, and the end says so.
    """
    lines = [
        "### ModelSpec review",
        "",
        f"Comparing {_revision(review.base)} with {_revision(review.head)} "
        f"(specs folders: {', '.join(gfm_code(r) for r in review.roots)}).",
        "",
        _bold_verdict(review),
        "",
        *_governance_md(review),
        *_readiness_md(review),
        *_capacity_md(review),
        *_dependents_md(review),
        *_problems_md(review),
        *(line for note in review.notes for line in (f"> {gfm(note)}", "")),
    ]
    limit = max_chars - 400 if max_chars else float("inf")  # room for the last words
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit:
            out += [
                "",
                "*The rest of the overview is left out: it is longer than a comment holds.*",
                "",
            ]
            break
        out.append(line)
        size += len(line) + 1
    text = "\n".join(out) + "\n"
    if review.models:
        text += "#### Models\n\n"
    shown = 0
    for model in review.models:
        section = _model_md(model)
        if len(text) + len(section) > limit:
            break
        text += section
        shown += 1
    if shown < len(review.models):
        text += (
            f"*{len(review.models) - shown} more model(s) are not shown: this comment stops at "
            f"{max_chars:,} characters. `modelspec review --format json` lists them all.*\n"
        )
    return text


def _bold_verdict(review: Review) -> str:
    first, *rest = _verdict(review, gfm)
    return " ".join([f"**{first}**", *rest])


def _revision(revision: Revision) -> str:
    if revision.commit is None:
        return "the working tree"
    short = gfm_code(revision.commit[:10])
    if revision.ref in (None, revision.commit[:10], revision.commit):
        return short
    return f"{gfm_code(revision.ref)} ({short})"


def _listed(lines: list[str], what: str) -> list[str]:
    if len(lines) <= LISTED:
        return lines
    return [*lines[:LISTED], f"- and {len(lines) - LISTED} more {what} (see the JSON output)"]


def _governance_md(review: Review) -> list[str]:
    findings = sorted(review.governance, key=lambda f: not f.alert)
    if not findings and not review.conflicts:
        return []
    lines = []
    for f in findings:
        detail = _from_to(f.old, f.new)
        where = f" ({gfm_code(f.path)})" if f.path else ""
        mark = "⚠️ " if f.alert else ""
        lines.append(f"- {mark}**{gfm(f.model)}**: {gfm(f.what)}{where}{detail}")
    for c in review.conflicts:
        verb = "New conflict" if c.introduced else "Resolved conflict"
        lines.append(f"- {verb}: **{gfm(c.source)}** {gfm(c.what)}: **{gfm(c.target)}**")
    return ["#### Governance", "", *_listed(lines, "governance changes"), ""]


def _from_to(old: str | None, new: str | None) -> str:
    if old is None and new is None:
        return ""
    left = gfm_code(old) if old is not None else "*(not declared)*"
    right = gfm_code(new) if new is not None else "*(not declared)*"
    return f": {left} → {right}"


def _level(score: Score | None) -> str:
    return gfm(score.level_name) if score is not None else "—"


def _readiness_md(review: Review) -> list[str]:
    rows = []
    for m in review.models:
        r = m.readiness
        if r is None or (
            r.before is not None
            and r.after is not None
            and r.before.rank == r.after.rank
            and not r.crossed
        ):
            continue
        required = r.after.required.name if r.after and r.after.required else None
        flag = " ⚠️ below required" if r.newly_below else " ⚠️ lower" if r.dropped else ""
        rows.append(
            f"| {gfm(m.name)} | {_level(r.before)} | {_level(r.after)}{flag} | "
            f"{gfm(required) if required else '—'} |"
        )
    if not rows:
        return []
    head = [
        "#### Readiness",
        "",
        "| Model | Before | After | Required |",
        "| --- | --- | --- | --- |",
    ]
    return [*head, *_listed(rows, "models"), ""]


def _capacity_md(review: Review) -> list[str]:
    rows = []
    for t in review.totals:
        scope = "all models" if t.scope == "catalog" else f"{t.scope} {gfm(t.name)}"
        rows.append(
            f"| {scope} | {gfm(t.accelerator)} | {_count_change(t.before.min_for_type, t.after.min_for_type, t.before.memory_at_min, t.after.memory_at_min)} | "
            f"{_count_change(t.before.max_for_type, t.after.max_for_type, t.before.memory_at_max, t.after.memory_at_max)} |"
        )
    if not rows:
        return []
    left_out = sum(
        len(t.after.no_max) + len(t.after.unknown_memory)
        for t in review.totals
        if t.scope == "catalog"
    )
    lines = [
        "#### Capacity",
        "",
        "Accelerators of each type and their memory at minimum and maximum scale, where "
        "the change moves them, counted as the hardware page counts them (valid specs; at "
        "minimum scale the models that declare minReplicas, at maximum those that declare "
        "maxReplicas; unknown when none does).",
        "",
        "| Scope | Accelerator | At minimum scale | At maximum scale |",
        "| --- | --- | --- | --- |",
        *_listed(rows, "rows"),
        "",
    ]
    if left_out:
        lines += [
            f"*{_plural(left_out, 'model')} of these types "
            f"{'declares' if left_out == 1 else 'declare'} no maxReplicas or an accelerator "
            "of unknown memory: not in the sums at maximum scale.*",
            "",
        ]
    return lines


def _count_change(
    old: int | None, new: int | None, old_gb: float | None, new_gb: float | None
) -> str:
    def one(count: int | None, memory: float | None) -> str:
        shown = gigabytes(memory) if memory else None
        return ("unknown" if count is None else f"{count:,}") + (f" ({shown})" if shown else "")

    if old == new and old_gb == new_gb:
        return one(new, new_gb)
    return f"{one(old, old_gb)} → **{one(new, new_gb)}**"


def _dependents_md(review: Review) -> list[str]:
    lines = []
    for b in review.dependents:
        target = gfm_code(b.target) + (f" ({gfm(b.target_name)})" if b.target_name else "")
        if b.moved_to is not None:
            fix = f"which moved to {gfm_code(b.moved_to)}"
            if b.suggested_ref:
                fix += f": change its specRef to {gfm_code(b.suggested_ref)}"
        else:
            fix = "which this change removes"
        lines.append(
            f"- **{gfm(b.model)}** ({gfm_code(b.file)}) depends on {target} "
            f"through specRef {gfm_code(b.spec_ref)}, {fix}"
        )
    if not lines:
        return []
    return ["#### Dependents of removed or moved specs", "", *_listed(lines, "dependents"), ""]


def _diagnostic(d: Diagnostic) -> str:
    return f"{gfm_code(d.location())} {gfm(d.severity.value)} {gfm_code(d.code.value)}: {gfm(d.text())}"


def _problems_md(review: Review) -> list[str]:
    introduced, fixed = review.introduced, review.fixed
    if not introduced and not fixed:
        return []
    lines = ["#### Problems", ""]
    if introduced:
        lines += [
            "Introduced:",
            "",
            *_listed([f"- {_diagnostic(d)}" for d in introduced], "problems"),
            "",
        ]
    if fixed:
        lines += ["Fixed:", "", *_listed([f"- {_diagnostic(d)}" for d in fixed], "problems"), ""]
    return lines


def _model_md(model: ModelChange) -> str:
    r = model.readiness
    summary = [f"<b>{gfm(model.name)}</b>", gfm(model.status)]
    if r is not None and (r.before or r.after):
        if r.before and r.after and r.before.rank != r.after.rank:
            summary.append(f"{_level(r.before)} → {_level(r.after)}")
        else:
            summary.append(_level(r.after or r.before))
    if model.governance:
        summary.append("governance" + (" ⚠️" if any(f.alert for f in model.governance) else ""))
    out = ['<details markdown="1">', f"<summary>{' · '.join(summary)}</summary>", ""]
    where: str = gfm_code(model.path)
    if model.previous_path:
        where = f"{gfm_code(model.previous_path)} → {where}"
    page = f" · [model page]({model.url})" if model.url else ""
    out += [f"{where}{page}", ""]
    if model.status == "affected":
        out += ["The file did not change; what the catalog says of it did.", ""]
    if model.changes:
        out += ["| Field | Before | After |", "| --- | --- | --- |"]
        last = None
        for area, c in model.changes[:FIELDS_LISTED]:
            if area != last:  # the review area, on a row of its own
                out.append(f"| **{_AREA_TITLES[area]}** | | |")
                last = area
            old = gfm_code(c.old) if c.old is not None else "—"
            new = gfm_code(c.new) if c.new is not None else "—"
            out.append(f"| {gfm_code(c.path)} | {old} | {new} |")
        if len(model.changes) > FIELDS_LISTED:
            out.append(f"| and {len(model.changes) - FIELDS_LISTED} more fields | | |")
        out.append("")
    elif model.status in ("changed", "renamed"):
        out += ["No field changed (layout or comments only).", ""]
    out += _model_readiness(r)
    out += _model_capacity(model)
    if model.dependencies_added or model.dependencies_removed:
        deps = []
        if model.dependencies_added:
            deps.append("added " + ", ".join(gfm(d) for d in model.dependencies_added))
        if model.dependencies_removed:
            deps.append("removed " + ", ".join(gfm(d) for d in model.dependencies_removed))
        out += [f"**Dependencies**: {'; '.join(deps)}.", ""]
    if model.introduced or model.fixed:
        out += ["**Problems**:", ""]
        out += [f"- introduced: {_diagnostic(d)}" for d in model.introduced]
        out += [f"- fixed: {_diagnostic(d)}" for d in model.fixed]
        out.append("")
    if model.drift:
        out += ["**Drift against observed data**:", ""]
        out += [f"- {gfm(line)}" for line in model.drift]
        out.append("")
    out += ["</details>", "", ""]
    return "\n".join(out)


def _model_readiness(r: Readiness | None) -> list[str]:
    if r is None or r.after is None:
        return []
    if r.before is None:
        text = f"**Readiness**: {_level(r.after)}"
    elif r.before.rank == r.after.rank:
        text = f"**Readiness**: {_level(r.after)} (unchanged)"
    else:
        text = f"**Readiness**: {_level(r.before)} → **{_level(r.after)}**"
    if r.after.required is not None:
        met = "met" if r.after.meets_requirement else "⚠️ **not met**"
        text += f"; required: {r.after.required.name}, {met}"
    lines = [text + ".", ""]
    for label, results in (
        ("Started passing", r.started),
        ("Stopped passing", r.stopped),
        ("Failing", r.after.failing if r.before is None else []),
    ):
        if results:
            shown = ", ".join(f"{x.check.title} ({gfm_code(x.field)})" for x in results[:10])
            more = f" and {len(results) - 10} more" if len(results) > 10 else ""
            lines += [f"{label}: {shown}{more}.", ""]
    return lines


def _model_capacity(model: ModelChange) -> list[str]:
    old, new = model.before, model.after
    rows = [
        ("Accelerators per replica", _hardware),
        ("Replicas", _replicas),
        ("At minimum scale", lambda v: _scale(v, low=True)),
        ("At maximum scale", lambda v: _scale(v, low=False)),
        ("Weights (estimate)", _weights),
    ]
    lines = []
    for label, get in rows:
        a = get(old) if old is not None else None
        b = get(new) if new is not None else None
        if a is None and b is None:
            continue
        if old is not None and new is not None and a == b:
            continue
        lines.append(f"| {label} | {a or '—'} | {b or '—'} |")
    if not lines:
        return []
    return ["| Capacity | Before | After |", "| --- | --- | --- |", *lines, ""]


def _hardware(view: ModelView) -> str | None:
    kind, count = view.accelerator_type, view.accelerators
    if kind is None:
        return None
    memory = view.capacity.memory_gb if view.capacity else None
    each = f", {gigabytes(memory)} each" if memory else ""
    return f"{count if count is not None else '?'} x {gfm(kind)}{each}"


def _replicas(view: ModelView) -> str | None:
    capacity = view.capacity
    if capacity is None or (capacity.min_replicas is None and capacity.max_replicas is None):
        return None
    low = capacity.min_replicas if capacity.min_replicas is not None else "?"
    high = capacity.max_replicas if capacity.max_replicas is not None else "?"
    return f"{low} to {high}"


def _scale(view: ModelView, *, low: bool) -> str | None:
    capacity = view.capacity
    kind, count = view.accelerator_type, view.accelerators
    if capacity is None or kind is None or count is None:
        return None
    replicas = capacity.min_replicas if low else capacity.max_replicas
    if replicas is None:
        return None
    memory = capacity.at_min_gb if low else capacity.at_max_gb
    shown = f" ({gigabytes(memory)})" if memory is not None else " (memory unknown)"
    return f"{count * replicas:,} x {gfm(kind)}{shown}"


def _weights(view: ModelView) -> str | None:
    capacity = view.capacity
    if capacity is None or capacity.weights_gb is None:
        return None
    return f"{gigabytes(capacity.weights_gb)}, {gfm(capacity.verdict or '')}"
