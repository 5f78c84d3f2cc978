"""Where the plugin does not run: ``modelspec generate`` output built by Zensical and by
MkDocs without the plugin (the Markdown extension resolving handwritten pages' links
and embeds), checked link by link; and paths on generated pages never name the
machine."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, spec_text
from links import check
from sites import BIN

DEMO = ("specs", "docs", "observed", "mkdocs.yml")


def built_config(config: str) -> str:
    """The demo's mkdocs.yml for a tool that runs no plugin: the modelspec plugin gone
    (its options stay in mkdocs.yml, which generate reads), the Markdown extension,
    the stylesheet and script, and no other plugin Zensical lacks."""
    head = config[: config.index("\nplugins:")]
    head = head.replace(
        "  - pymdownx.superfences\n", "  - pymdownx.superfences\n  - mkdocs_modelspec.markdown\n"
    )
    return (
        head
        + "\nplugins:\n  - search\n"
        + "extra_css: [assets/modelspec/modelspec.css]\n"
        + "extra_javascript: [assets/modelspec/modelspec.js]\n"
    )


def run(root: Path, *command: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(c) for c in command], cwd=root, capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo, generated into its docs folder, then built by Zensical (``site/``) and
    by MkDocs without the plugin (``site-mkdocs/``)."""
    root = tmp_path_factory.mktemp("generated")
    for name in DEMO:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    (root / "built.yml").write_text(built_config((ROOT / "mkdocs.yml").read_text()))
    done = run(root, BIN / "modelspec", "generate", "docs", "--config", "mkdocs.yml")
    assert done.returncode == 0, done.stderr
    zensical = BIN / "zensical"
    assert zensical.exists(), "zensical is in the test extra: pip install -e .[test]"
    done = run(root, zensical, "build", "--clean", "-f", "built.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    done = run(root, BIN / "mkdocs", "build", "--strict", "-f", "built.yml", "-d", "site-mkdocs")
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return root


@pytest.mark.parametrize("site", ["site", "site-mkdocs"])
def test_no_internal_link_is_broken_graphs_included(demo: Path, site: str) -> None:
    report = check(demo / site)
    assert report.broken == []
    assert report.checked > 3000
    # Every node of the dependency graphs links to its model's page (16 models on the
    # graph page, and each model's neighbourhood on its own page).
    assert report.svg >= 30
    graph = (demo / site / "models/graph/index.html").read_text()
    assert len(re.findall(r'xlink:href="\.\./[a-z0-9-]+/"', graph)) == 16


class _Article(HTMLParser):
    """A page's content from its title heading on: the text, and each link's target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.done = False
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1" and not self.done:
            self.inside = True
        if self.inside and tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text.append(data)


def article(path: Path) -> tuple[list[str], str]:
    parsed = _Article()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed.links, " ".join(" ".join(parsed.text).split())


def test_a_handwritten_page_gets_the_same_links_and_embeds_in_both(
    demo: Path, demo_site: Path
) -> None:
    page = "design/support-rag/index.html"
    source = (demo / "docs/design/support-rag.md").read_text()
    assert "(modelspec:" in source
    assert "<!-- modelspec:card" in source
    zensical, mkdocs = article(demo / "site" / page), article(demo / "site-mkdocs" / page)
    assert zensical == mkdocs
    links, text = zensical
    assert "../../models/support-rag-chat/" in links
    assert not any("modelspec:" in link for link in links)
    # The card: the model's description and its glance line, and a link to its page.
    assert "The shopper-facing support assistant." in text
    assert "Readiness:" in text
    assert "full page" in text
    # The same as the plugin renders it.
    assert article(demo_site / page) == zensical


def _targets(site: Path, page: str) -> list[str]:
    """Where each link of a page's content leads, as a path from the site's top with
    its query (``models/?team=search``): the same in two sites whatever the spelling."""
    found = []
    for link in article(site / page)[0]:
        if re.match(r"[a-z][a-z0-9+.-]*:", link) or link.startswith("#"):
            continue  # another site, or a place on the same page
        path, _, query = link.split("#")[0].partition("?")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path or "."))
        target = target.removesuffix("index.html").rstrip("/")
        found.append(f"{target}/?{query}" if query else target)
    return found


def test_every_page_links_to_the_same_places_in_both(demo: Path) -> None:
    """Zensical reads an address in raw HTML as a file relative to the Markdown file,
    MkDocs as written: the team link on each model page's header card led to the home
    page under Zensical (one folder up) and to the catalog under MkDocs."""
    pages = [
        str(p.relative_to(demo / "site-mkdocs"))
        for p in sorted((demo / "site-mkdocs").rglob("index.html"))
        if (demo / "site" / p.relative_to(demo / "site-mkdocs")).exists()
    ]
    assert len(pages) > 30
    for page in pages:
        assert _targets(demo / "site", page) == _targets(demo / "site-mkdocs", page), page
    chat = "models/support-rag-chat/index.html"
    for site in ("site", "site-mkdocs"):
        assert "models/?team=support-assistant" in _targets(demo / site, chat)
    markdown = (demo / "docs/models/support-rag-chat.md").read_text()
    assert 'data-modelspec-md="index.md?team=support-assistant"' in markdown
    assert "data-modelspec-md" not in (demo / "site" / chat).read_text()
    assert "data-modelspec-md" not in (demo / "site-mkdocs" / chat).read_text()


def test_a_mistake_on_a_handwritten_page_fails_a_strict_build(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/a.modelspec.yaml").write_text(spec_text("model-a"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text(
        "# Home\n\nSee [a](modelspec:model-a) and [b](modelspec:model-b).\n\n"
        "<!-- modelspec:card model-a -->\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - mkdocs_modelspec.markdown\n"
    )
    done = run(tmp_path, BIN / "mkdocs", "build", "--strict")
    assert done.returncode == 1
    assert "no catalog generated in" in done.stderr  # generate has not run yet
    assert run(tmp_path, BIN / "modelspec", "generate", "docs", "specs").returncode == 0
    done = run(tmp_path, BIN / "mkdocs", "build", "--strict")
    assert done.returncode == 1
    assert "docs/index.md:3: unknown model 'model-b' in a modelspec: link" in done.stderr
    (tmp_path / "docs/index.md").write_text("# Home\n\n[a](modelspec:model-a)\n")
    done = run(tmp_path, BIN / "mkdocs", "build", "--strict")
    assert done.returncode == 0, done.stderr
    assert 'href="models/model-a/"' in (tmp_path / "site/index.html").read_text()


def test_generate_with_an_absolute_specs_path_writes_no_machine_path(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "repo"
    shutil.copytree(ROOT / "specs", outside / "specs")
    (outside / "specs/broken.modelspec.yaml").write_text(
        spec_text("broken").replace("count: 1", "count: many")
    )
    work = tmp_path / "work"
    work.mkdir()
    for in_a_repository in (False, True):
        if in_a_repository:
            subprocess.run(["git", "init", "-q", str(outside)], check=True)
        out = work / f"docs-{in_a_repository}"
        done = run(work, BIN / "modelspec", "generate", out.name, "--specs", outside / "specs")
        assert done.returncode == 0, done.stderr
        texts = {p: p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()}
        assert len(texts) > 50
        leaks = [str(p.relative_to(out)) for p, text in texts.items() if str(tmp_path) in text]
        assert leaks == []
        page = (out / "models/broken.md").read_text()
        # Shown from the specs folder's parent, or from the repository that holds it.
        assert "Spec file: <code>specs/broken.modelspec.yaml</code>" in page
        assert "## specs/broken.modelspec.yaml" in (out / "models/problems.md").read_text()
        done = run(work, BIN / "modelspec", "export", "--specs", outside / "specs")
        assert str(tmp_path) not in done.stdout
