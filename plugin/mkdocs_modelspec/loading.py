"""Files -> :class:`SpecFile` records: every file found becomes a model or a diagnostic.

Which files count
-----------------
Under each specs folder, recursively, every file whose name ends in
``.modelspec.yaml`` or ``.modelspec.yml`` (any letter case) is a spec file. Folders
whose name starts with a dot (``.git``, ``.venv``) and ``node_modules`` are not
entered. A file named explicitly (on the command line) is read whatever its name.

Symbolic links and other odd entries
------------------------------------
Nothing outside the specs folders is ever opened, and nothing but a regular file:

* a link to a spec file is read when its target, every link resolved, is a regular
  file inside one of the specs folders; a link that leads out of them is not read
  (``link-outside-root``), nor one that is broken or loops (``unreadable``);
* a link to a folder is not entered: inside the specs folders, the files it leads
  to are read where they really are; a link to a folder outside them is reported
  (``folder-not-read``);
* an entry named like a spec that is not a regular file (a named pipe, a device, a
  socket, or a link to one) is not opened (``not-a-file``); nor is a file that turns
  out not to be regular when opened (discovered files are opened without following
  a link and without blocking);
* a folder that cannot be listed is reported (``folder-not-read``).

Every skipped entry thus becomes a record with one diagnostic naming it: nothing is
skipped silently.
"""

from __future__ import annotations

import bisect
import dataclasses
import errno
import multiprocessing as mp
import os
import signal
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import collector
from .diagnostics import Code, Diagnostic, dotted, severity_of, sort_key
from .format import ModelSpec
from .validation import validate
from .yamlread import Document, Path, Problem, Where, read_fast, read_precise

SPEC_SUFFIXES = (".modelspec.yaml", ".modelspec.yml")
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})
#: Default largest spec file read, in bytes (1 MiB). Larger files get ``file-too-large``.
DEFAULT_MAX_FILE_SIZE = 1024 * 1024
#: Most diagnostics listed for one file; a last one says how many more there are.
MAX_PROBLEMS_PER_FILE = 100


def is_spec_name(name: str) -> bool:
    return name.lower().endswith(SPEC_SUFFIXES)


@dataclass(frozen=True)
class Found:
    """What discovery found under the specs folders."""

    files: dict[str, str | None]
    """Spec files to read: path -> the path to open (the real path of a followed
    link; None: the path itself)."""
    skipped: dict[str, Problem]
    """Entries not read, each with the problem that says why."""


def discover(root: str, inside: Sequence[str] | None = None) -> Found:
    """Spec files under ``root``, and the entries skipped there, in a stable order.

    ``inside`` are the real paths of every specs folder, a link may lead into any of
    them (default: ``root``). See the module docstring for what is followed.

    Paths are plain strings here and in :class:`SpecFile`: with ten thousand files,
    ``pathlib`` objects cost more than reading the files.
    """
    walk = _Walk(tuple(inside) if inside is not None else (os.path.realpath(root),))
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            walk.skipped[folder] = _skip(
                Code.FOLDER_NOT_READ,
                f"cannot list the folder: {_reason(error)}; spec files in it are not read",
                "make the folder readable, or move the specs out of it",
            )
            continue
        for entry in entries:
            try:
                walk.sort(entry, pending)
            except OSError as error:  # the entry changed or vanished while we looked
                if is_spec_name(entry.name):
                    walk.skipped[entry.path] = _skip(
                        Code.UNREADABLE, f"cannot read the file: {_reason(error)}"
                    )
    return Found(dict(sorted(walk.files.items())), dict(sorted(walk.skipped.items())))


class _Walk:
    """What discovery has found so far, and where links may lead."""

    def __init__(self, real_roots: tuple[str, ...]) -> None:
        self.real_roots = real_roots
        self.prefixes = tuple(r.rstrip(os.sep) + os.sep for r in real_roots)
        self.files: dict[str, str | None] = {}
        self.skipped: dict[str, Problem] = {}

    def sort(self, entry: os.DirEntry[str], pending: list[str]) -> None:
        """One folder entry: a folder to enter, a file to read, or an entry skipped."""
        spec_named = is_spec_name(entry.name)
        if not entry.is_symlink():  # the usual case: answered from the listing, no call
            if entry.is_dir(follow_symlinks=False):
                if _enters(entry.name):
                    pending.append(entry.path)
            elif spec_named:
                if entry.is_file(follow_symlinks=False):
                    self.files[entry.path] = None
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    self.skipped[entry.path] = _not_a_file(mode)
            return
        try:
            real = os.path.realpath(entry.path, strict=True)
            mode = os.stat(real).st_mode
        except OSError as error:
            if spec_named:
                self.skipped[entry.path] = _broken_link(error)
            return  # any other broken link is nothing we would have read
        outside = real not in self.real_roots and not real.startswith(self.prefixes)
        if stat.S_ISDIR(mode):
            if outside and _enters(entry.name):
                self.skipped[entry.path] = _skip(
                    Code.FOLDER_NOT_READ,
                    "a symbolic link to a folder outside the specs folders: not entered",
                    "add that folder to the specs folders (specs_dir) to read its specs",
                )
            return  # inside: its files are read where they really are
        if not spec_named:
            return
        if outside:
            self.skipped[entry.path] = _skip(
                Code.LINK_OUTSIDE,
                "a symbolic link to a file outside the specs folders: not read",
                "copy the spec into the specs folder, or add its folder to the specs folders",
            )
        elif not stat.S_ISREG(mode):
            self.skipped[entry.path] = _not_a_file(mode)
        else:
            self.files[entry.path] = real


def _enters(name: str) -> bool:
    """Whether discovery goes into a folder of this name."""
    return not name.startswith(".") and name not in SKIPPED_FOLDERS


def _broken_link(error: OSError) -> Problem:
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        message = "a broken symbolic link: its target does not exist"
    elif error.errno == errno.ELOOP:
        message = "a symbolic link that loops"
    else:
        message = f"cannot follow the symbolic link: {_reason(error)}"
    return _skip(
        Code.UNREADABLE,
        message,
        "point the link at a spec file inside the specs folder, or remove it",
    )


def _skip(code: Code, message: str, hint: str = "") -> Problem:
    return Problem(code, 1, 1, message, hint)


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _not_a_file(mode: int) -> Problem:
    kind = (
        "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "not a regular file"
    )
    return _skip(
        Code.NOT_A_FILE,
        f"{kind}, not a regular file: not read",
        "a spec is a regular file; rename or remove this entry",
    )


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
        """Path relative to its specs folder, with forward slashes (as text: see
        :func:`text_path`)."""
        return text_path(_relative(self.path, self.root) or os.path.basename(self.path))

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
        bisect.insort(self.diagnostics, self._diagnostic(problem), key=sort_key)

    def add_all(self, problems: Sequence[Problem], omitted: int = 0) -> None:
        """Add ``problems`` (the ones from reading and checking the file), keeping the
        first :data:`MAX_PROBLEMS_PER_FILE` in the file; ``omitted`` were not even
        worded. A last diagnostic says how many more there are."""
        made = sorted(map(self._diagnostic, problems), key=sort_key)
        if len(made) > MAX_PROBLEMS_PER_FILE:
            omitted += len(made) - MAX_PROBLEMS_PER_FILE
            made = made[:MAX_PROBLEMS_PER_FILE]
        self.diagnostics.extend(made)
        if omitted and made:
            last = made[-1]  # the note sorts last of the file (see ``sort_key``)
            self.diagnostics.append(
                self._diagnostic(
                    Problem(
                        Code.TOO_MANY_PROBLEMS,
                        last.line,
                        last.column,
                        f"{omitted:,} more problems in this file are not listed "
                        f"(the first {MAX_PROBLEMS_PER_FILE} are)",
                        "fix these and check the file again",
                    )
                )
            )
        self.diagnostics.sort(key=sort_key)

    def _diagnostic(self, problem: Problem) -> Diagnostic:
        return Diagnostic(
            file=self.display,
            line=problem.line,
            column=problem.column,
            severity=severity_of(problem.code),
            code=problem.code,
            message=problem.message,
            path=dotted(problem.path),
            hint=problem.hint,
        )

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
    """``path`` relative to ``base`` when it is inside it, else as it is (as text)."""
    shown = _relative(path, base) if base is not None else None
    return text_path(shown if shown is not None else path.replace(os.sep, "/"))


def published(specs: Iterable[SpecFile]) -> None:
    """Show each spec that lies outside the folder paths are shown from (its path is
    shown whole, a path of this machine) relative to its repository instead: the
    nearest folder above it that holds ``.git``, else the folder that holds its specs
    folder. What a page, ``models.json`` or a generated file says is then the same on
    every machine, and names nothing of the machine (``/home/me/...``)."""
    tops: dict[str, str] = {}
    for spec in specs:
        if not os.path.isabs(spec.display):
            continue
        old, spec.display = spec.display, in_repository(spec.path, spec.root, tops)
        spec.diagnostics = [
            dataclasses.replace(d, file=spec.display) if d.file == old else d
            for d in spec.diagnostics
        ]


def in_repository(path: str, root: str, tops: dict[str, str]) -> str:
    """``path`` relative to its repository: the nearest folder above it that holds
    ``.git``, else the folder that holds ``root`` (``tops`` remembers the folders
    already looked up)."""
    folder = os.path.dirname(path)
    if folder not in tops:
        top, seen = folder, []
        while top not in tops and not os.path.exists(os.path.join(top, ".git")):
            seen.append(top)
            parent = os.path.dirname(top)
            if parent == top:  # in no repository
                top = os.path.dirname(root)
                break
            top = parent
        top = tops.get(top, top)
        for each in [*seen, folder]:
            tops[each] = top
    return text_path(_relative(path, tops[folder]) or os.path.basename(path))


def text_path(path: str) -> str:
    """A path as text that can be written anywhere: the bytes of a file name that is
    not UTF-8 (which Python keeps as lone surrogates) are written ``\\xff``."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def load_file(
    path: str,
    root: str,
    *,
    base: str | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    found: bool = False,
    read_from: str | None = None,
) -> SpecFile:
    """Read, parse and validate one file. Never raises for anything the file contains.

    ``found``: the file was found by :func:`discover` (not named by the user): it is
    opened only when it is a regular file, from ``read_from`` when given (the real
    path of a link discovery followed), else without following a link.
    """
    spec = SpecFile(path=path, root=root, display=display_path(path, base))
    raw = read_bytes(spec, max_file_size, found, read_from)
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
        # Problems are worded below, from a read that knows every position.
        model, problems, _ = validate(data, spec.where, limit=0)
        if model is not None:
            spec.name = model.metadata.name
            _conform(spec, data, model)
            spec.add_all(problems)
            return spec
    # Something is off (or the fast reader could not vouch for the text): read it
    # again with positions and report everything.
    document = read_precise(text)
    spec._document = document
    spec.data = document.data
    spec.name = _name_of(document.data)
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
        spec.add_all(document.problems)
        return spec
    # One message per place: a YAML problem there already explains the value.
    taken = {p.path for p in document.problems if p.path}
    model, problems, omitted = validate(
        document.data, document.where, limit=MAX_PROBLEMS_PER_FILE, skip=taken
    )
    spec.add_all(document.problems + problems, omitted)
    if model is not None and not spec.errors:
        _conform(spec, document.data, model)
    return spec


def read_bytes(
    spec: SpecFile, max_file_size: int, found: bool = False, read_from: str | None = None
) -> bytes | None:
    """The bytes of ``spec``'s file; None, with the problem added, when it cannot be
    read or is over ``max_file_size``. ``found`` and ``read_from``: see :func:`load_file`."""
    try:
        raw = _read_at_most(read_from or spec.path, max_file_size + 1, found)
    except _NotRegular as error:
        spec.add(_not_a_file(error.mode))
        return None
    except OSError as error:
        if found and error.errno == errno.ELOOP and read_from is None:
            # It was a file when listed, and is a link now: not followed.
            message = "the file became a symbolic link while being read: not read"
        else:
            message = f"cannot read the file: {_reason(error)}"
        spec.add(Problem(Code.UNREADABLE, 1, 1, message))
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
# A discovered file: never through a link at its own path, never waiting on a pipe.
_FOUND_FLAGS = _READ_FLAGS | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class _NotRegular(Exception):  # noqa: N818 - a signal between two functions here
    def __init__(self, mode: int) -> None:
        self.mode = mode


def _read_at_most(path: str, limit: int, regular_only: bool = False) -> bytes:
    """Up to ``limit`` bytes of the file at ``path``.

    Asks for the file's size first: ``read(limit)`` would allocate ``limit`` bytes
    (1 MiB) for every 2 KB spec, which cost more than the rest of the read.
    Reads until the end or the limit, so a pipe or a growing file is read right too
    (a file the user named; with ``regular_only``, anything but a regular file raises
    :class:`_NotRegular` before a byte is read).
    """
    fd = os.open(path, _FOUND_FLAGS if regular_only else _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise _NotRegular(info.st_mode)
        wanted = min(info.st_size + 1, limit)
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

    def load(self, item: Item, base: str | None, max_file_size: int) -> SpecFile:
        path, root, _, _ = item
        try:
            info = os.stat(path)
            key = (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            return _load_item(item, base, max_file_size)
        entry = self._entries.get(path)
        if entry is None or entry[0] != key or entry[1].root != root:
            self.misses += 1
            spec = _load_item(item, base, max_file_size)
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


#: One file to load: its path, its specs folder, whether discovery found it (else the
#: user named it), and the path to open when discovery followed a link to it.
Item = tuple[str, str, bool, str | None]


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

    Entries that discovery skips (see the module docstring) come back as records with
    the diagnostic that says why, in the same order as the files.

    With ``compact``, each file comes back as a compact record (:meth:`SpecFile.compact`)
    as soon as it is checked: ``modelspec validate`` needs no more, and 10,000 specs
    then take 56 MB instead of 417. With ``jobs`` > 1 and many files, the files are
    loaded by that many processes (never more than the cores this process may use),
    and always come back compact. The plugin, which renders the specs, loads in one
    process and keeps everything.
    """
    shown_from = absolute(base) if base is not None else None
    absolute_roots = [absolute(root) for root in roots]
    real_roots = [os.path.realpath(root) for root in absolute_roots]
    wanted: dict[str, Item] = {}  # by path; the first root that finds a file keeps it
    skipped: dict[str, tuple[str, Problem]] = {}
    for root in absolute_roots:
        found = discover(root, real_roots)
        for path, read_from in found.files.items():
            wanted.setdefault(path, (path, root, True, read_from))
        for path, problem in found.skipped.items():
            skipped.setdefault(path, (root, problem))
    for path in map(absolute, files):
        wanted.setdefault(path, (path, os.path.dirname(path), False, None))
    items = list(wanted.values())
    jobs = min(jobs, usable_cores())
    if jobs > 1 and len(items) >= PARALLEL_FROM and "fork" in mp.get_all_start_methods():
        ModelSpec.model_rebuild()  # build the validator once, before the workers fork
        # Small chunks, handed out as the workers free up: with a few large ones, one
        # worker sat idle for up to 0.1 s at 10,000 specs while the other finished.
        count = max(jobs * 4, len(items) // CHUNK)
        chunks = [items[i::count] for i in range(count)]
        tasks = [(c, shown_from, max_file_size, True) for c in chunks]
        parts = in_workers(_load_many, tasks, jobs)
        loaded = [spec for part in parts for spec in part]
    elif cache is not None:
        cache.forget_missing(set(wanted))
        loaded = [cache.load(item, shown_from, max_file_size) for item in items]
    else:
        loaded = _load_many(items, shown_from, max_file_size, compact)
    for path, (root, problem) in skipped.items():
        if path not in wanted:
            record = SpecFile(path=path, root=root, display=display_path(path, shown_from))
            record.add(problem)
            loaded.append(record)
    return sorted(loaded, key=lambda spec: spec.path)


def in_workers(work: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], jobs: int) -> list[Any]:
    """``[work(*task) for task in tasks]``, computed by ``jobs`` forked processes.

    Ctrl-C ends every worker at once: the workers ignore SIGINT (the terminal sends it
    to each of them) and the pool is terminated when this process gets it, so the
    ``KeyboardInterrupt`` reaches the caller alone, without a worker's traceback.
    """
    # SIGINT is held back while the workers start, so that none gets it before it
    # ignores it (a worker's traceback); it is delivered here right after.
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = mp.get_context("fork").Pool(jobs, initializer=_ignore_sigint)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with pool:
        try:
            pending = pool.starmap_async(work, tasks, chunksize=1)
            # A wait with a timeout: a wait without one cannot be interrupted.
            while True:
                try:
                    return list(pending.get(timeout=0.2))
                except mp.TimeoutError:
                    continue
        except BaseException:
            pool.terminate()
            raise


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


#: Fewer files than this are loaded in one process even when ``jobs`` > 1.
PARALLEL_FROM = 400


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs() -> int:
    """Worker processes for loading or rendering: the cores this process may use, at
    most 4 (more only add start-up and copying on the machines measured)."""
    return min(usable_cores(), 4)


#: Files per task handed to a worker process, about 30 ms of work.
CHUNK = 200


def _load_item(item: Item, base: str | None, max_file_size: int) -> SpecFile:
    path, root, found, read_from = item
    return load_file(
        path, root, base=base, max_file_size=max_file_size, found=found, read_from=read_from
    )


def _load_many(
    items: list[Item], base: str | None, max_file_size: int, compact: bool = False
) -> list[SpecFile]:
    with collector.paused():  # millions of small acyclic objects
        specs = (_load_item(item, base, max_file_size) for item in items)
        return [spec.compact() for spec in specs] if compact else list(specs)
