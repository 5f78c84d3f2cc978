"""Symbolic links and odd entries in the specs folders: nothing outside is published,
nothing but a regular file is opened, nothing is skipped without a diagnostic, and
nothing crashes.

The policy (``loading.py``'s docstring, docs/security.md): a link to a spec file is
read when its target, every link resolved, is a regular file inside a specs folder; a
link out of them, a broken or looping link, and anything that is not a regular file
(a named pipe, a device, a link to one) are skipped, each with a diagnostic naming it;
links to folders are not entered (inside the folders, their files are read where
they really are; a link to a folder outside is reported).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec.cli import main
from mkdocs_modelspec.diagnostics import Code
from mkdocs_modelspec.loading import SpecFile, is_spec_name, load_roots

from conftest import spec_text
from sites import BIN, build, make_site

CANARY = "CANARY-9f2c61d0-never-publish"
SECRET = f"apiVersion: piqc.ai/v1alpha1\nkind: ModelSpec\nmetadata:\n  name: {CANARY}\n"
SKIP_CODES = {Code.LINK_OUTSIDE, Code.NOT_A_FILE, Code.UNREADABLE, Code.FOLDER_NOT_READ}


def everything_under(folder: Path) -> bytes:
    """Every byte of every file under ``folder`` (the built site)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def link(at: Path, target: str | Path) -> Path:
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(target)
    return at


def hostile_tree(tmp_path: Path) -> Path:
    """A project whose specs folder holds every kind of link and odd entry."""
    project = make_site(
        tmp_path / "project",
        {
            "team/good.modelspec.yaml": spec_text("good"),
            "shared/real.yaml": spec_text("linked-inside"),
        },
    )
    specs = project / "specs"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.modelspec.yaml").write_text(SECRET)
    (outside / "more").mkdir()
    (outside / "more" / "x.modelspec.yaml").write_text(SECRET)
    link(specs / "leak.modelspec.yaml", outside / "secret.modelspec.yaml")
    link(specs / "relative-leak.modelspec.yaml", "../../outside/secret.modelspec.yaml")
    link(specs / "environ.modelspec.yaml", "/proc/self/environ")
    link(specs / "zero.modelspec.yaml", "/dev/zero")
    link(specs / "outside-folder", outside / "more")
    link(specs / "inside.modelspec.yaml", "shared/real.yaml")  # followed
    link(specs / "inside-folder", "team")  # not entered: team/ is read anyway
    link(specs / "dangling.modelspec.yaml", "nowhere.modelspec.yaml")
    link(specs / "loop-a.modelspec.yaml", "loop-b.modelspec.yaml")
    link(specs / "loop-b.modelspec.yaml", "loop-a.modelspec.yaml")
    link(specs / "self.modelspec.yaml", "self.modelspec.yaml")
    link(specs / "through-a-file.modelspec.yaml", "team/good.modelspec.yaml/x")
    # In and out again: a link inside that leads to a link out.
    link(specs / "shared/hop.yaml", outside / "secret.modelspec.yaml")
    link(specs / "hop.modelspec.yaml", "shared/hop.yaml")
    os.mkfifo(specs / "pipe.modelspec.yaml")
    link(specs / "to-pipe.modelspec.yaml", "pipe.modelspec.yaml")
    (specs / "folder.modelspec.yaml").mkdir()  # a folder named like a spec is entered
    (specs / "folder.modelspec.yaml" / "in-folder.modelspec.yaml").write_text(
        spec_text("in-folder")
    )
    return project


EXPECTED = {  # entry -> the diagnostic code it gets (None: read as a spec)
    "team/good.modelspec.yaml": None,
    "inside.modelspec.yaml": None,
    "folder.modelspec.yaml/in-folder.modelspec.yaml": None,
    "leak.modelspec.yaml": Code.LINK_OUTSIDE,
    "relative-leak.modelspec.yaml": Code.LINK_OUTSIDE,
    "environ.modelspec.yaml": Code.LINK_OUTSIDE,
    "zero.modelspec.yaml": Code.LINK_OUTSIDE,
    "hop.modelspec.yaml": Code.LINK_OUTSIDE,
    "outside-folder": Code.FOLDER_NOT_READ,
    "dangling.modelspec.yaml": Code.UNREADABLE,
    "loop-a.modelspec.yaml": Code.UNREADABLE,
    "loop-b.modelspec.yaml": Code.UNREADABLE,
    "self.modelspec.yaml": Code.UNREADABLE,
    "through-a-file.modelspec.yaml": Code.UNREADABLE,
    "pipe.modelspec.yaml": Code.NOT_A_FILE,
    "to-pipe.modelspec.yaml": Code.NOT_A_FILE,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_tree(tmp_path_factory.mktemp("links"))


def test_every_entry_is_read_or_skipped_with_a_diagnostic_naming_it(project: Path) -> None:
    specs = load_roots([project / "specs"], base=project)
    found = {spec.rel: spec for spec in specs}
    assert set(found) == set(EXPECTED)
    for rel, code in EXPECTED.items():
        spec = found[rel]
        if code is None:
            assert spec.valid, (rel, spec.diagnostics)
            continue
        [diagnostic] = spec.diagnostics
        assert diagnostic.code is code, rel
        assert diagnostic.file == f"specs/{rel}"
        assert spec.source is None
        assert spec.data is None


def test_the_message_says_why_without_quoting_the_target(project: Path) -> None:
    specs = {s.rel: s for s in load_roots([project / "specs"], base=project)}
    said = {rel: s.diagnostics[0].text() for rel, s in specs.items() if s.diagnostics}
    assert "outside the specs folders" in said["environ.modelspec.yaml"]
    assert "broken symbolic link" in said["dangling.modelspec.yaml"]
    assert "loops" in said["self.modelspec.yaml"]
    assert "named pipe" in said["pipe.modelspec.yaml"]
    for text in said.values():
        for quoted in ("/proc", "/dev/zero", CANARY):
            assert quoted not in text


def test_a_link_out_publishes_the_canary_nowhere(project: Path) -> None:
    env = {**os.environ, "MODELSPEC_TEST_TOKEN": CANARY}
    done = subprocess.run(
        [str(BIN / "mkdocs"), "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**env, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    site = project / "site"
    assert CANARY.encode() not in everything_under(site)
    assert CANARY not in done.stdout + done.stderr
    models = json.loads((site / "models.json").read_text())
    assert CANARY not in json.dumps(models)
    # Every skipped entry is in the log, in models.json and on the problems page.
    problems = (site / "models/problems/index.html").read_text()
    for rel, code in EXPECTED.items():
        if code is not None:
            assert f"specs/{rel}:1:1: error: [{code.value}]" in done.stderr, rel
            assert f"specs/{rel}" in problems, rel
            assert any(d["file"] == f"specs/{rel}" for d in models["diagnostics"]), rel
    # And the command line says the same, with no canary either.
    validate = subprocess.run(
        [str(BIN / "modelspec"), "validate", "specs"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert validate.returncode == 1
    assert "Traceback" not in validate.stderr
    assert CANARY not in validate.stdout + validate.stderr
    skipped = [rel for rel, code in EXPECTED.items() if code is not None]
    for rel in skipped:
        assert f"specs/{rel}:1:1: error: [" in validate.stdout, rel


def test_a_strict_build_fails_on_a_skipped_entry(tmp_path: Path) -> None:
    project = make_site(tmp_path / "p", {"ok.modelspec.yaml": spec_text("ok")})
    assert build(project, "--strict").returncode == 0
    link(project / "specs" / "gone.modelspec.yaml", "missing.yaml")
    strict = build(project, "--strict")
    assert strict.returncode == 1
    assert "specs/gone.modelspec.yaml:1:1: error: [unreadable]" in strict.stderr


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch) -> None:
    """A folder that cannot be listed (as root every folder can, so the refusal is
    simulated where the system would give it)."""
    root = tmp_path / "specs"
    (root / "locked").mkdir(parents=True)
    (root / "ok.modelspec.yaml").write_text(spec_text("ok"))
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    specs = {s.rel: s for s in load_roots([root])}
    assert specs["ok.modelspec.yaml"].valid
    [diagnostic] = specs["locked"].diagnostics
    assert diagnostic.code is Code.FOLDER_NOT_READ
    assert "Permission denied" in diagnostic.message


def test_an_unreadable_folder_is_reported_by_the_command() -> None:
    """For real: a folder the command's user may not list (run as `nobody` when the
    tests run as root, whom no permission stops)."""
    with tempfile.TemporaryDirectory() as top:
        os.chmod(top, 0o755)  # reachable by the other user
        root = Path(top) / "specs"
        (root / "locked").mkdir(parents=True)
        (root / "ok.modelspec.yaml").write_text(spec_text("ok"))
        (root / "locked" / "x.modelspec.yaml").write_text(spec_text("x"))
        for path in (root, root / "ok.modelspec.yaml"):
            os.chmod(path, 0o755)
        os.chmod(root / "locked", 0o000)
        command = [str(BIN / "modelspec"), "validate", "specs"]
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        try:
            done = subprocess.run(command, cwd=top, capture_output=True, text=True, check=False)
        finally:
            os.chmod(root / "locked", 0o755)  # so that it can be cleaned up
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        "specs/locked:1:1: error: [folder-not-read] cannot list the folder: Permission "
        "denied; spec files in it are not read (make the folder readable, or move the specs "
        "out of it)",
        "2 specs: 1 valid, 1 invalid; 1 error, 0 warnings",
    ]


def test_a_path_longer_than_the_system_allows_is_reported(tmp_path: Path) -> None:
    """Folders nested past PATH_MAX (4,096 bytes), made one level at a time from the
    folder above (as a checkout or an archive can), with a spec at the bottom."""
    root = tmp_path / "specs"
    root.mkdir()
    (root / "ok.modelspec.yaml").write_text(spec_text("ok"))
    name, length = "d" * 200, len(str(root))
    folder = os.open(root, os.O_RDONLY)
    while length < 4400:
        os.mkdir(name, dir_fd=folder)
        deeper = os.open(name, os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder, length = deeper, length + 201
    spec = os.open("deep.modelspec.yaml", os.O_WRONLY | os.O_CREAT, dir_fd=folder)
    os.write(spec, spec_text("deep").encode())
    os.close(spec)
    os.close(folder)
    specs = load_roots([root])
    assert [s.rel for s in specs if s.valid] == ["ok.modelspec.yaml"]
    [skipped] = [s for s in specs if s.diagnostics]
    assert skipped.diagnostics[0].code is Code.FOLDER_NOT_READ
    assert "File name too long" in skipped.diagnostics[0].message
    assert len(skipped.path) > 4096


@pytest.mark.parametrize("swap", ["pipe", "link-out"])
def test_a_file_swapped_after_it_was_listed_is_not_read(
    tmp_path: Path, monkeypatch, swap: str
) -> None:
    """Discovery saw a regular file; by the time it is opened it is a named pipe with
    no writer (opening must not wait on it), or a link out of the folder (not
    followed)."""
    from mkdocs_modelspec import loading

    root = tmp_path / "specs"
    root.mkdir()
    (tmp_path / "secret.yaml").write_text(SECRET)
    path = root / "swapped.modelspec.yaml"
    path.write_text(spec_text("swapped"))
    real_discover = loading.discover

    def discover(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        path.unlink()
        if swap == "pipe":
            os.mkfifo(path)
        else:
            path.symlink_to(tmp_path / "secret.yaml")
        return found

    monkeypatch.setattr(loading, "discover", discover)
    [spec] = load_roots([root])
    assert spec.source is None
    [diagnostic] = spec.diagnostics
    assert diagnostic.code is (Code.NOT_A_FILE if swap == "pipe" else Code.UNREADABLE)


def test_commands_never_print_a_traceback_on_a_hostile_tree(
    project: Path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["validate", "specs"]) == 1
    assert main(["export", "--specs", "specs"]) == 0
    assert main(["generate", "out", "--specs", "specs"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert CANARY not in out + err
    assert CANARY.encode() not in everything_under(project / "out")


# --- any layout of links ------------------------------------------------------------

# What an entry of the specs folder can be: (kind, target).
ENTRY = st.one_of(
    st.tuples(st.just("spec"), st.just("")),
    st.tuples(st.just("fifo"), st.just("")),
    st.tuples(st.just("folder"), st.just("")),
    st.tuples(
        st.just("link"),
        st.sampled_from(
            [
                "OUT/secret.modelspec.yaml",
                "OUT/dir",
                "OUT/missing",
                "/proc/self/environ",
                "/dev/zero",
                "/dev/null",
                "/",
                "..",
                ".",
                "IN:0",  # another entry of the tree, by index
                "IN:1",
                "IN:2",
                "IN:3",
                "IN:0/x",
            ]
        ),
    ),
)
NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"])
LAYOUT = st.lists(
    st.tuples(
        st.lists(NAMES, min_size=0, max_size=2),  # the folders the entry is in
        NAMES,
        st.booleans(),  # named like a spec
        ENTRY,
    ),
    min_size=1,
    max_size=10,
)


def make_layout(top: Path, layout: list) -> tuple[Path, list[Path]]:
    root, out = top / "specs", top / "OUT"
    (out / "dir").mkdir(parents=True)
    (out / "secret.modelspec.yaml").write_text(SECRET)
    (out / "dir" / "x.modelspec.yaml").write_text(SECRET)
    root.mkdir()
    made: list[Path] = []
    for folders, name, spec_named, (kind, target) in layout:
        path = root.joinpath(*folders, name + (".modelspec.yaml" if spec_named else ""))
        blocked = any(
            os.path.lexists(p) and (p.is_symlink() or not p.is_dir()) for p in path.parents
        )
        if os.path.lexists(path) or blocked:
            continue  # a folder of the entry is already something else
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "spec":
            path.write_text(spec_text(f"m-{len(made)}"))
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        elif target.startswith("IN:"):
            index, _, rest = target[3:].partition("/")
            if int(index) >= len(made):
                continue
            relative = os.path.relpath(made[int(index)], path.parent)
            path.symlink_to(relative + (f"/{rest}" if rest else ""))
        else:
            path.symlink_to(target.replace("OUT", str(out)))
        made.append(path)
    return root, made


def spec_entries(root: Path) -> set[str]:
    """What discovery must account for: every entry under ``root`` named like a spec,
    walked without following any link, but folders inside the specs folder (entered,
    or, for a link, read where they really are)."""
    inside = os.path.realpath(root) + os.sep
    found = set()
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = os.path.join(folder, name)
            real = os.path.realpath(path)
            folder_inside = os.path.isdir(path) and (real + os.sep).startswith(inside)
            if is_spec_name(name) and not folder_inside:
                found.add(path)
    return found


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(layout=LAYOUT)
def test_any_layout_of_links_publishes_nothing_from_outside(tmp_path_factory, layout) -> None:
    top = tmp_path_factory.mktemp("layout")
    root, _ = make_layout(top, layout)
    specs: list[SpecFile] = load_roots([root])  # never raises
    real_root = os.path.realpath(root) + os.sep
    by_path = {s.path: s for s in specs}
    # Nothing from outside, and nothing but regular files, was read.
    for spec in specs:
        assert spec.source is None or CANARY not in spec.source
        if spec.source is not None:
            real = os.path.realpath(spec.path)
            assert real.startswith(real_root), spec.path
            assert os.path.isfile(real)
        else:
            assert spec.diagnostics, spec.path
            assert spec.diagnostics[0].code in SKIP_CODES
    # Every spec-named entry is accounted for: read, or skipped with a diagnostic.
    for path in spec_entries(root):
        assert path in by_path, path
