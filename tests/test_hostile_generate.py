"""`modelspec generate`, `export` and the command's own failures: generate writes only
what is its own, a bad target is a usage error, a failed write is one line, and
Ctrl-C ends every worker.

generate records what it wrote in ``OUT_DIR/.modelspec-generated.json``; a file at a
generated path that it did not write (or that changed since) is kept, with a warning;
the pages of deleted specs are removed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec import pages
from mkdocs_modelspec.cli import main
from mkdocs_modelspec.pages import MANIFEST

from conftest import ROOT, spec_text
from sites import BIN

# Handwritten files at paths generate writes, and beside them.
USER_FILES = {
    "index.md": "# Our docs\n",
    "models/index.md": "# Our own catalog page\n",  # where the catalog page goes
    "models/alpha.md": "# A page of ours\n",  # where a model page goes
    "models.json": '{"ours": true}\n',
    "schemas/modelspec-v1alpha1.json": '{"ours": true}\n',
    "assets/modelspec/modelspec.css": "body { color: red }\n",
    "models/notes.md": "# Notes beside the generated pages\n",
}


def digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a digest of its bytes (links as their target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def project(tmp_path: Path, names: list[str]) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir(parents=True)
    for name in names:
        (specs / f"{name}.modelspec.yaml").write_text(spec_text(name))
    return tmp_path


def generate(root: Path, out: str = "docs", *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "modelspec"), "generate", out, "--specs", "specs", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_user_files_are_never_changed(tmp_path: Path) -> None:
    root = project(tmp_path, ["alpha", "beta"])
    docs = root / "docs"
    for rel, text in USER_FILES.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text)
    (docs / "models/beta.md").symlink_to("/etc/hostname")  # a link at a generated path
    before = digests(docs)
    for _ in range(2):  # and again, now that a manifest exists
        done = generate(root)
        assert done.returncode == 0, done.stderr
        after = digests(docs)
        for rel, digest in before.items():
            assert after[rel] == digest, rel
        kept = [line for line in done.stderr.splitlines() if "kept as it is" in line]
        assert len(kept) == 6, done.stderr  # every generated path holding a file of ours
        assert "docs/models/beta.md kept as it is (a symbolic link)" in done.stderr
    # Everything else was written, and recorded.
    manifest = json.loads((docs / MANIFEST).read_text())["files"]
    assert "models/hardware.md" in manifest
    assert "models/alpha.md" not in manifest
    assert (docs / "models/hardware.md").is_file()


def test_pages_of_deleted_specs_are_removed(tmp_path: Path) -> None:
    root = project(tmp_path, ["alpha", "beta", "gamma"])
    assert generate(root).returncode == 0
    docs = root / "docs"
    assert (docs / "models/beta.md").is_file()
    (docs / "models/notes.md").write_text("# ours\n")
    (root / "specs/beta.modelspec.yaml").unlink()
    edited = docs / "models/gamma.yaml"
    edited.write_text("# edited by hand\n")
    (root / "specs/gamma.modelspec.yaml").unlink()
    done = generate(root)
    assert done.returncode == 0, done.stderr
    for gone in ("models/beta.md", "models/beta.yaml", "models/beta.json", "models/gamma.md"):
        assert not (docs / gone).exists(), gone
    assert edited.read_text() == "# edited by hand\n"  # changed since: not ours any more
    assert (docs / "models/notes.md").read_text() == "# ours\n"
    assert (docs / "models/alpha.md").is_file()
    assert "removed 5 files of deleted specs, kept 1 file of yours" in done.stdout
    assert "docs/models/gamma.yaml kept as it is (changed since generated" in done.stderr
    manifest = json.loads((docs / MANIFEST).read_text())["files"]
    assert not any(k.startswith(("models/beta", "models/gamma")) for k in manifest)


# Any mix of user files over any paths generate writes, over two runs with a spec
# deleted between them: none of the user's bytes change.
PATHS = st.sampled_from(
    [
        "models/index.md",
        "models/one.md",
        "models/one.yaml",
        "models/two.json",
        "models/graph.md",
        "models.json",
        "schemas/modelspec-v1alpha1.json",
        "assets/modelspec/modelspec.js",
        "models/other.md",
        "readme.md",
    ]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mine=st.dictionaries(PATHS, st.binary(max_size=40), max_size=6),
    later=st.dictionaries(PATHS, st.binary(max_size=40), max_size=3),
)
def test_any_user_files_survive_two_runs(tmp_path_factory, mine, later) -> None:
    root = project(tmp_path_factory.mktemp("gen"), ["one", "two"])
    docs = root / "docs"
    for rel, data in mine.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(data)
    assert generate(root).returncode == 0
    for rel, data in mine.items():
        assert (docs / rel).read_bytes() == data, rel
    # The user edits or adds files, a spec is deleted, generate runs again.
    for rel, data in later.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(data)
    (root / "specs/two.modelspec.yaml").unlink()
    assert generate(root).returncode == 0
    for rel, data in {**mine, **later}.items():
        assert (docs / rel).read_bytes() == data, rel
    if "models/two.json" not in mine | later:
        assert not (docs / "models/two.json").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "OUT_DIR is empty"),
        ("specs/alpha.modelspec.yaml", "is a file, not a folder"),
        ("/", "the root of the file system"),
        ("~", "your home folder"),
        ("specs/../specs/alpha.modelspec.yaml", "is a file, not a folder"),
    ],
)
def test_a_bad_target_is_a_usage_error(tmp_path: Path, target: str, message: str) -> None:
    root = project(tmp_path, ["alpha"])
    before = digests(root)
    done = generate(root, os.path.expanduser(target) if target == "~" else target)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 2  # the usage line, and the error
    assert digests(root) == before


def test_the_home_folder_is_refused_by_any_spelling(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path, ["alpha"])
    home = tmp_path / "home"
    home.mkdir()
    (home / "link").symlink_to(home)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(root)
    for spelling in (str(home), str(home / "link"), str(home) + "/."):
        assert main(["generate", spelling, "--specs", "specs"]) == 2
    assert sorted(p.name for p in home.iterdir()) == ["link"]


def test_writing_into_a_docs_folder_beside_handwritten_pages_works(tmp_path: Path) -> None:
    root = project(tmp_path, ["alpha"])
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("# Home\n")
    (root / "docs/guide.md").write_text("# Guide\n")
    done = generate(root)
    assert done.returncode == 0
    assert done.stderr == ""
    assert (root / "docs/models/alpha.md").is_file()
    assert (root / "docs/index.md").read_text() == "# Home\n"


def test_a_full_disk_is_one_line_and_the_old_file_stays(tmp_path: Path, monkeypatch, capsys):
    root = project(tmp_path, ["alpha"])
    monkeypatch.chdir(root)
    assert main(["generate", "docs", "--specs", "specs"]) == 0
    before = digests(root / "docs")
    (root / "specs/beta.modelspec.yaml").write_text(spec_text("beta"))
    real_open = open

    def full(path, mode="r", *args, **kwargs):
        if "w" in mode and "models" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(pages, "open", full, raising=False)
    capsys.readouterr()
    assert main(["generate", "docs", "--specs", "specs"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("modelspec: error: cannot write docs/models")
    assert err.endswith("No space left on device\n")
    assert len(err.splitlines()) == 1
    after = digests(root / "docs")
    assert after == before  # nothing half-written, no temporary file left
    assert main(["export", "--specs", "specs", "-o", "models.json"]) == 1


def test_export_into_a_folder_or_a_full_device(tmp_path: Path) -> None:
    root = project(tmp_path, ["alpha"])
    (root / "out").mkdir()
    for args, status, said in [
        (["-o", "out"], 2, "out is a folder: give a file name, such as out/models.json"),
        (["-o", ""], 2, "-o names no file"),
        (["-o", "/dev/full"], 1, "cannot write /dev/full: No space left on device"),
        (["-o", "out/x.json"], 0, ""),
    ]:
        done = subprocess.run(
            [str(BIN / "modelspec"), "export", "--specs", "specs", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == status, (args, done.stderr)
        assert said in done.stderr
        assert "Traceback" not in done.stderr
    assert Path("/dev/full").is_char_device()  # written into, never replaced
    assert json.loads((root / "out/x.json").read_text())["models"][0]["name"] == "alpha"


@pytest.mark.parametrize("command", [["validate", "specs"], ["export"], ["schema"]])
def test_output_to_a_full_disk_is_one_line(tmp_path: Path, command: list[str]) -> None:
    root = project(tmp_path, ["alpha"])
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [
                str(BIN / "modelspec"),
                *command,
                *(["--specs", "specs"] if command == ["export"] else []),
            ],
            cwd=root,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr == "modelspec: error: cannot write the output: No space left on device\n"


def test_jobs_are_capped_at_the_usable_cores(tmp_path: Path, monkeypatch) -> None:
    from mkdocs_modelspec import loading

    root = tmp_path / "specs"
    root.mkdir()
    for index in range(loading.PARALLEL_FROM):
        (root / f"m{index}.modelspec.yaml").write_text(spec_text(f"m{index}"))
    started = []

    def spy(work, tasks, jobs):
        started.append(jobs)
        return [work(*task) for task in tasks]

    monkeypatch.setattr(loading, "in_workers", spy)
    assert main(["validate", "--jobs", "1000", str(root)]) == 0
    assert started == [min(1000, loading.usable_cores())]
    assert started[0] <= len(os.sched_getaffinity(0))


def children(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(p) for p in found.split()]


@pytest.fixture(scope="module")
def many_specs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog large enough to be read by worker processes, for a second or so."""
    root = tmp_path_factory.mktemp("many") / "specs"
    demo = sorted((ROOT / "specs").rglob("*.modelspec.yaml"))
    for copy in range(250):
        for spec in demo:
            target = root / f"c{copy}" / spec.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(spec, target)
    return root


#: The command started with SIGINT as a terminal delivers it (then replaced by it, the
#: same process): a test run started in the background by a shell (`.ci/run &`)
#: ignores SIGINT, and its children would inherit that.
_DEFAULT_SIGINT = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


@pytest.mark.parametrize("jobs", ["2", "100"])
@pytest.mark.parametrize("after", [0.0, 0.2])
def test_ctrl_c_during_a_parallel_load_ends_every_worker(many_specs: Path, jobs, after) -> None:
    """The terminal sends SIGINT to the whole process group: the command and each of
    its workers. Sent once the workers run (or a little later), it ends them all, and
    the command says so in one line, with exit status 130."""
    process = subprocess.Popen(
        [*_DEFAULT_SIGINT, str(BIN / "modelspec"), "validate", "--jobs", jobs, str(many_specs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal job has
    )
    end = time.monotonic() + 60
    while not children(process.pid):
        assert process.poll() is None, "finished before any worker started"
        assert time.monotonic() < end, "no worker started"
        time.sleep(0.005)
    workers = children(process.pid)
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the command hung after Ctrl-C")
    if process.returncode == 0:  # it had just finished: nothing to interrupt
        assert err == ""
    else:
        assert process.returncode == 130, err  # what the command said, if it failed
        assert err == "modelspec: interrupted\n"
    time.sleep(0.2)
    for worker in workers:
        assert (
            not Path(f"/proc/{worker}").exists()
            or "zombie" in Path(f"/proc/{worker}/status").read_text().lower()
        ), f"worker {worker} still runs"
