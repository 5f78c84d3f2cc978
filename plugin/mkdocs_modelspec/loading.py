"""Files -> :class:`SpecFile` records: every file found becomes a model or a diagnostic.

Which files count
-----------------
Under each specs folder, recursively, every file whose name ends in
``.modelspec.yaml`` or ``.modelspec.yml`` (any letter case) is a spec file. Folders
whose name starts with a dot (``.git``, ``.venv``) and ``node_modules`` are not
entered; symbolic links to folders are not followed. A file named explicitly (on the
command line) is read whatever its name.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing as mp
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Code, Diagnostic, dotted, severity_of, sort_key
from .format import ModelSpec
from .validation import validate
from .yamlread import Document, Path, Problem, Where, read_fast, read_precise

SPEC_SUFFIXES = (".modelspec.yaml", ".modelspec.yml")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
#: Default largest spec file read, in bytes (1 MiB). Larger files get ``file-too-large``.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024


def is_spec_name(name: str) -> bool:
    return name.lower().endswith(SPEC_SUFFIXES)


def discover(root: str) -> list[str]:
    """Spec files under ``root``, sorted so that every run sees the same order.

    Paths are plain strings here and in :class:`SpecFile`: with ten thousand files,
    ``pathlib`` objects cost more than reading the files.
    """
    found: list[str] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # an unreadable folder holds no file we could account for
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS:
                    pending.append(entry.path)
            elif is_spec_name(entry.name) and entry.is_file():
                found.append(entry.path)
    return sorted(found)


@dataclass(eq=False)
class SpecFile:
    """One spec file: where it is, what it says, and what is wrong with it."""

    path: str
    """Absolute, lexically normalised path."""
    root: str
    """The specs folder it was found under (absolute)."""
    display: str
    """The path shown to people (relative to the working folder or the site's config)."""
    source: str | None = None
    """The text as written (None if it could not be read as UTF-8 text)."""
    data: Any = None
    """The parsed YAML, when it parsed."""
    model: ModelSpec | None = None
    """The validated spec, when it passed the format's checks."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    name: str | None = None
    """``metadata.name``, read even from an invalid spec when it is there."""
    conforms: bool = False
    """Whether the spec passed the format's checks (cross-spec checks may still fail)."""
    refs: list[tuple[int, str]] = field(default_factory=list)
    """``(index, specRef)`` of each dependency that declares a specRef."""
    _document: Document | None = field(default=None, repr=False)

    @property
    def rel(self) -> str:
        """Path relative to its specs folder, with forward slashes."""
        return _relative(self.path, self.root) or os.path.basename(self.path)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def valid(self) -> bool:
        """Whether the spec passed every check that makes a spec invalid."""
        return self.conforms and not self.errors

    def where(self, path: Path) -> Where:
        """Position of a field path, from a precise read made on first use."""
        if self._document is None:
            source = self.source
            if source is None:  # a compact record (see ``compact``): read it again
                try:
                    with open(self.path, encoding="utf-8-sig") as handle:
                        source = handle.read()
                except (OSError, UnicodeError):
                    source = ""
            self._document = read_precise(source)
        return self._document.where(path)

    def add(self, problem: Problem) -> None:
        self.diagnostics.append(
            Diagnostic(
                file=self.display,
                line=problem.line,
                column=problem.column,
                severity=severity_of(problem.code),
                code=problem.code,
                message=problem.message,
                path=dotted(problem.path),
                hint=problem.hint,
            )
        )
        self.diagnostics.sort(key=sort_key)

    def compact(self) -> SpecFile:
        """The record without its text, data and model: what checking a catalog needs."""
        return SpecFile(
            path=self.path,
            root=self.root,
            display=self.display,
            diagnostics=self.diagnostics,
            name=self.name,
            conforms=self.conforms,
            refs=self.refs,
        )


def _name_of(data: Any) -> str | None:
    metadata = data.get("metadata") if isinstance(data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def _conform(spec: SpecFile, data: Any, model: ModelSpec) -> None:
    spec.data, spec.model, spec.conforms = data, model, True
    pipeline = model.spec.pipeline
    spec.refs = [
        (index, dependency.spec_ref)
        for index, dependency in enumerate((pipeline.dependencies if pipeline else None) or [])
        if dependency.spec_ref is not None
    ]


def _relative(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` with forward slashes, or None if it is outside."""
    prefix = folder.rstrip(os.sep) + os.sep
    if path.startswith(prefix):
        return path[len(prefix) :].replace(os.sep, "/")
    return None


def display_path(path: str, base: str | None) -> str:
    """``path`` relative to ``base`` when it is inside it, else as it is."""
    shown = _relative(path, base) if base is not None else None
    return shown if shown is not None else path.replace(os.sep, "/")


def load_file(
    path: str,
    root: str,
    *,
    base: str | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
) -> SpecFile:
    """Read, parse and validate one file. Never raises for anything the file contains."""
    spec = SpecFile(path=path, root=root, display=display_path(path, base))
    raw = read_bytes(spec, max_file_size)
    return spec if raw is None else load_bytes(spec, raw)


def load_bytes(spec: SpecFile, raw: bytes) -> SpecFile:
    """Decode, parse and validate ``raw``, the content of ``spec``'s file (read from
    disk, or a version of it that git holds). Never raises for anything it contains."""
    text = _decode(spec, raw)
    if text is None:
        return spec
    spec.source = text
    data = read_fast(raw, text)
    if data is not None:
        model, problems = validate(data, spec.where)
        if model is not None:
            spec.name = model.metadata.name
            _conform(spec, data, model)
            for problem in problems:
                spec.add(problem)
            return spec
    # Something is off (or the fast reader could not vouch for the text): read it
    # again with positions and report everything.
    document = read_precise(text)
    spec._document = document
    spec.data = document.data
    spec.name = _name_of(document.data)
    for problem in document.problems:
        spec.add(problem)
    if document.empty and not document.problems:
        spec.add(
            Problem(
                Code.EMPTY_FILE,
                1,
                1,
                "the file holds no YAML document",
                "start it with `apiVersion: piqc.ai/v1alpha1`",
            )
        )
        return spec
    if document.data is None and document.problems:
        return spec
    model, problems = validate(document.data, document.where)
    taken = {p.path for p in document.problems if p.path}
    for problem in problems:
        # One message per place: a YAML problem there already explains the value.
        if problem.path not in taken:
            spec.add(problem)
    if model is not None and not spec.errors:
        _conform(spec, document.data, model)
    return spec


def read_bytes(spec: SpecFile, max_file_size: int) -> bytes | None:
    """The bytes of ``spec``'s file; None, with the problem added, when it cannot be
    read or is over ``max_file_size``."""
    try:
        raw = _read_at_most(spec.path, max_file_size + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        spec.add(Problem(Code.UNREADABLE, 1, 1, f"cannot read the file: {reason}"))
        return None
    if len(raw) > max_file_size:
        try:
            size = os.path.getsize(spec.path)
        except OSError:
            size = 0
        too_large(spec, size, max_file_size)
        return None
    return raw


def too_large(spec: SpecFile, size: int, max_file_size: int) -> None:
    """Add the ``file-too-large`` problem (``size`` 0: unknown)."""
    # A pipe (`modelspec validate <(git show ...)`) has no size to tell.
    shown = f"{size:,} bytes, " if size > max_file_size else ""
    spec.add(
        Problem(
            Code.FILE_TOO_LARGE,
            1,
            1,
            f"the file is {shown}over the limit of {max_file_size:,} bytes",
            "a ModelSpec is a few kilobytes; raise max_file_size only if you must",
        )
    )


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows only


def _read_at_most(path: str, limit: int) -> bytes:
    """Up to ``limit`` bytes of the file at ``path``.

    Asks for the file's size first: ``read(limit)`` would allocate ``limit`` bytes
    (1 MiB) for every 2 KB spec, which cost more than the rest of the read.
    Reads until the end or the limit, so a pipe or a growing file is read right too.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        wanted = min(os.fstat(fd).st_size + 1, limit)
        parts: list[bytes] = []
        got = 0
        while got < limit:
            part = os.read(fd, min(limit - got, 1 << 16) if got else wanted)
            if not part:
                break
            parts.append(part)
            got += len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def _decode(spec: SpecFile, raw: bytes) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        spec.add(Problem(Code.NOT_UTF8, 1, 1, "the file is UTF-16 encoded", "save it as UTF-8"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = raw[error.start]
        spec.add(
            Problem(
                Code.NOT_UTF8,
                line,
                column,
                f"byte 0x{byte:02X} is not valid UTF-8",
                "save the file as UTF-8",
            )
        )
        return None
    if not text.strip():
        spec.add(
            Problem(
                Code.EMPTY_FILE,
                1,
                1,
                "the file is empty",
                "start it with `apiVersion: piqc.ai/v1alpha1`",
            )
        )
        return None
    return text.removeprefix("\ufeff")


def absolute(path: str | os.PathLike[str]) -> str:
    """Absolute and normalised, but not resolved: specRef resolution is lexical."""
    return os.path.abspath(path)


class LoadCache:
    """Specs loaded by earlier builds of one ``mkdocs serve``, kept by path.

    A file whose size, modification time and inode have not changed is not read
    again: editing one spec in a catalog of thousands re-reads one file.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[int, int, int], SpecFile]] = {}
        self.hits = 0
        self.misses = 0

    def load(self, path: str, root: str, base: str | None, max_file_size: int) -> SpecFile:
        try:
            stat = os.stat(path)
            key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            return load_file(path, root, base=base, max_file_size=max_file_size)
        entry = self._entries.get(path)
        if entry is None or entry[0] != key or entry[1].root != root:
            self.misses += 1
            spec = load_file(path, root, base=base, max_file_size=max_file_size)
            self._entries[path] = (key, _copy(spec))
            return spec
        self.hits += 1
        return _copy(entry[1])

    def forget_missing(self, present: set[str]) -> None:
        for path in set(self._entries) - present:
            del self._entries[path]


def _copy(spec: SpecFile) -> SpecFile:
    """A copy whose diagnostics the catalog checks can extend without touching the cache."""
    return dataclasses.replace(spec, diagnostics=list(spec.diagnostics))


def load_roots(
    roots: Sequence[str | os.PathLike[str]],
    *,
    base: str | os.PathLike[str] | None = None,
    files: Iterable[str | os.PathLike[str]] = (),
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int = 1,
    cache: LoadCache | None = None,
    compact: bool = False,
) -> list[SpecFile]:
    """Load every spec file under ``roots`` and every file in ``files``.

    With ``compact``, each file comes back as a compact record (:meth:`SpecFile.compact`)
    as soon as it is checked: ``modelspec validate`` needs no more, and 10,000 specs
    then take 56 MB instead of 417. With ``jobs`` > 1 and many files, the files are
    loaded by that many processes, and always come back compact. The plugin, which
    renders the specs, loads in one process and keeps everything.
    """
    shown_from = absolute(base) if base is not None else None
    wanted: dict[str, str] = {}  # path -> its root; the first root that finds a file keeps it
    for root in map(absolute, roots):
        for path in discover(root):
            wanted.setdefault(path, root)
    for path in map(absolute, files):
        wanted.setdefault(path, os.path.dirname(path))
    items = list(wanted.items())
    if jobs > 1 and len(items) >= PARALLEL_FROM and "fork" in mp.get_all_start_methods():
        ModelSpec.model_rebuild()  # build the validator once, before the workers fork
        # Small chunks, handed out as the workers free up: with a few large ones, one
        # worker sat idle for up to 0.1 s at 10,000 specs while the other finished.
        count = max(jobs * 4, len(items) // CHUNK)
        chunks = [items[i::count] for i in range(count)]
        with mp.get_context("fork").Pool(jobs) as pool:
            tasks = [(c, shown_from, max_file_size, True) for c in chunks]
            parts = pool.starmap(_load_many, tasks, chunksize=1)
        by_path = {spec.path: spec for part in parts for spec in part}
        return [by_path[path] for path, _ in items]
    if cache is not None:
        cache.forget_missing({path for path, _ in items})
        return [cache.load(path, root, shown_from, max_file_size) for path, root in items]
    return _load_many(items, shown_from, max_file_size, compact)


#: Fewer files than this are loaded in one process even when ``jobs`` > 1.
PARALLEL_FROM = 400


def default_jobs() -> int:
    """Worker processes for loading or rendering: the cores this process may use, at
    most 4 (more only add start-up and copying on the machines measured)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 4)


#: Files per task handed to a worker process, about 30 ms of work.
CHUNK = 200


def _load_many(
    items: list[tuple[str, str]], base: str | None, max_file_size: int, compact: bool = False
) -> list[SpecFile]:
    # The loader allocates millions of small acyclic objects; the cyclic garbage
    # collector's passes over them cost more than the parsing (measured: 2x at 10,000
    # specs), and there is no cycle to collect here.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        specs = (
            load_file(path, root, base=base, max_file_size=max_file_size) for path, root in items
        )
        return [spec.compact() for spec in specs] if compact else list(specs)
    finally:
        if was_enabled:
            gc.enable()
