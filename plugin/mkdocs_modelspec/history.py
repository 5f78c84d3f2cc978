"""The audit trail: the git history of every spec file, from one ``git log`` call.

How it is read
--------------
One small call finds the repository and whether it is a shallow clone::

    git rev-parse --show-toplevel --is-shallow-repository --git-path shallow

then one call reads the history of every specs folder at once (:data:`LOG`)::

    git --literal-pathspecs -c core.quotePath=false -c diff.suppressBlankEmpty=false \
        log --no-color --no-ext-diff --no-textconv --no-show-signature --no-merges \
        --root -M --patch --unified=1000000 --src-prefix=a/ --dst-prefix=b/ \
        --format=%x1e%H%n%aI%n%an%n%s -- <specs folders>

With a context as long as any spec, each patch holds both versions of the file in
full, so the old and new text of every change are rebuilt from the patch alone (no
``git show`` per version). Each version is read with the project's YAML reader and
the two are compared field by field. Renames inside the specs folders are followed
(``-M``): a spec keeps its history when its file moves.

Nothing here ever fails a build: without git, outside a repository, or with a git
that refuses the repository, the history says what is missing and why. In a shallow
clone the commits before the clone's boundary are missing, and the pages say so.
Author names and commit subjects are untrusted text, like specs.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import dotted
from .loading import SpecFile, is_spec_name
from .yamlread import read_fast, read_precise

#: The one ``git log`` call (after ``git``; the specs folders are appended).
LOG = (
    "--literal-pathspecs",
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.suppressBlankEmpty=false",
    "log",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-show-signature",
    "--no-merges",
    "--root",
    "-M",
    "--patch",
    "--unified=1000000",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--format=%x1e%H%n%aI%n%an%n%s",
    "--",
)
#: The small call that finds the repository.
REV_PARSE = ("rev-parse", "--show-toplevel", "--is-shallow-repository", "--git-path", "shallow")
HEAD = ("rev-parse", "-q", "--verify", "HEAD")
#: Commits shown on the recent changes page.
RECENT = 50
#: Field changes listed per commit; the rest are counted.
MAX_CHANGES = 40
_VALUE_WIDTH = 80

Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


# --- what the history holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions of a spec."""

    path: str
    """Dotted field path (``spec.runtime.accelerator.count``)."""
    kind: str
    """``changed``, ``added`` or ``removed``."""
    old: str | None
    new: str | None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"{self.path}: added {self.new}"
        if self.kind == "removed":
            return f"{self.path}: removed (was {self.old})"
        return f"{self.path}: {self.old} -> {self.new}"


@dataclass
class Entry:
    """One version of a spec file: a commit that changed it, or the uncommitted copy."""

    kind: str
    """``created``, ``modified``, ``renamed``, ``earliest`` (the oldest commit a shallow
    clone holds: what came before is missing) or ``uncommitted``."""
    path: str
    """Path of the file in that version, relative to the repository."""
    commit: str | None = None
    date: str | None = None
    """Author date, ``YYYY-MM-DD``."""
    author: str | None = None
    subject: str | None = None
    previous_path: str | None = None
    """For a rename: the path before."""
    changes: list[Change] | None = None
    """Field by field; None when the versions could not be compared."""
    more: int = 0
    """Changes left out of ``changes`` (past :data:`MAX_CHANGES`)."""

    @property
    def short(self) -> str:
        return (self.commit or "")[:10]


@dataclass
class FileHistory:
    """The history of one spec file, newest first."""

    entries: list[Entry] = field(default_factory=list)
    total: int = 0
    """Commits found for the file (``entries`` holds at most the configured limit)."""
    note: str | None = None
    """What is missing, in a sentence (no git, not committed yet, shallow clone...)."""


@dataclass
class RecentFile:
    """One spec file changed by a commit, for the recent changes page."""

    kind: str
    path: str
    spec_path: str | None
    """The path of the spec of the catalog it is today (None: deleted, moved away)."""
    previous_path: str | None = None


@dataclass
class RecentCommit:
    commit: str
    date: str
    author: str
    subject: str
    files: list[RecentFile]

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass
class History:
    """The history of every spec of a catalog."""

    files: dict[str, FileHistory] = field(default_factory=dict)
    """By the spec's path."""
    recent: list[RecentCommit] = field(default_factory=list)
    note: str | None = None
    """What is missing across the catalog, in a sentence; None when nothing is."""
    available: bool = False
    """Whether git history was read at all."""
    limit: int = 20

    def of(self, spec: SpecFile) -> FileHistory:
        found = self.files.get(spec.path)
        if found is not None:
            return found
        return FileHistory(note=self.note or "No history was found for this spec file.")


def not_read(reason: str) -> History:
    """A history that was not read, saying why."""
    return History(note=reason)


NOT_READ = not_read("The history of the specs was not read for these pages.")


# --- reading git --------------------------------------------------------------------------


def read_history(
    specs: Sequence[SpecFile],
    roots: Sequence[str],
    *,
    limit: int = 20,
    git: str = "git",
    run: Runner = subprocess.run,
    cache: dict[tuple[str, ...], list[Commit]] | None = None,
) -> History:
    """The history of ``specs`` (found under ``roots``) from git: one ``git log`` call.

    With a ``cache`` (kept across the rebuilds of ``mkdocs serve``), the log is read
    again only when HEAD has moved: editing a spec does not re-run ``git log``.
    """
    folders = [os.path.realpath(r) for r in roots if os.path.isdir(r)]
    if not folders:
        return not_read("No specs folder exists, so there is no history to read.")
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        found = run([git, *REV_PARSE], cwd=folders[0], capture_output=True, env=env, check=False)
    except OSError:
        return not_read(
            "git is not installed here (not found on PATH), so the pages show no history."
        )
    if found.returncode != 0:
        return not_read(_refusal(found.stderr))
    lines = found.stdout.decode("utf-8", "replace").splitlines()
    if len(lines) < 3:
        return not_read("git did not say where the repository is, so the pages show no history.")
    top = os.path.realpath(lines[0])
    shallow = lines[1].strip() == "true"
    boundary = _boundary(os.path.join(folders[0], lines[2])) if shallow else set()
    inside = [f for f in folders if f == top or f.startswith(top.rstrip(os.sep) + os.sep)]
    outside = [f for f in folders if f not in inside]
    if not inside:
        return not_read("The specs folders are outside the git repository: no history.")
    pathspecs = [os.path.relpath(f, top).replace(os.sep, "/") for f in inside]
    head = ""
    if cache is not None:  # under `mkdocs serve`: a tiny call saves the big one
        try:
            done = run([git, *HEAD], cwd=top, capture_output=True, env=env, check=False)
            head = done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else ""
        except OSError:
            head = ""
    key = (top, head, *pathspecs)
    commits = cache.get(key) if cache is not None and head else None
    if commits is None:
        try:
            log = run([git, *LOG, *pathspecs], cwd=top, capture_output=True, env=env, check=False)
        except OSError:
            return not_read("git could not be run, so the pages show no history.")
        if log.returncode != 0:
            message = log.stderr.decode("utf-8", "replace")
            if "does not have any commits" in message:
                return not_read("The repository has no commit yet, so no spec has a history.")
            return not_read(_refusal(log.stderr))
        commits = parse_log(log.stdout)
        if cache is not None and head:
            cache.clear()
            cache[key] = commits
    notes = []
    if shallow:
        notes.append(
            "This is a shallow clone: commits older than the clone's depth are missing "
            "(git fetch --unshallow fetches them)."
        )
    if outside:
        notes.append(
            f"{len(outside)} specs folder{'s are' if len(outside) != 1 else ' is'} outside the git repository."
        )
    history = assemble(
        commits,
        specs,
        top,
        limit=limit,
        boundary=boundary,
        note=" ".join(notes) or None,
    )
    history.available = True
    return history


def _refusal(stderr: bytes) -> str:
    message = stderr.decode("utf-8", "replace").strip()
    if "not a git repository" in message:
        return "The specs are not in a git repository, so the pages show no history."
    first = message.splitlines()[0] if message else "no message"
    return f"git could not read the history ({first[:200]}), so the pages show none."


def _boundary(path: str) -> set[str]:
    """The commits a shallow clone holds without their parents."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return {line.strip() for line in handle if line.strip()}
    except OSError:
        return set()


# --- parsing the log ----------------------------------------------------------------------


@dataclass
class Patch:
    """One file in one commit, with both versions when the patch holds them whole."""

    old_path: str | None
    """None for a file the commit creates."""
    new_path: str | None
    """None for a file the commit deletes."""
    old_text: str | None = None
    """The version before, when the patch holds all of it."""
    new_text: str | None = None
    identical: bool = False
    """A rename that changes nothing in the file."""


@dataclass
class Commit:
    commit: str
    date: str
    author: str
    subject: str
    patches: list[Patch] = field(default_factory=list)


_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_log(output: bytes) -> list[Commit]:
    """The commits of :data:`LOG`'s output, newest first.

    Parsing goes by line counts, never by what a line looks like inside a hunk: a
    spec's text cannot pass for a header.
    """
    lines = output.split(b"\n")
    commits: list[Commit] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith(b"\x1e"):
            header = [*lines[index + 1 : index + 4], b"", b"", b""][:3]
            date, author, subject = (_text(h) for h in header)
            commits.append(
                Commit(
                    commit=_text(line[1:]).strip(),
                    date=date[:10] if _DATE.match(date) else date,
                    author=author,
                    subject=subject,
                )
            )
            index += 4
        elif line.startswith(b"diff --git ") and commits:
            index = _parse_patch(lines, index, commits[-1])
        else:
            index += 1
    return commits


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _parse_patch(lines: list[bytes], index: int, commit: Commit) -> int:
    old_path, new_path = _header_paths(lines[index])
    index += 1
    created = deleted = identical = False
    hunks: list[tuple[int, int, list[bytes], list[bytes]]] = []
    complete = True
    while index < len(lines):
        line = lines[index]
        if line.startswith((b"\x1e", b"diff --git ")):
            break
        if line.startswith(b"@@"):
            index, hunk = _parse_hunk(lines, index)
            if hunk is None:
                complete = False
            else:
                hunks.append(hunk)
            continue
        if line.startswith(b"new file mode"):
            created = True
        elif line.startswith(b"deleted file mode"):
            deleted = True
        elif line.startswith(b"rename from "):
            old_path = _unquote(line[len(b"rename from ") :])
        elif line.startswith(b"rename to "):
            new_path = _unquote(line[len(b"rename to ") :])
        elif line.startswith(b"similarity index 100%"):
            identical = True
        elif line.startswith(b"--- ") and line[4:] != b"/dev/null":
            old_path = _strip_prefix(_unquote(line[4:], tab=True), "a/")
        elif line.startswith(b"+++ ") and line[4:] != b"/dev/null":
            new_path = _strip_prefix(_unquote(line[4:], tab=True), "b/")
        elif line.startswith(b"Binary files "):
            complete = False
        index += 1
    patch = Patch(
        old_path=None if created else old_path,
        new_path=None if deleted else new_path,
        identical=identical,
    )
    if complete and len(hunks) <= 1:
        if not hunks:  # no text change: an empty new file, a pure rename, a mode change
            if created:
                patch.new_text = ""
            elif deleted:
                patch.old_text = ""
        else:
            old_start, new_start, old_lines, new_lines = hunks[0]
            if old_start <= 1 and new_start <= 1:
                patch.old_text = None if created else _join(old_lines)
                patch.new_text = None if deleted else _join(new_lines)
    commit.patches.append(patch)
    return index


def _parse_hunk(
    lines: list[bytes], index: int
) -> tuple[int, tuple[int, int, list[bytes], list[bytes]] | None]:
    match = _HUNK.match(lines[index])
    index += 1
    if match is None:
        return index, None
    old_left = int(match.group(2)) if match.group(2) is not None else 1
    new_left = int(match.group(4)) if match.group(4) is not None else 1
    old: list[bytes] = []
    new: list[bytes] = []
    last: tuple[list[bytes], ...] = ()
    while (old_left > 0 or new_left > 0) and index < len(lines):
        line = lines[index]
        index += 1
        mark, body = line[:1], line[1:] + b"\n"
        if mark in (b" ", b""):
            old.append(body)
            new.append(body)
            old_left, new_left, last = old_left - 1, new_left - 1, (old, new)
        elif mark == b"-":
            old.append(body)
            old_left, last = old_left - 1, (old,)
        elif mark == b"+":
            new.append(body)
            new_left, last = new_left - 1, (new,)
        elif mark == b"\\":
            _no_newline(last)
        else:  # not what a hunk holds: the patch cannot be trusted
            return index - 1, None
    if index < len(lines) and lines[index].startswith(b"\\"):
        _no_newline(last)
        index += 1
    return index, (int(match.group(1)), int(match.group(3)), old, new)


def _no_newline(sides: Iterable[list[bytes]]) -> None:
    """``\\ No newline at end of file``: the last line read has no line break."""
    for side in sides:
        if side and side[-1].endswith(b"\n"):
            side[-1] = side[-1][:-1]


def _join(lines: list[bytes]) -> str:
    return b"".join(lines).decode("utf-8", "replace")


def _header_paths(line: bytes) -> tuple[str | None, str | None]:
    """Paths from ``diff --git a/X b/Y`` (used when no other line names them)."""
    rest = line[len(b"diff --git ") :]
    if rest.startswith(b'"'):
        first, _, second = _split_quoted(rest)
        return _strip_prefix(first, "a/"), _strip_prefix(_unquote(second.strip()), "b/")
    # Unquoted: "a/X b/X" with the same X on both sides when there is no rename.
    half = (len(rest) - 1) // 2
    if rest[half : half + 1] == b" ":
        return _strip_prefix(_text(rest[:half]), "a/"), _strip_prefix(_text(rest[half + 1 :]), "b/")
    return None, None


def _split_quoted(raw: bytes) -> tuple[str, bytes, bytes]:
    escaped = False
    for position in range(1, len(raw)):
        char = raw[position : position + 1]
        if escaped:
            escaped = False
        elif char == b"\\":
            escaped = True
        elif char == b'"':
            return _unquote(raw[: position + 1]), b" ", raw[position + 1 :]
    return _unquote(raw), b"", b""


_ESCAPES = {
    ord("n"): b"\n",
    ord("t"): b"\t",
    ord("r"): b"\r",
    ord("a"): b"\a",
    ord("b"): b"\b",
    ord("f"): b"\f",
    ord("v"): b"\v",
    ord("\\"): b"\\",
    ord('"'): b'"',
}


def _unquote(raw: bytes, tab: bool = False) -> str:
    """A path as git prints it: C-quoted when it holds odd characters."""
    if not raw.startswith(b'"'):
        # git ends ---/+++ lines with a tab when the unquoted name holds a space.
        return _text(raw[:-1] if tab and raw.endswith(b"\t") and b" " in raw else raw)
    out = bytearray()
    position = 1
    while position < len(raw):
        byte = raw[position]
        if byte == ord('"'):
            break
        if byte == ord("\\") and position + 1 < len(raw):
            following = raw[position + 1]
            if 48 <= following <= 55:  # octal: \303
                digits = raw[position + 1 : position + 4]
                out.append(int(digits, 8) & 0xFF)
                position += 1 + len(digits)
                continue
            out += _ESCAPES.get(following, bytes([following]))
            position += 2
            continue
        out.append(byte)
        position += 1
    return _text(bytes(out))


def _strip_prefix(path: str | None, prefix: str) -> str | None:
    if path is None:
        return None
    return path[len(prefix) :] if path.startswith(prefix) else path


# --- from commits to histories ------------------------------------------------------------


def assemble(
    commits: Sequence[Commit],
    specs: Sequence[SpecFile],
    top: str,
    *,
    limit: int = 20,
    boundary: Iterable[str] = (),
    note: str | None = None,
) -> History:
    """Each spec's history (following renames back in time), and the recent commits."""
    edges = set(boundary)
    following: dict[str, SpecFile] = {}
    for spec in specs:
        relative = os.path.relpath(os.path.realpath(spec.path), top).replace(os.sep, "/")
        if not relative.startswith("../"):
            following[relative] = spec
    found: dict[SpecFile, list[tuple[Commit, Patch, str]]] = {}
    recent: list[RecentCommit] = []
    for commit in commits:  # newest first
        changed: list[RecentFile] = []
        for patch in commit.patches:
            kind = _kind(patch, commit.commit in edges)
            tracked = following.get(patch.new_path) if patch.new_path is not None else None
            if tracked is not None and patch.new_path is not None:
                found.setdefault(tracked, []).append((commit, patch, kind))
                del following[patch.new_path]
                if patch.old_path is not None:  # older commits know it by its old name
                    following[patch.old_path] = tracked
            path = patch.new_path or patch.old_path or ""
            if is_spec_name(path) or is_spec_name(patch.old_path or ""):
                previous = patch.old_path if kind == "renamed" else None
                changed.append(RecentFile(kind, path, tracked.path if tracked else None, previous))
        if changed and len(recent) < RECENT:
            recent.append(
                RecentCommit(commit.commit, commit.date, commit.author, commit.subject, changed)
            )
    parsed: dict[str, Any] = {}
    files = {}
    for spec in specs:
        versions = found.get(spec, [])
        files[spec.path] = _file_history(spec, versions, limit, parsed, note)
    return History(files=files, recent=recent, note=note, limit=limit)


def _kind(patch: Patch, at_boundary: bool) -> str:
    if patch.old_path is None:
        return "earliest" if at_boundary else "created"
    if patch.new_path is None:
        return "deleted"
    if patch.old_path != patch.new_path:
        return "renamed"
    return "modified"


def _file_history(
    spec: SpecFile,
    versions: list[tuple[Commit, Patch, str]],
    limit: int,
    parsed: dict[str, Any],
    note: str | None,
) -> FileHistory:
    entries = []
    last = _last_text(versions)
    if last is not None and spec.source is not None:
        if _same(last, spec.source):
            if spec.data is not None:  # the newest version is read already
                parsed.setdefault(_key(last), spec.data)
        else:
            entry = Entry("uncommitted", versions[0][1].new_path or "")
            _compare(entry, last, spec.source, parsed, current=spec.data)
            entries.append(entry)
    for commit, patch, kind in versions[: max(limit, 0)]:
        entry = Entry(
            kind=kind,
            path=patch.new_path or "",
            commit=commit.commit,
            date=commit.date,
            author=commit.author,
            subject=commit.subject,
            previous_path=patch.old_path if kind == "renamed" else None,
        )
        if kind == "renamed" and patch.identical:
            entry.changes = []
        elif kind in ("modified", "renamed") and None not in (patch.old_text, patch.new_text):
            _compare(entry, patch.old_text or "", patch.new_text or "", parsed)
        entries.append(entry)
    if not versions:
        if note is not None and "shallow" not in note:
            file_note: str | None = note
        else:
            file_note = "This spec file has no commit yet: it is new in this working copy."
    elif versions[-1][2] == "earliest":
        file_note = (
            "This is a shallow clone: the oldest commit shown is the oldest the clone "
            "holds, and what came before it is missing (git fetch --unshallow fetches it)."
        )
    else:
        file_note = note
    return FileHistory(entries=entries, total=len(versions), note=file_note)


def _last_text(versions: list[tuple[Commit, Patch, str]]) -> str | None:
    """The text of the newest committed version, when a patch holds it."""
    for _, patch, _ in versions:
        if patch.new_text is not None:
            return patch.new_text
        if not patch.identical:  # a change the patch does not show in full
            return None
    return None


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _key(text: str) -> str:
    """Texts that read the same (line endings and a byte-order mark aside)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _compare(entry: Entry, old: str, new: str, parsed: dict[str, Any], current: Any = None) -> None:
    before = _read(old, parsed)
    after = current if current is not None else _read(new, parsed)
    changes = field_changes(before, after)
    entry.changes = changes[:MAX_CHANGES]
    entry.more = max(0, len(changes) - MAX_CHANGES)


def _read(text: str, parsed: dict[str, Any]) -> Any:
    """One version's data, with the project's reader (each text read once)."""
    key = _key(text)
    if key not in parsed:
        data = read_fast(key.encode("utf-8"), key)
        parsed[key] = data if data is not None else read_precise(key).data
    return parsed[key]


# --- comparing two versions ---------------------------------------------------------------


def flatten(data: Any, path: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """Every leaf of ``data`` by its dotted path (an empty map or list is a leaf)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict) and data:
        for key, value in data.items():
            out.update(flatten(value, (*path, str(key))))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            out.update(flatten(value, (*path, index)))
    else:
        out[dotted(path) or "(the whole file)"] = data
    return out


def field_changes(old: Any, new: Any) -> list[Change]:
    """What differs between two versions: changed and added fields in the new
    version's order, then removed ones."""
    before, after = flatten(old), flatten(new)
    changes = []
    for path, value in after.items():
        if path not in before:
            changes.append(Change(path, "added", None, show(value)))
        elif not _equal(before[path], value):
            changes.append(Change(path, "changed", show(before[path]), show(value)))
    changes.extend(
        Change(path, "removed", show(value), None)
        for path, value in before.items()
        if path not in after
    )
    return changes


def _equal(a: Any, b: Any) -> bool:
    # 1 and true are equal in Python, not in a spec; 4 and 4.0 are the same number.
    return (type(a) is type(b) and a == b) or (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def show(value: Any) -> str:
    """A value in a change line, on one line and at most 80 characters."""
    if value is None:
        shown = "null"
    elif isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = value if value.strip() and value == value.strip() else repr(value)
    elif isinstance(value, dict):
        shown = "{}"
    elif isinstance(value, list):
        shown = "[]"
    else:
        shown = str(value)
    shown = " ".join(shown.split()) if "\n" in shown else shown
    return shown if len(shown) <= _VALUE_WIDTH else shown[: _VALUE_WIDTH - 1] + "…"
