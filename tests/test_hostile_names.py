"""Guarantee 3, nothing written outside the site: any ``metadata.name`` gets a safe,
unique, stable page path inside the output folder.

Names that climb (``../../etc/x``), nest (``a/b``), are absolute, differ only in case
(which collide on case-insensitive file systems), are not Latin, empty, or very long
are built into a site, and with ``modelspec generate``; the whole temporary folder is
compared before and after: only the output folder may change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import spec_text
from sites import BIN, build, make_site

HOSTILE_NAMES = [
    "../../etc/x",
    "../" * 7 + "escaped",  # from site/models/ up to the test's folder (see built())
    "a/b",
    "a\\b",
    "Model-A",
    "model-a",
    "MODEL_A",
    "日本語",
    "日本語モデル",
    "",
    " ",
    "..",
    ".",
    "~",
    "index",
    "hardware",
    "x" * 300,
    "x" * 299 + "y",
    "nul\x00byte",
    "line\nbreak",
    "<script>alert(1)</script>",
    "con",  # names Windows refuses for a file or a folder
    "NUL",
    "com1",
]
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
SAFE_PAGE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def specs(names: list[str], absolute: Path) -> dict[str, str]:
    """One spec per name, plus one named with an absolute path inside ``absolute``
    (the test's own folder, where a page written there would be seen)."""
    return {
        f"s{index:02}.modelspec.yaml": spec_text(json.dumps(name))
        for index, name in enumerate([*names, str(absolute / "target")])
    }


def snapshot(folder: Path, skip: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (but ``skip``), with a digest of files."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        found[path.relative_to(folder).as_posix()] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict]:
    """A site built from the hostile names; the temporary folder's files before and after.

    The project sits deep inside the folder: a page that escaped by climbing would
    still land in it, where the snapshot sees it.
    """
    top = tmp_path_factory.mktemp("names")
    project = top / "a" / "b" / "c" / "d" / "project"
    make_site(project, specs(HOSTILE_NAMES, top))
    before = snapshot(top, skip=project / "site")
    done = build(project)
    after = snapshot(top, skip=project / "site")
    assert done.returncode == 0, done.stderr
    return project / "site", before, after


def test_nothing_is_written_outside_the_site(built) -> None:
    _, before, after = built
    assert after == before


def test_every_name_gets_a_safe_unique_page_inside_the_site(built) -> None:
    site, _, _ = built
    models = json.loads((site / "models.json").read_text(encoding="utf-8"))["models"]
    assert len(models) == len(HOSTILE_NAMES) + 1
    urls = [m["url"] for m in models]
    for url in urls:
        assert url.startswith("models/")
        assert url.endswith("/")
        page = url.removeprefix("models/").removesuffix("/")
        assert SAFE_PAGE.fullmatch(page), url
        assert page not in WINDOWS_RESERVED, url
        assert len(page) <= 90, url
        assert (site / url / "index.html").is_file()
        assert (site / url / "index.html").resolve().is_relative_to(site.resolve())
    # Unique even where letter case does not count.
    assert len({url.lower() for url in urls}) == len(urls)
    assert not (site / "etc").exists()


def test_page_paths_are_stable(built, tmp_path: Path) -> None:
    """The same files give the same pages, build after build, wherever they are."""
    site, _, _ = built
    again = make_site(tmp_path, {})
    shutil.rmtree(again / "specs", ignore_errors=True)
    shutil.copytree(site.parent / "specs", again / "specs")
    assert build(again).returncode == 0
    pages = [
        {m["source"]: m["url"] for m in json.loads((s / "models.json").read_text())["models"]}
        for s in (site, again / "site")
    ]
    assert pages[0] == pages[1]
    # The name written as the page name keeps it, though another file sorts first.
    upper, lower = HOSTILE_NAMES.index("Model-A"), HOSTILE_NAMES.index("model-a")
    assert upper < lower
    assert pages[0][f"s{lower:02}.modelspec.yaml"] == "models/model-a/"
    assert pages[0][f"s{upper:02}.modelspec.yaml"] == "models/model-a-2/"


def test_generate_writes_only_inside_its_output_folder(tmp_path: Path) -> None:
    project = tmp_path / "a" / "b" / "c" / "d" / "project"
    make_site(project, specs(HOSTILE_NAMES, tmp_path))
    out = project / "generated"
    before = snapshot(tmp_path, skip=out)
    done = subprocess.run(
        [str(BIN / "modelspec"), "generate", str(out)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert snapshot(tmp_path, skip=out) == before
    assert done.returncode in (0, 1), done.stderr  # 1: some names are invalid
    assert "Traceback" not in done.stderr
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) > len(HOSTILE_NAMES)
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())


@pytest.mark.parametrize(
    ("prefix", "name", "export"),
    [
        ("", "models", "models.json"),
        ("schemas/", "modelspec-v1alpha1", "schemas/modelspec-v1alpha1.json"),
        ("", "Models", "models.json"),
    ],
)
def test_a_model_never_replaces_the_sites_exports(
    tmp_path: Path, prefix: str, name: str, export: str
) -> None:
    project = make_site(
        tmp_path,
        {"a.modelspec.yaml": spec_text(name), "b.modelspec.yaml": spec_text("other")},
        options={"prefix": prefix},
    )
    done = build(project)
    assert done.returncode == 0, done.stderr
    site = project / "site"
    data = json.loads((site / export).read_text(encoding="utf-8"))
    if export == "models.json":
        assert data["generator"].startswith("mkdocs-modelspec")
        [model] = [m for m in data["models"] if m["name"] == name]
        assert model["url"] == f"{prefix}{name.lower()}-model/"
    else:
        assert data["$schema"].startswith("https://json-schema.org/")
    assert f"would have put one of its files at {export}" in done.stderr
    assert build(project, "--strict").returncode == 1


def test_a_handwritten_export_is_kept_with_a_warning(tmp_path: Path) -> None:
    project = make_site(
        tmp_path, {"a.modelspec.yaml": spec_text("a")}, docs={"models.json": '{"ours": 1}'}
    )
    done = build(project)
    assert done.returncode == 0, done.stderr
    assert json.loads((project / "site/models.json").read_text()) == {"ours": 1}
    assert "models.json is a handwritten file at the path of one the plugin" in done.stderr
