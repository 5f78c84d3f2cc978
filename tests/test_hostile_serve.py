"""Guarantee 6, live editing: under ``mkdocs serve``, a broken spec shows its problem
while every other page stays served; fixed, the site recovers; a burst of edits does
not bring the server down.

The waits below poll with a deadline: it guards against a hang and says nothing
about speed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import spec_text
from sites import BIN, make_site

DEADLINE = 90  # seconds, for each change to show


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``mkdocs serve`` on a project (``options``: more of its options; ``tool``:
    ``properdocs``), with its log in a file."""

    def __init__(self, project: Path, *options: str, tool: str = "mkdocs") -> None:
        self.base = f"http://127.0.0.1:{free_port()}/"
        self.log = project / "serve.log"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(BIN / tool), "serve", "-a", self.base[7:-1], *options],
                cwd=project,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )

    def get(self, url: str) -> str | None:
        """The page's text, or None when it is not served (yet)."""
        try:
            with urllib.request.urlopen(self.base + url, timeout=10) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError):
            return None

    def wait_for(self, what: str, check: Callable[[], bool]) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            assert self.process.poll() is None, f"the server stopped:\n{self.tail()}"
            if check():
                return
            time.sleep(0.25)
        pytest.fail(f"not seen within {DEADLINE} s: {what}\n{self.tail()}")

    def shows(self, url: str, *texts: str, absent: tuple[str, ...] = ()) -> bool:
        page = self.get(url)
        return (
            page is not None
            and all(t in page for t in texts)
            and not any(t in page for t in absent)
        )

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    project = make_site(
        tmp_path,
        {
            "alpha.modelspec.yaml": spec_text("alpha"),
            "bravo.modelspec.yaml": spec_text("bravo"),
            "charlie.modelspec.yaml": spec_text("charlie"),
        },
    )
    running = Server(project)
    try:
        yield running, project / "specs" / "bravo.modelspec.yaml"
    finally:
        running.stop()  # always, whatever happened above


def bravo(description: str, *replacements: tuple[str, str]) -> str:
    text = spec_text("bravo", *replacements)
    return text.replace("  name: bravo\n", f"  name: bravo\n  description: {description}\n")


PROBLEM = "This spec has 1 error"


def test_a_broken_spec_shows_its_problem_and_the_site_recovers(server) -> None:
    serve, spec = server
    serve.wait_for("the first build", lambda: serve.shows("models/bravo/", "bravo"))

    spec.write_text(bravo("broken now", ("count: 1", "count: many")))
    serve.wait_for("the problem", lambda: serve.shows("models/bravo/", "broken now", PROBLEM))
    assert serve.shows("models/alpha/", "alpha", absent=("This spec has",))
    assert serve.shows("models/charlie/", "charlie", absent=("This spec has",))
    assert serve.shows("models/", "alpha", "bravo", "charlie")
    assert serve.shows("models/problems/", "specs/bravo.modelspec.yaml", "count")

    spec.write_text(bravo("fixed again"))
    serve.wait_for(
        "the recovery",
        lambda: serve.shows("models/bravo/", "fixed again", absent=("This spec has",)),
    )
    assert serve.shows("models/problems/", "No problems")
    assert "Traceback" not in serve.tail()


def test_a_burst_of_edits_does_not_bring_the_server_down(server) -> None:
    serve, spec = server
    serve.wait_for("the first build", lambda: serve.shows("models/bravo/", "bravo"))
    edits: list[str | bytes] = [
        bravo("edit {}"),
        "apiVersion: [",
        b"\xff\xfe\x00 binary",
        "",
        bravo("edit {}", ("count: 1", "count: .5")),
        "- " * 5000,
        bravo("edit {}", ("name: bravo", "name: alpha")),  # a duplicate name
    ]
    for index in range(20):
        edit = edits[index % len(edits)]
        if isinstance(edit, bytes):
            spec.write_bytes(edit)
        else:
            spec.write_text(edit.replace("{}", str(index)))
        time.sleep(0.05)
    spec.write_text(bravo("the final edit"))
    serve.wait_for(
        "the last edit",
        lambda: serve.shows("models/bravo/", "the final edit", absent=("This spec has",)),
    )
    assert serve.process.poll() is None
    assert serve.shows("models/alpha/", "alpha", absent=("This spec has",))
    assert serve.shows("models/", "alpha", "bravo", "charlie")
    assert "Traceback" not in serve.tail()


def test_a_deleted_and_recreated_specs_folder_is_watched_again(server) -> None:
    """The folder is removed (a branch switch, `rm -r specs`): its models leave the
    site. Made again with other specs, those appear, and later edits are seen too."""
    serve, spec = server
    folder = spec.parent
    serve.wait_for("the first build", lambda: serve.shows("models/", "alpha", "bravo"))
    shutil.rmtree(folder)
    serve.wait_for(
        "the models of the deleted folder leave the site",
        lambda: serve.shows("models/", "Model catalog", absent=("alpha", "bravo", "charlie")),
    )
    assert serve.get("models/alpha/") is None or "alpha" not in (serve.get("models/alpha/") or "")
    folder.mkdir()
    (folder / "delta.modelspec.yaml").write_text(spec_text("delta"))
    serve.wait_for("a spec of the new folder", lambda: serve.shows("models/delta/", "delta"))
    (folder / "delta.modelspec.yaml").write_text(
        spec_text("delta").replace("  name: delta\n", "  name: delta\n  description: edited\n")
    )
    serve.wait_for("an edit in the new folder", lambda: serve.shows("models/delta/", "edited"))
    (folder / "echo.modelspec.yaml").write_text(spec_text("echo"))
    serve.wait_for("a spec added to the new folder", lambda: serve.shows("models/echo/", "echo"))
    assert serve.process.poll() is None
    assert "Traceback" not in serve.tail()


def test_a_specs_folder_made_after_the_server_started_is_watched(tmp_path: Path) -> None:
    project = make_site(tmp_path, {"alpha.modelspec.yaml": spec_text("alpha")})
    shutil.rmtree(project / "specs")
    serve = Server(project)
    try:
        serve.wait_for("the first build", lambda: serve.shows("models/", "Model catalog"))
        (project / "specs").mkdir()
        (project / "specs" / "late.modelspec.yaml").write_text(spec_text("late"))
        serve.wait_for("the spec of the late folder", lambda: serve.shows("models/late/", "late"))
        assert "Traceback" not in serve.tail()
    finally:
        serve.stop()
