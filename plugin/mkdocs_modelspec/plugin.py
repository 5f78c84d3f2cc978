"""The MkDocs plugin: wires loading, checking and page generation into MkDocs events.

Everything here is MkDocs plumbing; the work is done by plain functions in the other
modules (loading, catalog, views, rendering, pages), which the command line uses too.
"""

from __future__ import annotations

import os
import time
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .catalog import build_catalog
from .config import ModelSpecConfig
from .loading import load_roots
from .pages import Options, edit_path, generate, normalise_prefix
from .pages import Page as GeneratedPage
from .rendering import ASSETS
from .rendering.escape import html
from .views import Sources

log = get_plugin_logger(__name__)

ASSET_FOLDER = "assets/modelspec/"


class ModelSpecPlugin(BasePlugin[ModelSpecConfig]):
    """Publish every ModelSpec of the repository as pages of the site."""

    def __init__(self) -> None:
        self.roots: list[str] = []
        self.pages: list[GeneratedPage] = []
        self.generated: set[str] = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        base = os.path.dirname(config.config_file_path or os.getcwd())
        self.roots = [os.path.normpath(os.path.join(base, d)) for d in self.config.specs_dir]
        for root in self.roots:
            if not os.path.isdir(root):
                log.warning(f"specs_dir {root} does not exist: no spec is published from it")
        try:
            normalise_prefix(self.config.prefix)
        except ValueError as error:
            from mkdocs.config.base import ValidationError

            raise ValidationError(f"modelspec: prefix: {error}") from None
        config.extra_css.append(ASSET_FOLDER + "modelspec.css")
        config.extra_javascript.append(ASSET_FOLDER + "modelspec.js")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        started = time.perf_counter()
        base = os.path.dirname(config.config_file_path or os.getcwd())
        specs = load_roots(
            [r for r in self.roots if os.path.isdir(r)],
            base=base,
            max_file_size=self.config.max_file_size,
        )
        catalog = build_catalog(specs, self.roots)
        for diagnostic in catalog.diagnostics:
            # Warnings make `mkdocs build --strict` fail, as a broken spec should.
            log.warning(diagnostic.format())
        options = Options(
            prefix=self.config.prefix,
            sources=Sources(
                team=self.config.team, owner=self.config.owner, contact=self.config.contact
            ),
            custom_templates=self.config.custom_templates,
            directory_urls=config.use_directory_urls,
            graph_split_at=self.config.graph_split_at,
        )
        self.pages, _ = generate(catalog, options)
        self.generated = {page.src_uri for page in self.pages}
        for page in self.pages:
            if files.get_file_from_path(page.src_uri) is not None:
                log.warning(
                    f"{page.src_uri} is a handwritten page at the path of a generated one: "
                    "keeping the handwritten page (change the plugin's prefix to avoid this)"
                )
                continue
            in_nav = page.spec is None or self.config.nav_models
            file = File.generated(
                config,
                page.src_uri,
                content=page.content,
                inclusion=InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV,
            )
            if page.spec is not None:
                file.edit_uri = edit_path(page.spec, config.docs_dir)
            files.append(file)
        for name in ("modelspec.css", "modelspec.js"):
            if files.get_file_from_path(ASSET_FOLDER + name) is None:
                files.append(
                    File.generated(config, ASSET_FOLDER + name, abs_src_path=str(ASSETS / name))
                )
        invalid = sum(1 for s in specs if not s.valid)
        log.info(
            f"loaded {len(specs)} specs, {invalid} invalid, "
            f"{len(catalog.diagnostics)} problems, in {time.perf_counter() - started:.2f} s"
        )
        return files

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        if not (self.config.enabled and self.config.nav_models):
            return None
        teams: dict[str, list[Any]] = {}
        for page in self.pages:
            if page.spec is None:
                continue
            file = files.get_file_from_path(page.src_uri)
            if file is None or file.page is None:
                continue
            teams.setdefault(page.team or "(no team)", []).append(file.page)
        # Themes print navigation titles as HTML: a team name is text from a spec.
        sections = [
            Section(html(team), sorted(pages, key=lambda p: p.title or ""))
            for team, pages in sorted(teams.items())
        ]
        nav.items.append(Section("Models by team", sections))  # type: ignore[arg-type]
        return nav

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri in self.generated:
            # The toc extension unescapes heading text into the table of contents,
            # which themes (and the search index) then print as HTML. A heading of
            # a generated page can hold text from a spec: escape it again there.
            _escape_toc(page.toc)
        return None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled:
            for root in self.roots:
                if os.path.isdir(root):
                    server.watch(root)
        return server


def _escape_toc(items: Any) -> None:
    for item in items:
        item.title = html(item.title)
        _escape_toc(item.children)
