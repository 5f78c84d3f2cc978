"""The MkDocs plugin: wires loading, checking and page generation into MkDocs events.

Everything here is MkDocs plumbing; the work is done by plain functions in the other
modules (loading, catalog, views, rendering, pages, references), which the command
line uses too.
"""

from __future__ import annotations

import gc
import os
import re
import stat
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from html import unescape
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import meta
from mkdocs.utils.templates import TemplateContext
from watchdog.events import FileSystemEventHandler

from .catalog import build_catalog
from .config import ModelSpecConfig, drift_settings
from .diagnostics import printable
from .exports import MODELS_SCHEMA
from .history import Commit, not_read, read_history
from .incremental import DirtyBuilds
from .loading import LoadCache, display_path, load_roots, published
from .observed import read_observed
from .pages import (
    ASSET_FOLDER,
    MODELS_JSON,
    SCHEMA_JSON,
    Backlink,
    Options,
    RenderCache,
    Site,
    commit_url_of,
    data_file,
    edit_path,
    normalise_prefix,
)
from .pages import Page as GeneratedPage
from .readiness import Settings
from .references import Mistake, rewrite_page, scan
from .rendering import tables
from .rendering.escape import html
from .views import Sources
from .views.scorecards import shortfalls

log = get_plugin_logger(__name__)

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
#: The big raw HTML blocks of a generated page (a spec's source listing, a graph): each
#: is one line of the Markdown. MkDocs gets a placeholder for each, put back into the
#: page's HTML (see ``_set_aside``).
_BLOCKS: tuple[str, ...] = (
    '<div data-search-exclude><details class="modelspec-source"',
    '<div class="modelspec-graph-block" data-search-exclude>',
    tables.BLOCK,
)
_PLACEHOLDER = '<div data-modelspec-block="{}"></div>'
_ID = re.compile(r'\sid="([^"]*)"')


class ModelSpecPlugin(BasePlugin[ModelSpecConfig]):
    """Publish every ModelSpec of the repository as pages of the site."""

    def __init__(self) -> None:
        self.roots: list[str] = []
        self.observed: list[str] | None = None  # absolute paths; None: not configured
        self.site: Site | None = None
        self.pages: list[GeneratedPage] = []
        self.generated: dict[str, GeneratedPage] = {}  # by src_uri, the ones MkDocs got
        self.cache: LoadCache | None = None
        self.history_cache: dict[tuple[str, ...], list[Commit]] | None = None
        self.renders: RenderCache | None = None  # under `mkdocs serve`
        self.dirty: DirtyBuilds | None = None  # in dirty builds (`mkdocs serve --dirty`)
        self.serving = False
        self.built = 0  # builds that succeeded
        self.compiled = _Compiled()  # the theme's templates, under `mkdocs serve`
        #: What the ``modelspec:`` references of each handwritten page give, by page.
        self.rewritten: dict[str, _Rewritten] = {}
        #: The raw HTML blocks set aside from each generated page (``_set_aside``), and
        #: under `mkdocs serve` each page's Markdown with and without them.
        self.blocks: dict[str, list[str]] = {}
        self.aside: dict[str, tuple[str, str, list[str]]] = {}
        self.spent = 0.0  # seconds spent in this plugin during the current build
        self.stats = ""
        self.watch: _SpecsWatch | None = None  # under `mkdocs serve`

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance across the rebuilds of `mkdocs serve`,
        # so specs that did not change are not read and validated again, and pages
        # whose inputs did not change are not rendered again.
        serving = command == "serve"
        self.cache = LoadCache() if serving else None
        self.history_cache = {} if serving else None
        self.renders = RenderCache() if serving else None
        self.dirty = DirtyBuilds(serving=serving) if dirty else None
        self.serving = serving

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        base = os.path.dirname(config.config_file_path or os.getcwd())
        self.roots = [os.path.normpath(os.path.join(base, d)) for d in self.config.specs_dir]
        for root in self.roots:
            if not os.path.isdir(root):
                log.warning(f"specs_dir {root} does not exist: no spec is published from it")
        self.observed = None
        if self.config.observed is not None:
            self.observed = [os.path.normpath(os.path.join(base, p)) for p in self.config.observed]
        try:
            normalise_prefix(self.config.prefix)
        except ValueError as error:
            raise ValidationError(f"modelspec: prefix: {error}") from None
        config.extra_css.append(ASSET_FOLDER + "modelspec.css")
        config.extra_javascript.append(ASSET_FOLDER + "modelspec.js")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        started = time.perf_counter()
        self.spent = 0.0
        base = os.path.dirname(config.config_file_path or os.getcwd())
        misses = self.cache.misses if self.cache else 0
        specs = load_roots(
            [r for r in self.roots if os.path.isdir(r)],
            base=base,
            max_file_size=self.config.max_file_size,
            cache=self.cache,
        )
        read = (self.cache.misses - misses) if self.cache else len(specs)
        published(specs)  # a spec outside the project: shown from its repository
        catalog = build_catalog(specs, self.roots)
        for diagnostic in catalog.diagnostics:
            # Warnings make `mkdocs build --strict` fail, as a broken spec should.
            log.warning(diagnostic.format())  # control characters shown escaped
        # One `git log` for every specs folder, whatever the size of the catalog.
        history = (
            read_history(
                specs, self.roots, limit=self.config.history_limit, cache=self.history_cache
            )
            if self.config.history
            else not_read("History is turned off in this site's configuration (history: false).")
        )
        observed = None
        if self.observed is not None:
            observed = read_observed(
                self.observed,
                base=base,
                link_key=self.config.drift.label,
                max_file_size=self.config.drift.max_file_size,
            )
        site = self.site = Site(
            catalog,
            Options(
                prefix=self.config.prefix,
                sources=Sources(
                    team=self.config.team, owner=self.config.owner, contact=self.config.contact
                ),
                custom_templates=self.config.custom_templates,
                directory_urls=config.use_directory_urls,
                graph_split_at=self.config.graph_split_at,
                readiness=Settings(
                    disabled=frozenset(self.config.readiness.disabled_checks),
                    required=dict(self.config.readiness.required),
                ),
                accelerators=self.config.accelerators,
                commit_url=commit_url_of(config.repo_url),
                drift=drift_settings(
                    self.config, display_path(config.config_file_path or "mkdocs.yml", base)
                ),
            ),
            history,
            observed=observed,
            cache=self.renders,
        )
        for line in [*site.notices, *shortfalls(site.views)]:
            # A model below its required level fails --strict; so does a model whose
            # page had to move aside for the site's own files.
            log.warning(printable(line))
        for diagnostic in site.observed_diagnostics:
            # Bad observed input is a problem of the site's inputs (--strict fails);
            # drift itself is news about the clusters, shown on the pages, not a failure.
            log.warning(diagnostic.format())
        if site.drift is not None:
            log.info(_drift_summary(site))
        backlinks, self.rewritten = self._handwritten(files, site)
        self.pages = site.pages(backlinks)
        texts: dict[str, str | bytes] = {}
        aside: dict[str, tuple[str, str, list[str]]] = {}
        self.generated, self.blocks = {}, {}
        for page in self.pages:
            if files.get_file_from_path(page.src_uri) is not None:
                log.warning(
                    f"{page.src_uri} is a handwritten page at the path of a generated one: "
                    "keeping the handwritten page (change the plugin's prefix to avoid this)"
                )
                continue
            in_nav = page.listed and (page.spec is None or self.config.nav_models)
            known = self.aside.get(page.src_uri)
            if known is not None and known[0] is page.content:  # from the render cache
                markdown, blocks = known[1], known[2]
            else:
                markdown, blocks = _set_aside(page.content)
            if self.renders is not None:
                aside[page.src_uri] = (page.content, markdown, blocks)
            if blocks:
                self.blocks[page.src_uri] = blocks
            file = File.generated(
                config,
                page.src_uri,
                content=markdown,
                inclusion=InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV,
            )
            if page.spec is not None:
                file.edit_uri = edit_path(page.spec, config.docs_dir)
            files.append(file)
            self.generated[page.src_uri] = page
            texts[page.src_uri] = page.content
            if page.data is not None:  # the rows of its tables past the first ones
                files.append(File.generated(config, data_file(page.src_uri), content=page.data))
                texts[data_file(page.src_uri)] = page.data
        self.aside = aside
        for src_uri, text in site.files().items():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=text))
                texts[src_uri] = text
            elif src_uri in (MODELS_JSON, SCHEMA_JSON, MODELS_SCHEMA) or src_uri.startswith(
                ASSET_FOLDER
            ):
                log.warning(
                    f"{src_uri} is a handwritten file at the path of one the plugin "
                    "publishes: keeping the handwritten file"
                )
        invalid = sum(1 for s in specs if not s.valid)
        self.stats = f"{len(specs)} specs ({read} read), {invalid} invalid, "
        self.stats += f"{len(catalog.diagnostics)} problems"
        if self.renders is not None:
            self.stats += f", {self.renders.rendered} of {len(self.pages)} pages rendered"
        if self.dirty is not None:
            self.dirty.plan(
                files, texts, {src_uri: r.markdown for src_uri, r in self.rewritten.items()}
            )
        self.spent += time.perf_counter() - started
        return files

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            if self.dirty is not None:
                self.dirty.finish(config)
            # One line per build; `benchmarks/build.py` reads the time from it.
            log.info(f"{self.stats}; plugin time {self.spent:.2f} s")
            self.built += 1

    def on_build_error(self, *, error: Exception) -> None:
        if self.dirty is not None:
            self.dirty.failed()

    def _handwritten(
        self, files: Files, site: Site
    ) -> tuple[dict[str, list[Backlink]], dict[str, _Rewritten]]:
        """The handwritten pages that link to or embed each model, by page name; and
        what the ``modelspec:`` references of each page give."""
        found: dict[str, list[Backlink]] = defaultdict(list)
        rewritten: dict[str, _Rewritten] = {}
        for file in files.documentation_pages():
            if file.generated_by is not None:
                continue
            try:
                text = file.content_string
            except (OSError, UnicodeError):
                continue  # MkDocs reports the file itself
            if "modelspec:" not in text:
                continue
            heading = _H1.search(text)
            title = heading.group(1) if heading else file.src_uri
            for ref in scan(text):
                if ref.kind in ("link", "card", "section") and ref.args:
                    view = site.find(ref.args[0])
                    if view is not None and all(
                        b.src_uri != file.src_uri for b in found[view.slug]
                    ):
                        found[view.slug].append(Backlink(file.src_uri, title))
            body = meta.get_data(text)[0]  # as MkDocs reads the page
            rewritten[file.src_uri] = _Rewritten(body, *rewrite_page(site, body, file.src_uri))
        return found, rewritten

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        site = self.site
        if site is None or page.file.src_uri in self.generated or "modelspec:" not in markdown:
            return None
        started = time.perf_counter()
        try:
            done = self.rewritten.get(page.file.src_uri)
            if done is None or done.source != markdown:  # another plugin changed it
                done = _Rewritten(markdown, *rewrite_page(site, markdown, page.file.src_uri))
            where = os.path.relpath(page.file.abs_src_path or page.file.src_uri)
            for mistake in done.mistakes:
                log.warning(printable(f"{where}:{mistake.line}: {mistake.message}"))
            return done.markdown
        finally:
            self.spent += time.perf_counter() - started

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri not in self.generated:
            return None
        blocks = self.blocks.get(page.file.src_uri)
        if blocks:
            _anchors(blocks, page)
            # The tables now, for the search index; the listing and the graphs after it.
            html_text = _put_back(html_text, blocks, of_tables=True)
        # The toc extension unescapes heading text into the table of contents, which
        # themes (and the search index) then print as HTML. A heading of a generated
        # page can hold text from a spec: escape it again there.
        _escape_toc(page.toc)
        autorefs = config.plugins.get("autorefs")
        spec_page = self.generated[page.file.src_uri]
        if autorefs is not None and spec_page.spec is not None:
            _register(autorefs, page, spec_page.title)
        return html_text

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        if not self.config.enabled:
            return None
        if self.config.nav_models:
            self._nav_models(nav, files)
        if self.dirty is not None:
            titles = {page.src_uri: page.title for page in self.pages if page.spec is not None}
            self.dirty.navigate(nav, config, titles)
        return nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self.dirty is not None:
            self.dirty.restore_titles(files)
        if self.serving and env.bytecode_cache is None:
            # MkDocs makes the theme's template environment anew for each rebuild, and
            # compiling the theme's templates again took a tenth of each.
            env.bytecode_cache = self.compiled
        return env

    @event_priority(-100)  # after the search plugins: they index the page without them
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.dirty is not None:
            self.dirty.wrote(page)
        blocks = self.blocks.get(page.file.src_uri)
        if blocks and page.content is not None:
            # The listing and the graphs are out of the search index anyway
            # (data-search-exclude); put back now, the search plugins do not parse them:
            # a fifth of the time Material's search spent on a model page.
            page.content = _put_back(page.content, blocks, of_tables=False)
        return None

    def _nav_models(self, nav: Navigation, files: Files) -> None:
        """A "Models by team" section at the end of the navigation."""
        teams: dict[str, list[Any]] = {}
        for page in self.pages:
            if page.spec is None or page.src_uri not in self.generated:
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

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled:
            for path in self.observed or []:
                if os.path.exists(path):
                    server.watch(path)
            self.watch = _SpecsWatch(server, self.roots)
            # The first build is over and no edit waits yet: the garbage collector's
            # one long walk now, not in the first rebuild an author waits for.
            _settle()
        return server


class _Compiled(jinja2.BytecodeCache):
    """The theme's templates compiled by earlier builds of `mkdocs serve`, in memory
    (Jinja compiles a template again when its source changed)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


def _settle() -> None:
    """Under `mkdocs serve`, once the first build is over (before the server starts):
    collect what it left, then let the garbage collector leave alone what is left (the
    specs read, the pages kept), which the rebuilds keep.

    Each rebuild makes enough new objects for one full collection, which walks every
    object: 2.5 seconds of a rebuild at 10,000 specs, most of them spent on objects
    that outlive it. Objects set aside so are still freed when nothing refers to them.
    """
    gc.collect()
    gc.freeze()


def _set_aside(markdown: str) -> tuple[str, list[str]]:
    """A generated page's Markdown with a placeholder for each big raw HTML block, and
    the blocks.

    Python-Markdown would parse each block's HTML to pass it through, and MkDocs again
    to find its ids: for a source listing of a hundred lines, a tenth of the time
    MkDocs spends on a model page. The page's HTML is the same.
    """
    if not any(start in markdown for start in _BLOCKS):
        return markdown, []
    lines = markdown.split("\n")
    blocks: list[str] = []
    for number, line in enumerate(lines):
        if line.startswith(_BLOCKS):
            lines[number] = _PLACEHOLDER.format(len(blocks))
            blocks.append(line)
    return "\n".join(lines), blocks


def _anchors(blocks: list[str], page: Page) -> None:
    """The ids of the blocks :func:`_set_aside` took out, among the page's anchors, as
    MkDocs would have found them (``on_page_content``)."""
    anchors = page.present_anchor_ids
    if anchors is not None:
        anchors.update(unescape(found) for block in blocks for found in _ID.findall(block))


def _put_back(html_text: str, blocks: list[str], *, of_tables: bool) -> str:
    """The blocks :func:`_set_aside` took out, back in the page's HTML: the tables, or
    the others (listings, graphs)."""
    for number, block in enumerate(blocks):
        if block.startswith(tables.BLOCK) == of_tables:
            html_text = html_text.replace(_PLACEHOLDER.format(number), block, 1)
    return html_text


@dataclass(frozen=True)
class _Rewritten:
    """A handwritten page's Markdown (as MkDocs reads it) with its ``modelspec:``
    references made into links and embeds."""

    source: str
    markdown: str
    mistakes: list[Mistake]


def _drift_summary(site: Site) -> str:
    """One line: how many models drift, are not seen, run as declared."""
    statuses = [v.drift.status for v in site.views if v.drift is not None]
    unmatched = len(site.drift.unmatched) if site.drift is not None else 0

    def count(number: int, word: str) -> str:
        return f"{number} {word}{'' if number == 1 else 's'}"

    return (
        f"declared vs running: {count(statuses.count('drift'), 'model')} with drift, "
        f"{statuses.count('not seen')} not seen running, {statuses.count('match')} as "
        f"declared; {count(unmatched, 'workload')} running, not declared"
    )


class _SpecsWatch:
    """Keeps ``mkdocs serve`` watching each specs folder, even one that is deleted and
    made again, or that did not exist when the server started.

    MkDocs' watch of a folder ends when the folder is deleted (watchdog stops
    polling it). The folder that holds each specs folder is watched too, without its
    subfolders; when a specs folder appears, disappears or is replaced there, its
    watch is set up again and the site rebuilt.
    """

    def __init__(self, server: Any, roots: list[str]) -> None:
        self.server = server
        self.armed: dict[str, tuple[int, int] | None] = {}
        self.lock = threading.Lock()
        for root in roots:
            self._arm(root)
        handler = FileSystemEventHandler()
        handler.on_any_event = self._changed  # type: ignore[method-assign]
        for parent in sorted({os.path.dirname(root) for root in roots}):
            if os.path.isdir(parent):
                server.observer.schedule(handler, parent, recursive=False)

    def _arm(self, root: str) -> None:
        now = _identity(root)
        if self.armed.get(root) is not None:
            self.server.unwatch(root)
        if now is not None:
            self.server.watch(root)
        self.armed[root] = now

    def _changed(self, event: Any) -> None:
        with self.lock:
            moved = [root for root, seen in self.armed.items() if _identity(root) != seen]
            for root in moved:
                self._arm(root)
        if moved:
            log.info(f"specs folder changed: {', '.join(printable(r) for r in moved)}")
            _request_rebuild(self.server)


def _identity(folder: str) -> tuple[int, int] | None:
    """Which folder is at this path now (None when there is none)."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def _request_rebuild(server: Any) -> None:
    """Ask the live-reload server for a rebuild, as its own watches do (MkDocs and
    ProperDocs 1.6 have no public call for it)."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None:  # pragma: no cover - another server: its watches still work
        return
    with condition:
        server._want_rebuild = True
        condition.notify_all()


def _escape_toc(items: Any) -> None:
    for item in items:
        item.title = html(item.title)
        _escape_toc(item.children)


def _register(autorefs: Any, page: Page, name: str) -> None:
    """Make ``[NAME][]`` resolve to the model's page, as autorefs does for its own ids."""
    heading = next(iter(page.toc), None)  # the page's title heading
    anchor = heading.id if heading is not None else None
    try:
        autorefs.register_anchor(page, name, anchor, title=html(name), primary=True)
    except TypeError:  # autorefs before 1.0 took the page's URL
        autorefs.register_anchor(page.url, name)
