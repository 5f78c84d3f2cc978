"""Dirty rebuilds (``mkdocs serve --dirty``): after any sequence of edits, the served
site is the site a clean build makes of the same files, page for page; and a rebuild
writes exactly the pages whose content changed.

The edits are generated from a seed: change a value, change a team, rename a model,
add and delete a spec, break one and repair it, edit a handwritten page that links to
and embeds models (sometimes its title, which is in the navigation). After each one,
the project is rebuilt as ``mkdocs serve --dirty`` rebuilds it (``serving.py``) and
compared with a clean build, file by file: pages, downloads, ``models.json``, the
search index, the sitemap.
"""

from __future__ import annotations

import difflib
import functools
import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from mkdocs_modelspec import pages as generation
from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, RenderCache, Site
from mkdocs_modelspec.rendering import tables
from serving import Served, clean_build, differences, modification_times, snapshot, written_since
from test_hostile_serve import Server

from conftest import FIXTURES, FULL

TEAMS = ["search", "assistant", "platform"]


@pytest.fixture(autouse=True)
def _build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mkdocs theme prints the build's time: the same in every build compared.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@dataclass
class Model:
    name: str
    team: str
    replicas: int = 2
    description: str = "Serves requests."
    deps: list[str] = field(default_factory=list)
    """The files (stems) of the specs it depends on."""
    broken: bool = False

    def text(self) -> str:
        if self.broken:
            return (
                f"apiVersion: piqc.ai/v1alpha1\nkind: ModelSpec\nmetadata:\n  name: [{self.name}\n"
            )
        deps = "".join(
            f"      - id: {d}\n        role: input\n        specRef: ./{d}.modelspec.yaml\n"
            for d in self.deps
        )
        return (
            "apiVersion: piqc.ai/v1alpha1\nkind: ModelSpec\nmetadata:\n"
            f"  name: {self.name}\n  description: {self.description}\n"
            f"  labels:\n    team: {self.team}\n"
            "spec:\n  identity:\n    model:\n      id: m\n      family: fam\n"
            "      task: embedding\n      framework: onnxruntime\n"
            "  runtime:\n    accelerator:\n      vendor: nvidia\n      type: l4\n      count: 1\n"
            f"  operations:\n    scaling:\n      minReplicas: 1\n      maxReplicas: {self.replicas}\n"
            + (f"  pipeline:\n    dependencies:\n{deps}" if deps else "")
        )


class Project:
    """A small catalog with dependencies, and handwritten pages that reference it."""

    def __init__(self, root: Path, *, theme: str, nav_models: bool) -> None:
        self.root = root
        self.models = {
            "embed": Model("embed", "search"),
            "rerank": Model("rerank", "search", deps=["embed"]),
            "chat": Model("chat", "assistant", deps=["embed", "rerank"]),
            "guard": Model("guard", "platform"),
            "summary": Model("summary", "assistant", deps=["embed"]),
        }
        self.guide = {"title": "Guide", "link": "embed", "card": "chat"}
        self.counter = 0
        (root / "specs").mkdir(parents=True)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Home\n\nThe models of this site.\n")
        (root / "docs" / "notes.md").write_text(
            "# Notes\n\nThe [guard page](models/guard.md), linked by its file.\n"
        )
        (root / "mkdocs.yml").write_text(
            f"site_name: Served\ntheme:\n  name: {theme}\n"
            "markdown_extensions:\n  - toc:\n      permalink: true\n"
            f"plugins:\n  - search\n  - modelspec:\n      nav_models: {str(nav_models).lower()}\n"
            "      history: false\n"
        )
        for stem in self.models:
            self.write_spec(stem)
        self.write_guide()

    def touch(self, path: Path) -> None:
        # Each edit is newer than the last build by the clock MkDocs compares with.
        now = time.time_ns()
        os.utime(path, ns=(now, now))

    def write_spec(self, stem: str) -> None:
        path = self.root / "specs" / f"{stem}.modelspec.yaml"
        path.write_text(self.models[stem].text())
        self.touch(path)

    def write_guide(self) -> None:
        g = self.guide
        path = self.root / "docs" / "guide.md"
        path.write_text(
            f"# {g['title']}\n\nRetrieval starts at [the embedder](modelspec:{g['link']}).\n\n"
            f"<!-- modelspec:card {g['card']} -->\n"
        )
        self.touch(path)

    def edit(self, kind: str, rng: random.Random) -> str:
        """Make one edit of this kind; say what it was."""
        self.counter += 1
        stems = sorted(self.models)
        working = [s for s in stems if not self.models[s].broken]
        stem = rng.choice(working or stems)
        model = self.models[stem]
        if kind == "value":
            model.replicas += 1
            model.description = f"Serves requests (edit {self.counter})."
        elif kind == "team":
            model.team = rng.choice([t for t in TEAMS if t != model.team])
        elif kind == "rename":
            model.name = f"{stem}-v{self.counter}"
        elif kind == "add":
            stem = f"extra{self.counter}"
            self.models[stem] = Model(stem, rng.choice(TEAMS), deps=rng.sample(working, 1))
        elif kind == "delete":
            del self.models[stem]
            (self.root / "specs" / f"{stem}.modelspec.yaml").unlink()
            return f"delete {stem}"
        elif kind == "break":
            model.broken = True
        elif kind == "repair":
            broken = [s for s in stems if self.models[s].broken]
            stem = broken[0] if broken else stem
            self.models[stem].broken = False
        else:
            assert kind == "page"
            names = [self.models[s].name for s in working or stems]
            self.guide["link"] = rng.choice([*names, "no-such-model"])
            self.guide["card"] = rng.choice(names)
            if rng.random() < 0.3:
                self.guide["title"] = f"Guide {self.counter}"
            self.write_guide()
            return f"page {self.guide}"
        self.write_spec(stem)
        return f"{kind} {stem}"


def first_diff(served: dict[str, bytes], clean: dict[str, bytes]) -> str:
    """The lines of the first file that differs, for the failure message."""
    for path in sorted(served.keys() & clean.keys()):
        if served[path] != clean[path]:
            a = [line[:200] for line in served[path].decode(errors="replace").split("><")]
            b = [line[:200] for line in clean[path].decode(errors="replace").split("><")]
            lines = difflib.unified_diff(b, a, "clean", "served", lineterm="", n=1)
            return f"{path}:\n" + "\n".join(list(lines)[:40])
    return ""


def pages(files: dict[str, bytes]) -> set[str]:
    return {path for path in files if path.endswith("index.html")}


@pytest.mark.parametrize(
    ("theme", "nav_models", "seed", "inline_rows"),
    # The third: the overview pages' tables split past 8 rows, so that edits move pages
    # across the line (their data files come and go).
    [("mkdocs", False, 1, None), ("material", True, 2, None), ("material", False, 3, 8)],
)
def test_the_served_site_is_a_clean_build_after_every_edit(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    theme: str,
    nav_models: bool,
    seed: int,
    inline_rows: int | None,
) -> None:
    if inline_rows is not None:
        monkeypatch.setattr(tables, "INLINE_ROWS", inline_rows)
        monkeypatch.setattr(tables, "FIRST_ROWS", 1)
    rng = random.Random(seed)
    project = Project(tmp_path / "project", theme=theme, nav_models=nav_models)
    kinds = ["value", "team", "rename", "add", "delete", "break", "repair", "page"]
    edits = [*kinds, *rng.choices(kinds, k=6)]
    rng.shuffle(edits)
    served = Served(project.root, tmp_path / "served")
    served.rebuild()
    before = snapshot(served.site)
    data_files: set[frozenset[str]] = set()
    for step, kind in enumerate(edits, 1):
        times = modification_times(served.site)
        done = project.edit(kind, rng)
        served.rebuild()
        now = snapshot(served.site)
        data_files.add(frozenset(p for p in now if p.endswith(".rows.json")))
        clean_build(project.root, tmp_path / "clean")
        clean = snapshot(tmp_path / "clean")
        assert differences(now, clean) == [], f"after edit {step}: {done}\n{first_diff(now, clean)}"
        if pages(now) == pages(before):
            # No page came or went: exactly the pages whose content changed are written.
            changed = {p for p in pages(now) if now[p] != before[p]}
            written = written_since(served.site, times) & pages(now)
            assert written == changed, f"after edit {step}: {done}"
        before = now
    if inline_rows is not None:  # data files came and went along the way
        assert len(data_files) > 1, data_files


def test_a_value_edit_renders_and_writes_only_the_pages_that_show_it(tmp_path: Path) -> None:
    project = Project(tmp_path / "project", theme="mkdocs", nav_models=False)
    served = Served(project.root, tmp_path / "served")
    served.rebuild()
    times = modification_times(served.site)
    project.models["guard"].description = "Moderates every reply."
    project.write_spec("guard")
    served.rebuild()
    written = written_since(served.site, times)
    assert "models/guard/index.html" in written
    # The leaf's own page and the overview pages that list descriptions: no other model.
    assert not {f"models/{m}/index.html" for m in ("embed", "rerank", "chat", "summary")} & written
    assert not {"index.html", "guide/index.html", "notes/index.html"} & written
    plugin = served.plugin()
    assert plugin.renders.rendered <= 1 + 10, plugin.stats  # its page and the overviews
    # A handwritten page's edit renders no generated page (only its backlinks could change).
    times = modification_times(served.site)
    project.guide["title"] = "Guide"
    (project.root / "docs" / "guide.md").write_text(
        (project.root / "docs" / "guide.md").read_text() + "\nOne more line.\n"
    )
    project.touch(project.root / "docs" / "guide.md")
    served.rebuild()
    assert plugin.renders.rendered == 0, plugin.stats
    assert written_since(served.site, times) & pages(snapshot(served.site)) == {"guide/index.html"}


def test_the_comparison_sees_a_dependent_page_left_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of the test above can fail: with a cache that forgets what a page
    shows of the models around it, renaming a model leaves its dependents' pages
    stale, and the comparison names them."""
    monkeypatch.setattr(Site, "_around", lambda self, view: ())
    project = Project(tmp_path / "project", theme="mkdocs", nav_models=False)
    served = Served(project.root, tmp_path / "served")
    served.rebuild()
    project.models["embed"].name = "embedder"
    project.write_spec("embed")
    served.rebuild()
    clean_build(project.root, tmp_path / "clean")
    found = differences(snapshot(served.site), snapshot(tmp_path / "clean"))
    assert "models/chat/index.html: differs" in found
    assert "models/rerank/index.html: differs" in found


@pytest.mark.parametrize(("tool", "theme"), [("mkdocs", "mkdocs"), ("properdocs", "material")])
def test_serve_dirty_shows_each_edit_where_it_shows(tmp_path: Path, tool: str, theme: str) -> None:
    """The real server, ``--dirty``: an edit reaches the pages of the models that depend
    on the edited one, and a renamed model's old page is no longer served."""
    project = Project(tmp_path / "project", theme=theme, nav_models=False)
    server = Server(project.root, "--dirty", tool=tool)
    try:
        server.wait_for("the first build", lambda: server.shows("models/chat/", "embed (search)"))
        project.models["embed"].team = "platform"
        project.write_spec("embed")
        server.wait_for(
            "the new team on a dependent's page",
            lambda: server.shows("models/chat/", "embed (platform)", absent=("embed (search)",)),
        )
        assert server.shows("models/rerank/", "embed (platform)", absent=("embed (search)",))
        project.models["guard"].name = "guardian"
        project.write_spec("guard")
        server.wait_for("the renamed page", lambda: server.shows("models/guardian/", "guardian"))
        assert server.get("models/guard/") is None
        assert "pages rendered" in server.tail()
        assert "Traceback" not in server.tail()
    finally:
        server.stop()


def _mutations(data: object, at: tuple[object, ...] = ()) -> Iterator[tuple[str, object]]:
    """Each one-field edit of a spec's data: every value changed, every key removed."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (
                f"remove {'.'.join(map(str, (*at, key)))}",
                {k: v for k, v in data.items() if k != key},
            )
            for label, changed in _mutations(value, (*at, key)):
                yield label, {**data, key: changed}
    elif isinstance(data, list):
        for index, value in enumerate(data):
            for label, changed in _mutations(value, (*at, index)):
                yield label, [*data[:index], changed, *data[index + 1 :]]
    elif isinstance(data, bool):
        yield f"flip {'.'.join(map(str, at))}", not data
    elif isinstance(data, int | float):
        yield f"change {'.'.join(map(str, at))}", data + 1
    else:
        yield f"change {'.'.join(map(str, at))}", f"{data}-edited"


def test_a_page_whose_inputs_did_not_change_is_the_page_a_fresh_render_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render cache is sound: edit any one field of a spec (its own page, a page of
    a model around it, an overview page), and every page it keeps from the last build
    is the page rendering it again would make. This checks each overview page's
    ``NOT_SHOWN`` and each model page's inputs against the templates."""
    # The templates compiled once for all the renders below (the slow part of a render).
    monkeypatch.setattr(generation, "environment", functools.lru_cache(generation.environment))
    root = tmp_path / "specs"
    shutil.copytree(FIXTURES / "catalog" / "rag", root / "rag")
    full = yaml.safe_load(FULL)
    full["spec"]["pipeline"]["dependencies"][0]["specRef"] = "./rag/embed.modelspec.yaml"
    files = {
        "full": root / "full.modelspec.yaml",
        "chat": root / "rag" / "chat.modelspec.yaml",
        "embed": root / "rag" / "embed.modelspec.yaml",
    }
    datas = {"full": full} | {n: yaml.safe_load(files[n].read_text()) for n in ("chat", "embed")}
    for name, data in datas.items():
        files[name].write_text(yaml.safe_dump(data, sort_keys=False))

    def render(cache: RenderCache | None) -> dict[str, str]:
        # graph_split_at=1: the graph in parts, each kept by the drawing it shows.
        options = Options(graph_split_at=1)
        site = Site(build_catalog(load_roots([root]), [root]), options, cache=cache)
        return {page.src_uri: page.content for page in site.pages({})}

    base = RenderCache()
    assert any(uri.startswith("models/graph/") for uri in render(base))
    checked = 0
    for name, data in datas.items():
        for label, changed in _mutations(data):
            if name == "chat" and not label.split(" ")[1].startswith(("metadata", "spec.pipeline")):
                continue  # the rest of chat shows only on its own page, rendered anew
            files[name].write_text(yaml.safe_dump(changed, sort_keys=False))
            cache = RenderCache(
                settings=base.settings,
                models=dict(base.models),
                overviews=dict(base.overviews),
                env=base.env,
                written=dict(base.written),
                inputs=dict(base.inputs),
                scored=base.scored,
                scores=dict(base.scores),
                graphs=dict(base.graphs),
            )
            kept, fresh = render(cache), render(None)
            stale = [uri for uri in fresh if kept.get(uri) != fresh[uri]]
            assert stale == [], f"{name}: {label}"
            checked += 1
        files[name].write_text(yaml.safe_dump(data, sort_keys=False))
    assert checked > 200, checked
