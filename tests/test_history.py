"""The audit trail: history from a git repository built in the test, field by field;
renames, uncommitted changes, a shallow clone, no repository and no git at all; one
`git log` per build; untrusted authors and subjects stay text."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.cli import main
from mkdocs_modelspec.history import (
    LOG,
    Change,
    History,
    field_changes,
    parse_log,
    read_history,
)
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site

from conftest import FULL, md_links, spec_text
from sites import build, make_site, read_page

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="these tests build git repositories")

CHAT = spec_text("chat", base=FULL)
TINY = spec_text("tiny")
# git drops < and > from names; everything else an author writes reaches the page.
HOSTILE_AUTHOR = "Mallory [me](javascript:window.pwned=1) **x** {: onclick=alert(1) }"
HOSTILE_SUBJECT = "Scale [up](javascript:window.pwned=1) <img src=x onerror=alert(1)> *now*"


def git(
    repo: Path, *args: str, date: str = "2025-01-01T12:00:00+00:00", author: str = "Ada"
) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def write(repo: Path, name: str, text: str) -> None:
    path = repo / "specs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_repo(repo: Path) -> Path:
    """Four commits: create, change (by a hostile author), move, delete; then an
    uncommitted change."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    write(repo, "chat.modelspec.yaml", CHAT)
    write(repo, "tiny.modelspec.yaml", TINY)
    write(repo, "old.modelspec.yaml", spec_text("old"))
    (repo / "specs/README.md").write_text("not a spec\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add chat, tiny and old")
    changed = (
        CHAT.replace("precision: bf16", "precision: fp8")
        .replace("count: 2", "count: 8")
        .replace("      maxReplicas: 6\n", "      maxReplicas: 12\n")
        .replace("      tracing:\n        enabled: false\n", "")
    )
    write(repo, "chat.modelspec.yaml", changed)
    git(
        repo,
        "commit",
        "-q",
        "-am",
        HOSTILE_SUBJECT,
        date="2025-02-01T12:00:00+00:00",
        author=HOSTILE_AUTHOR,
    )
    (repo / "specs/assistant").mkdir()
    git(repo, "mv", "specs/chat.modelspec.yaml", "specs/assistant/chat.modelspec.yaml")
    git(repo, "commit", "-q", "-m", "Move chat to its team", date="2025-03-01T12:00:00+00:00")
    git(repo, "rm", "-q", "specs/old.modelspec.yaml")
    git(repo, "commit", "-q", "-m", "Drop old", date="2025-04-01T12:00:00+00:00")
    write(
        repo,
        "tiny.modelspec.yaml",
        TINY.replace("framework: onnxruntime", "framework: onnxruntime\n      precision: int8"),
    )
    return repo


def load(root: Path) -> tuple[Any, list[Any]]:
    specs = load_roots([root / "specs"], base=root)
    return build_catalog(specs, [root / "specs"]), specs


class Counting:
    """A runner that records each git call, then runs it."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append(command)
        return subprocess.run(command, **kwargs)  # noqa: PLW1510 - check=False is passed


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("history") / "repo")


def history_of(root: Path, **kwargs: Any) -> tuple[History, dict[str, Any]]:
    _, specs = load(root)
    history = read_history(specs, [str(root / "specs")], **kwargs)
    return history, {s.name: s for s in specs}


def test_one_log_call_reads_every_spec(repo: Path) -> None:
    runner = Counting()
    history, _ = history_of(repo, run=runner)
    assert len(runner.calls) == 2
    assert runner.calls[0][1] == "rev-parse"
    log = runner.calls[1]
    assert log[1 : 1 + len(LOG)] == list(LOG)
    assert log[1 + len(LOG) :] == ["specs"]  # every specs folder in the same call
    assert history.available
    assert history.note is None


def test_each_version_is_compared_field_by_field(repo: Path) -> None:
    history, specs = history_of(repo)
    chat = history.of(specs["chat"])
    assert [e.kind for e in chat.entries] == ["renamed", "modified", "created"]
    assert chat.total == 3
    moved, changed, created = chat.entries
    assert (moved.previous_path, moved.path) == (
        "specs/chat.modelspec.yaml",
        "specs/assistant/chat.modelspec.yaml",
    )
    assert moved.changes == []  # a pure rename changes no field
    assert changed.date == "2025-02-01"
    assert changed.author == HOSTILE_AUTHOR
    assert changed.subject == HOSTILE_SUBJECT
    assert changed.changes == [
        Change("spec.identity.model.precision", "changed", "bf16", "fp8"),
        Change("spec.runtime.accelerator.count", "changed", "2", "8"),
        Change("spec.operations.scaling.maxReplicas", "changed", "6", "12"),
        Change("spec.operations.observability.tracing.enabled", "removed", "false", None),
    ]
    assert str(changed.changes[1]) == "spec.runtime.accelerator.count: 2 -> 8"
    assert created.changes is None
    assert (created.date, created.author, created.subject) == (
        "2025-01-01",
        "Ada",
        "Add chat, tiny and old",
    )
    assert chat.note is None


def test_an_uncommitted_change_comes_first(repo: Path) -> None:
    history, specs = history_of(repo)
    tiny = history.of(specs["tiny"])
    assert [e.kind for e in tiny.entries] == ["uncommitted", "created"]
    assert tiny.entries[0].changes == [
        Change("spec.identity.model.precision", "added", None, "int8")
    ]
    assert tiny.total == 1


def test_recent_changes_list_every_commit_newest_first(repo: Path) -> None:
    history, specs = history_of(repo)
    subjects = [c.subject for c in history.recent]
    assert subjects == [
        "Drop old",
        "Move chat to its team",
        HOSTILE_SUBJECT,
        "Add chat, tiny and old",
    ]
    [dropped] = history.recent[0].files
    assert (dropped.kind, dropped.path, dropped.spec_path) == (
        "deleted",
        "specs/old.modelspec.yaml",
        None,
    )
    created = history.recent[-1].files
    assert [f.path for f in created] == [  # the README is not a spec
        "specs/chat.modelspec.yaml",
        "specs/old.modelspec.yaml",
        "specs/tiny.modelspec.yaml",
    ]
    assert created[0].spec_path == specs["chat"].path  # known by its path of the time


def test_history_limit_keeps_the_newest(repo: Path) -> None:
    history, specs = history_of(repo, limit=1)
    chat = history.of(specs["chat"])
    assert [e.kind for e in chat.entries] == ["renamed"]
    assert chat.total == 3


def pages(root: Path, history: History) -> dict[str, str]:
    catalog, _ = load(root)
    return {p.src_uri: p.content for p in Site(catalog, Options(), history).pages()}


def test_the_pages_show_the_history_and_escape_authors_and_subjects(repo: Path) -> None:
    history, _ = history_of(repo)
    generated = pages(repo, history)
    chat = generated["models/chat.md"]
    assert "3 commits changed this spec, newest first." in chat
    assert "- <code>spec.runtime.accelerator.count</code>: <code>2</code> → <code>8</code>" in chat
    assert (
        "- <code>spec.operations.observability.tracing.enabled</code>: removed, was "
        "<code>false</code>" in chat
    )
    assert "*renamed from* <code>specs/chat.modelspec.yaml</code>" in chat
    assert "Mallory &#91;me&#93;&#40;javascript&#58;window.pwned&#61;1&#41; &#42;&#42;x" in chat
    assert "[me](javascript" not in chat
    assert "<script>" not in chat
    assert "[up](javascript" not in chat
    assert "Scale &#91;up&#93;&#40;javascript&#58;window.pwned&#61;1&#41;" in chat
    tiny = generated["models/tiny.md"]
    assert "**Not committed:** this working copy differs from the last commit." in tiny
    assert "- <code>spec.identity.model.precision</code>: added, <code>int8</code>" in tiny
    changes = generated["models/changes.md"]
    assert "| 2025-04-01 | Ada |" in changes
    assert "<code>specs/old.modelspec.yaml</code> (deleted)" in changes
    assert "[chat](chat.md#history) (renamed)" in changes
    assert "**Changed but not committed:**\n\n" in changes
    assert "[tiny](../tiny/#history)" in md_links(
        changes.split("**Changed but not committed:**")[1]
    )
    assert "<script>" not in changes


def git_recorder(tmp_path: Path) -> tuple[Path, Path]:
    """A `git` that writes each call's arguments to a file, then runs the real one."""
    folder = tmp_path / "bin"
    folder.mkdir()
    calls = tmp_path / "git-calls.txt"
    script = folder / "git"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{GIT}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder, calls


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for git")
def test_a_build_in_a_repository_calls_git_log_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    make_site(root, {}, theme="material")
    folder, calls = git_recorder(tmp_path)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr
    made = calls.read_text().splitlines()
    assert sum(1 for call in made if " log " in f" {call} ") == 1
    assert len(made) == 2  # and the small rev-parse
    site = root / "site"
    page = read_page(site, "models/chat")
    assert "spec.runtime.accelerator.count" in page.text
    assert HOSTILE_AUTHOR in page.text  # shown, as text
    for tag, attrs in page.elements:
        assert tag not in ("img", "iframe"), tag
        assert not any(name.startswith("on") for name in attrs)
        assert not (attrs.get("href") or "").startswith("javascript")
    assert not any("pwned" in script for script in page.scripts)
    recent = read_page(site, "models/changes")
    assert "Move chat to its team" in recent.text


def test_a_shallow_clone_says_what_is_missing(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    history, specs = history_of(clone)
    assert history.available
    assert "shallow clone" in (history.note or "")
    chat = history.of(specs["chat"])
    assert [e.kind for e in chat.entries] == ["earliest"]
    assert "shallow clone" in (chat.note or "")
    assert "git fetch --unshallow" in (chat.note or "")
    generated = pages(clone, history)
    assert "*the oldest commit in this shallow clone*" in generated["models/chat.md"]
    assert "This is a shallow clone" in generated["models/changes.md"]


def test_outside_a_repository_the_site_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write(tmp_path, "chat.modelspec.yaml", CHAT)
    history, specs = history_of(tmp_path)
    assert not history.available
    assert history.note == "The specs are not in a git repository, so the pages show no history."
    assert history.of(specs["chat"]).entries == []
    chat = pages(tmp_path, history)["models/chat.md"]
    assert "*The specs are not in a git repository, so the pages show no history.*" in chat


def test_a_repository_without_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, "chat.modelspec.yaml", CHAT)
    history, _ = history_of(tmp_path)
    assert history.note == "The repository has no commit yet, so no spec has a history."


def test_a_spec_never_committed(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "copy"
    shutil.copytree(repo, clone)
    write(clone, "fresh.modelspec.yaml", spec_text("fresh"))
    history, specs = history_of(clone)
    fresh = history.of(specs["fresh"])
    assert (fresh.entries, fresh.total) == ([], 0)
    assert fresh.note == "This spec file has no commit yet: it is new in this working copy."
    changes = pages(clone, history)["models/changes.md"]
    assert "[fresh](../fresh/)" in md_links(changes.split("**Never committed:**")[1])


def test_without_git_the_site_still_builds(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    history, _ = history_of(repo)
    assert not history.available
    assert "git is not installed" in (history.note or "")
    monkeypatch.chdir(repo)
    assert main(["generate", str(tmp_path / "out"), "--specs", "specs"]) == 0
    chat = (tmp_path / "out/models/chat.md").read_text()
    assert (
        "*git is not installed here &#40;not found on PATH&#41;, so the pages show no history.*"
        in chat
    )
    # And a real build, with MkDocs' own PATH lookups failing too.
    root = make_site(tmp_path / "site", {"chat.modelspec.yaml": CHAT})
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr
    assert "git is not installed" in read_page(root / "site", "models/changes").text


def test_history_can_be_turned_off(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "off"
    shutil.copytree(repo, root)
    make_site(root, {}, options={"history": False})
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr
    assert "History is turned off" in read_page(root / "site", "models/chat").text


# --- the parts, one by one ----------------------------------------------------------------


def test_the_log_parser_goes_by_counts_not_by_looks() -> None:
    content = [
        b"diff --git a/x b/x",  # a spec line that looks like a header
        b"@@ -1 +1 @@",
        b"\x1eNOT A COMMIT",
    ]
    output = b"\n".join(
        [
            b"\x1e0123456789abcdef",
            b"2025-05-05T10:00:00+02:00",
            b"Bob \xff",  # not UTF-8
            b"\x1estarts with the separator",
            b"",
            b'diff --git "a/specs/\\303\\251\\"q.modelspec.yaml" "b/specs/\\303\\251\\"q.modelspec.yaml"',
            b"index 1..2 100644",
            b'--- "a/specs/\\303\\251\\"q.modelspec.yaml"',
            b'+++ "b/specs/\\303\\251\\"q.modelspec.yaml"',
            b"@@ -1,4 +1,4 @@",
            *[b" " + line for line in content],
            b"-a: 1\r",
            b"\\ No newline at end of file",
            b"+a: 2\r",
            b"\\ No newline at end of file",
            b"diff --git a/specs/sp ace.modelspec.yaml b/specs/sp ace.modelspec.yaml",
            b"new file mode 100644",
            b"--- /dev/null",
            b"+++ b/specs/sp ace.modelspec.yaml\t",
            b"@@ -0,0 +1 @@",
            b"+k: v",
            b"",
        ]
    )
    [commit] = parse_log(output)
    assert commit.commit == "0123456789abcdef"
    assert commit.date == "2025-05-05"
    assert commit.author == "Bob \ufffd"
    assert commit.subject == "\x1estarts with the separator"
    quoted, spaced = commit.patches
    assert quoted.old_path == quoted.new_path == 'specs/é"q.modelspec.yaml'
    body = "diff --git a/x b/x\n@@ -1 +1 @@\n\x1eNOT A COMMIT\n"
    assert quoted.old_text == body + "a: 1\r"
    assert quoted.new_text == body + "a: 2\r"
    assert (spaced.old_path, spaced.new_path) == (None, "specs/sp ace.modelspec.yaml")
    assert spaced.new_text == "k: v\n"


def test_a_partial_patch_is_not_compared() -> None:
    output = b"\n".join(
        [
            b"\x1eabc",
            b"2025-01-01T00:00:00Z",
            b"A",
            b"s",
            b"",
            b"diff --git a/s.modelspec.yaml b/s.modelspec.yaml",
            b"--- a/s.modelspec.yaml",
            b"+++ b/s.modelspec.yaml",
            b"@@ -5,2 +5,2 @@",  # does not start at the top: the file is not all there
            b"-a: 1",
            b"+a: 2",
            b"",
        ]
    )
    [patch] = parse_log(output)[0].patches
    assert (patch.old_text, patch.new_text) == (None, None)


def test_field_changes() -> None:
    old = {"a": 1, "b": True, "c": [1, 2], "d": {"e": "x"}, "f": 4, "g": "  spaced"}
    new = {"a": 1.0, "b": 1, "c": [1], "d": {}, "f": 4, "h": {"i": "y" * 100}, "g": "spaced"}
    assert field_changes(old, new) == [
        Change("b", "changed", "true", "1"),  # a boolean is not a number
        Change("d", "added", None, "{}"),
        Change("h.i", "added", None, "y" * 79 + "…"),
        Change("g", "changed", "'  spaced'", "spaced"),
        Change("c[1]", "removed", "2", None),
        Change("d.e", "removed", "x", None),
    ]
    assert field_changes({"a": [1]}, {"a": [1]}) == []
    assert field_changes(None, {"a": 1}) == [
        Change("a", "added", None, "1"),
        Change("(the whole file)", "removed", "null", None),
    ]


def test_under_serve_the_log_is_read_again_only_when_head_moves(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    cache: dict[tuple[str, ...], Any] = {}
    runner = Counting()
    first, _ = history_of(repo, run=runner, cache=cache)
    second, specs = history_of(repo, run=runner, cache=cache)
    logs = [call for call in runner.calls if call[1] != "rev-parse"]
    assert len(logs) == 1  # the second build reused the first one's log
    assert [e.kind for e in second.of(specs["chat"]).entries] == [
        e.kind for e in first.of(specs["chat"]).entries
    ]
    git(repo, "commit", "-q", "--allow-empty", "-m", "move HEAD")
    history_of(repo, run=runner, cache=cache)
    assert len([call for call in runner.calls if call[1] != "rev-parse"]) == 2
