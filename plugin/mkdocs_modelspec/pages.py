"""Catalog -> the generated pages (Markdown), for the plugin and ``modelspec generate``.

One function, :func:`generate`, makes every page; the plugin hands them to MkDocs as
in-memory files, the command line writes them to a folder. Both therefore publish
the same content at the same paths.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .loading import SpecFile
from .rendering import environment, render
from .views import ModelView, Sources, model_views
from .views.governance import governance_page
from .views.graph import SPLIT_AT, graph_page, neighbourhood
from .views.hardware import hardware_page
from .views.index import catalog_page
from .views.model import model_page
from .views.ownership import ownership_page
from .views.problems import problems_page

#: The overview pages: (file name, navigation title, template).
OVERVIEWS = (
    ("index.md", "Catalog", "catalog.md.jinja"),
    ("hardware.md", "Hardware matrix", "hardware.md.jinja"),
    ("ownership.md", "Ownership", "ownership.md.jinja"),
    ("governance.md", "Governance", "governance.md.jinja"),
    ("graph.md", "Dependency graph", "graph.md.jinja"),
    ("problems.md", "Problems", "problems.md.jinja"),
)


@dataclass
class Options:
    """What shapes the generated pages (the plugin's options, in plain data)."""

    prefix: str = "models/"
    """Folder of the generated pages, relative to the docs folder."""
    sources: Sources = field(default_factory=Sources)
    custom_templates: str | None = None
    directory_urls: bool = True
    """Whether pages are served as ``name/`` (MkDocs' ``use_directory_urls``)."""
    graph_split_at: int = SPLIT_AT


@dataclass
class Page:
    """One generated page."""

    src_uri: str
    """Path relative to the docs folder (``models/support-rag-chat.md``)."""
    title: str
    content: str
    spec: SpecFile | None = None
    """The spec a model page shows (None for overview pages)."""
    team: str | None = None


def normalise_prefix(prefix: str) -> str:
    """``models``, ``/models/`` -> ``models/``; ``""`` -> ``""`` (the docs folder itself)."""
    parts = [p for p in prefix.replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ValueError(f"the pages' folder must stay inside the docs folder: {prefix!r}")
    return "/".join(parts) + "/" if parts else ""


def generate(catalog: Catalog, options: Options) -> tuple[list[Page], list[ModelView]]:
    """Every generated page: the overview pages first, then one page per model."""
    prefix = normalise_prefix(options.prefix)
    env = environment(options.custom_templates)
    views = model_views(catalog, options.sources)
    by_spec = {v.spec: v for v in views}

    def href(view: ModelView) -> str:
        """The URL of a model page from another page of the same folder, for raw HTML."""
        # Markdown links are resolved by MkDocs; links inside SVG are not, so they are
        # written as the browser will need them.
        return f"../{view.slug}/" if options.directory_urls else f"{view.slug}.html"

    contexts = {
        "index.md": catalog_page(views),
        "hardware.md": hardware_page(views),
        "ownership.md": ownership_page(views),
        "governance.md": governance_page(views, catalog, by_spec),
        "graph.md": graph_page(views, catalog, by_spec, href, options.graph_split_at),
        "problems.md": problems_page(views),
    }
    pages = [
        Page(prefix + name, title, render(env, template, page=contexts[name]))
        for name, title, template in OVERVIEWS
    ]
    for view in views:
        page = model_page(view, catalog, by_spec)
        graph = neighbourhood(view, catalog, by_spec, href)
        pages.append(
            Page(
                src_uri=prefix + view.page,
                title=view.name,
                content=render(env, "model.md.jinja", page=page, graph=graph),
                spec=view.spec,
                team=view.team,
            )
        )
    return pages, views


def edit_path(spec: SpecFile, docs_dir: str) -> str:
    """The spec's path relative to the docs folder, for the page's "edit" link."""
    return os.path.relpath(spec.path, docs_dir).replace(os.sep, "/")


def write(pages: Sequence[Page], out_dir: Path) -> None:
    """Write pages as Markdown files under ``out_dir`` (``modelspec generate``)."""
    for page in pages:
        target = out_dir / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
