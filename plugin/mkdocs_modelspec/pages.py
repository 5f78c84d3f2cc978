"""Catalog -> everything the site gains: pages (Markdown), downloads, embeds.

One :class:`Site` makes it all (the exports, such as ``models.json``, come from
``exports.py``); the plugin hands the results to MkDocs as in-memory files,
``modelspec generate`` and ``modelspec export`` write them to disk. Both
therefore publish the same content at the same paths.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing as mp
import os
import posixpath
import stat
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from . import __version__, collector
from .capacity import Accelerators, Capacity, assess
from .catalog import Catalog
from .diagnostics import Diagnostic
from .drift import Report, age_text, compare
from .drift import Settings as DriftSettings
from .exports import (
    MODELS_SCHEMA,
    catalog_document,
    exported,
    model_entry,
    models_json,
    models_schema,
    to_json,
)
from .format import json_schema
from .history import NOT_READ, History
from .loading import SpecFile, default_jobs, in_workers
from .names import shown, slugify
from .observed import Observations
from .readiness import Score, Settings, Subject, evaluate, exemptions
from .rendering import ASSETS, environment, render
from .rendering.tables import Tables
from .views import ModelView, Sources, dependency, model_views
from .views.changes import changes_page
from .views.drift import drift_page, drift_section
from .views.fields import declared_paths, fields_page
from .views.governance import governance_page
from .views.graph import SPLIT_AT, graph_page, neighbourhood, splits
from .views.hardware import hardware_page, type_key
from .views.index import CATALOG_DATA, catalog_data, catalog_page, catalog_row
from .views.model import SECTIONS, model_page
from .views.ownership import ownership_page
from .views.problems import problems_page
from .views.scorecards import scorecards_page

#: The overview pages: (file name, navigation title, template).
OVERVIEWS = (
    ("index.md", "Catalog", "catalog.md.jinja"),
    ("hardware.md", "Hardware matrix", "hardware.md.jinja"),
    ("ownership.md", "Ownership", "ownership.md.jinja"),
    ("governance.md", "Governance", "governance.md.jinja"),
    ("scorecards.md", "Readiness scorecards", "scorecards.md.jinja"),
    ("drift.md", "Declared vs running", "drift.md.jinja"),
    ("changes.md", "Recent changes", "changes.md.jinja"),
    ("graph.md", "Dependency graph", "graph.md.jinja"),
    ("fields.md", "Field reference", "fields.md.jinja"),
    ("problems.md", "Problems", "problems.md.jinja"),
)
_TEMPLATES = {name: template for name, _, template in OVERVIEWS}
_ABOUT = ("metadata.description", "metadata.version")
#: What the site works out for each model (``Site._worked_out``), by name.
WORKED_OUT = ("where", "team", "owner", "contact", "score", "capacity", "written", "drift")
#: In :data:`NOT_SHOWN`: the page shows which fields a spec declares, not their values.
VALUES = "values"
_FOUND = ("score", "capacity", "drift")
_LISTED = (*_FOUND, "written", "owner", "contact")
#: What each overview page does not show: parts of the specs (dotted paths), of what
#: the site works out for each model (names of :data:`WORKED_OUT`), or the values of the
#: fields (:data:`VALUES`). An edit that changes
#: only these leaves the page as it is, and ``mkdocs serve`` does not render it again. A
#: test (``tests/test_incremental.py``) edits every field of a spec and checks each
#: page against this.
NOT_SHOWN: dict[str, tuple[str, ...]] = {
    # The catalog page: its first rows and its counts (its data file is made apart).
    "index.md": (
        *_ABOUT,
        "capacity",
        "written",
        "spec.operations",
        "spec.pipeline",
        "spec.governance",
    ),
    "hardware.md": (
        *_ABOUT,
        "score",
        "drift",
        "spec.identity.model.artifacts",
        "spec.operations.serving",
        "spec.operations.observability",
        "spec.pipeline",
        "spec.governance",
    ),
    "ownership.md": (
        *_ABOUT,
        *_FOUND,
        "written",
        "spec.identity",
        "spec.runtime",
        "spec.operations",
        "spec.pipeline",
        "spec.governance.cost",
        "spec.governance.compliance.pii",
        "spec.governance.compliance.retention",
    ),
    "governance.md": (*_ABOUT, *_FOUND, "spec.identity", "spec.runtime", "spec.operations"),
    "scorecards.md": (*_ABOUT, "capacity", "drift", "written", "spec"),
    "drift.md": (*_ABOUT, "score", "capacity"),
    "changes.md": (*_ABOUT, *_LISTED, "spec"),
    "graph.md": (
        *_ABOUT,
        *_LISTED,
        "spec.identity",
        "spec.runtime",
        "spec.operations",
        "spec.governance",
    ),
    "fields.md": (*_LISTED, "team", VALUES),
    "problems.md": (*_ABOUT, *_LISTED, "spec"),
}
_TITLES = {name: title for name, title, _ in OVERVIEWS}
#: Site-root paths of the exports.
MODELS_JSON = "models.json"
SCHEMA_JSON = "schemas/modelspec-v1alpha1.json"
ASSET_FOLDER = "assets/modelspec/"
ASSET_NAMES = ("modelspec.css", "modelspec.js")


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
    readiness: Settings = field(default_factory=Settings)
    """Checks turned off, and the level required per environment."""
    accelerators: Mapping[str, float] = field(default_factory=dict)
    """Accelerator memory (GB) added to or overriding the built-in table."""
    commit_url: str | None = None
    """The address of a commit, ``{}`` for its hash (from the site's ``repo_url``):
    commit hashes on the pages link there."""
    drift: DriftSettings = field(default_factory=DriftSettings)
    """How workloads are linked to specs, and when observed facts are stale."""
    markdown_links: bool = False
    """Whether the tables of the overview pages are Markdown with links to Markdown
    files (``modelspec generate``: the tool that builds the pages resolves them, each
    its own way) rather than HTML with links to the pages' addresses (the plugin:
    MkDocs resolves no link in raw HTML)."""


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
    listed: bool = True
    """False for pages reached only from another generated page (the parts of a
    split dependency graph): they stay out of the navigation."""
    data: str | None = None
    """The page's data file (:func:`data_file`): the rows of its tables past the first
    ones, on a page of many (``rendering/tables.py``)."""


T = TypeVar("T")


def _kept(
    store: Mapping[str, tuple[Any, T]], page: str, key: Any, make: Callable[..., T], *args: Any
) -> tuple[Any, T]:
    """What ``store`` kept for a model's page with the page's inputs ``key``, or
    ``(key, make(*args))`` when they changed. A page not rendered again keeps its inputs'
    object: no comparison then."""
    known = store.get(page)
    if known is None or (known[0] is not key and known[0] != key):
        known = (key, make(*args))
    return known


def data_file(src_uri: str) -> str:
    """The path of a page's data file: ``models/governance.md`` ->
    ``models/governance.rows.json``."""
    return src_uri.removesuffix(".md") + ".rows.json"


@dataclass(frozen=True)
class Backlink:
    """A handwritten page that links to or embeds a model."""

    src_uri: str
    title: str


def commit_url_of(repo_url: Any) -> str | None:
    """Where a commit of the site's repository is shown (``{}``: its hash): GitHub,
    GitLab and Gitea serve ``REPO/commit/HASH``, Bitbucket ``REPO/commits/HASH``."""
    if not isinstance(repo_url, str) or not repo_url.startswith(("https://", "http://")):
        return None
    base = repo_url.rstrip("/").removesuffix(".git")
    return base + ("/commits/{}" if "bitbucket.org" in base else "/commit/{}")


@dataclass
class RenderCache:
    """The Markdown of the pages rendered by earlier builds of one ``mkdocs serve``,
    each with the inputs it was rendered from (see :meth:`Site.pages`)."""

    settings: Any = None
    """The options and template files every entry was rendered with."""
    models: dict[str, tuple[Any, str]] = field(default_factory=dict)
    """Model pages by file name: (inputs, Markdown)."""
    overviews: dict[str, tuple[Any, list[Page]]] = field(default_factory=dict)
    """Each overview page (with the parts of the graph page) with its inputs."""
    rendered: int = 0
    """Pages the last build rendered; the others came from here."""
    env: Any = None
    """The template environment of ``settings``, with the templates it compiled."""
    written: dict[str, dict[tuple[str | int, ...], str]] = field(default_factory=dict)
    """The numbers of each spec text as written (``ModelView.written``)."""
    inputs: dict[str, tuple[str | None, dict[str, Any], dict[tuple[str, ...], Any]]] = field(
        default_factory=dict
    )
    """By spec file: its text, what the site worked out for it, and its data less
    each overview page's :data:`NOT_SHOWN`."""
    scored: Any = None
    """The options (and required level) the scores were worked out with."""
    scores: dict[str, tuple[Any, Capacity, Score]] = field(default_factory=dict)
    """By spec file: the inputs of its readiness, its capacity and its readiness."""
    entries: dict[str, tuple[Any, str]] = field(default_factory=dict)
    """Each model's entry of ``models.json`` (JSON text), by page, with the inputs of
    its page (which cover the entry's)."""
    downloads: dict[str, str] = field(default_factory=dict)
    """Each spec's JSON download, by spec text."""
    graphs: dict[str, tuple[Any, Page]] = field(default_factory=dict)
    """Each part of a split dependency graph, by page, with the graph it draws."""
    rows: dict[str, tuple[Any, list[Any]]] = field(default_factory=dict)
    """Each model's row of the catalog's data file, by page, with its page's inputs."""


def _template_files(folder: str | None) -> tuple[tuple[str, int, int], ...] | None:
    """Each file of a custom templates folder with its modification time and size."""
    if folder is None:
        return None
    found = []
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            with contextlib.suppress(OSError):
                info = os.stat(path)
                found.append((path, info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


def _shown(worked_out: dict[str, Any], data: Any, hidden: Sequence[str]) -> tuple[Any, Any]:
    """What an overview page may show of one model: what the site worked out for it
    and its spec's data, less ``hidden`` (see :data:`NOT_SHOWN`); the numbers as
    written, less those of the hidden fields (a new replica count leaves the
    governance page, which shows costs as written, as it is)."""
    fields = [tuple(path.split(".")) for path in hidden if path not in WORKED_OUT]

    def part(name: str, value: Any) -> Any:
        if name != "written" or not fields:
            return value
        return {k: v for k, v in value.items() if not any(k[: len(f)] == f for f in fields)}

    shown = tuple(part(name, value) for name, value in worked_out.items() if name not in hidden)
    if VALUES in hidden:
        return shown, frozenset(declared_paths(data))
    return shown, _without(data, [path for path in hidden if path not in WORKED_OUT])


def _without(data: Any, paths: Sequence[str]) -> Any:
    """A spec's data less the fields at ``paths`` (copied where it changes)."""
    if not paths or not isinstance(data, dict):
        return data
    top = dict(data)
    for path in paths:
        node = top
        *parents, last = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                break
            node[part] = node = dict(child)
        else:
            node.pop(last, None)
    return top


def _ages(workloads: Iterable[Any], now: Any) -> tuple[str | None, ...]:
    """How old each workload's facts read on a page (``3 days ago``): the same facts
    read differently as time passes."""
    return tuple(age_text(w.workload.observed_at, now) for w in workloads)


def _report_inputs(report: Report[ModelView] | None) -> Any:
    """What the observed data gives the overview pages (None: not read)."""
    if report is None:
        return None
    observed = report.observations
    ages = tuple(age_text(w.observed_at, report.now) for w in observed.workloads)
    return observed, report.settings, report.unmatched, report.diagnostics, ages


def normalise_prefix(prefix: str) -> str:
    """``models``, ``/models/`` -> ``models/``; ``""`` -> ``""`` (the docs folder itself)."""
    parts = [p for p in prefix.replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ValueError(f"the pages' folder must stay inside the docs folder: {prefix!r}")
    return "/".join(parts) + "/" if parts else ""


def _owned_page_names(prefix: str) -> dict[str, str]:
    """Page names a model cannot have in the pages' folder ``prefix``, because a page or
    download of it would replace a file the site itself publishes there (``models``
    when the prefix is empty: ``models.json``), each with that file."""
    owned = {}
    for path in (MODELS_JSON, SCHEMA_JSON, MODELS_SCHEMA, *(ASSET_FOLDER + n for n in ASSET_NAMES)):
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            stem, _, extension = rest.rpartition(".")
            if "/" not in rest and extension in ("md", "yaml", "json"):
                owned[stem] = path
    return owned


class Site:
    """The catalog as a site: its views, and what each page and file holds."""

    def __init__(
        self,
        catalog: Catalog,
        options: Options,
        history: History | None = None,
        *,
        min_level: str | None = None,
        observed: Observations | None = None,
        cache: RenderCache | None = None,
    ) -> None:
        """``history`` is the specs' git history (None: not read); ``min_level``
        replaces the levels the options require (``modelspec check --min-level``);
        ``observed`` is what runs (None: the site reads no observed data); ``cache``
        holds what the builds before this one worked out and rendered (under ``mkdocs
        serve``: see :meth:`pages`)."""
        self.catalog = catalog
        self.options = options
        self.cache = cache
        #: The inputs of each model page, by page, once the pages are made with a cache.
        self._keys: dict[str, Any] | None = None
        self.prefix = normalise_prefix(options.prefix)
        self.env = environment(options.custom_templates)
        self.env.globals["commit_url"] = options.commit_url
        owned = _owned_page_names(self.prefix)
        self.views = model_views(catalog, options.sources, frozenset(owned))
        #: Warnings for the build log: models whose page name the site's own files took.
        self.notices = [
            f"model {shown(view.name)} has the page {self.prefix}{view.slug}: its name "
            f"would have put one of its files at {owned[view.wanted]}, which the "
            "site itself publishes (rename the model, or change the plugin's prefix)"
            for view in self.views
            if view.wanted in owned
        ]
        self.by_spec = {v.spec: v for v in self.views}
        self.history = history or NOT_READ
        self.table = Accelerators(options.accelerators)
        self._score(min_level)
        self.drift = self._compare(observed) if observed is not None else None
        self._by_name: dict[str, ModelView] = {}
        for view in self.views:
            if view.spec.name is not None:
                self._by_name.setdefault(view.spec.name, view)
        self._by_slug = {v.slug: v for v in self.views}

    def _score(self, min_level: str | None) -> None:
        """Capacity and readiness of every model, once per build (with a cache, only
        of the models whose inputs changed)."""
        kept = None
        if self.cache is not None:
            if self.cache.scored != (self.options, min_level):
                self.cache.scored, self.cache.scores = (self.options, min_level), {}
            kept = self.cache.scores
        score(self.views, self.catalog, self.options, min_level, self.table, kept=kept)

    def _compare(self, observed: Observations) -> Report[ModelView]:
        """Each model beside the workloads linked to it (see ``drift.py``)."""
        with collector.paused():  # as in scoring: many small objects, none cyclic
            report = compare(
                ((v, v.spec.name, v.data) for v in self.views),
                observed,
                self.options.drift,
                self.table,
            )
            for view in self.views:
                view.drift = drift_section(report.models[view], report)
        return report

    @property
    def observed_diagnostics(self) -> list[Diagnostic]:
        """Problems in the observed data and in the links to specs."""
        return self.drift.diagnostics if self.drift is not None else []

    def find(self, name: str) -> ModelView | None:
        """A model by ``metadata.name`` (or by its page name)."""
        return self._by_name.get(name) or self._by_slug.get(slugify(name))

    def url(self, view: ModelView) -> str:
        """The URL of a model's page, relative to the site root."""
        if self.options.directory_urls:
            return f"{self.prefix}{view.slug}/"
        return f"{self.prefix}{view.slug}.html"

    def _link_to(
        self, page: str, fragment: str = "", query: Mapping[str, str] | None = None
    ) -> str:
        """The address of a generated page (``index.md``, ``NAME.md``), with a query
        and a fragment, from a model page: for links in raw HTML, which MkDocs does
        not resolve."""
        name = page.removesuffix(".md")
        if self.options.directory_urls:
            address = "../" if name == "index" else f"../{name}/"
        else:
            address = f"{name}.html"
        if query:
            address += "?" + urlencode(dict(query))
        return address + (f"#{fragment}" if fragment else "")

    def _href(self, view: ModelView) -> str:
        # Markdown links are resolved by MkDocs; links inside SVG are not, so they are
        # written as the browser needs them, from a page of the generated folder (as
        # xlink:href, which Zensical leaves alone too: see ``rendering/svg.py``).
        return f"../{view.slug}/" if self.options.directory_urls else f"{view.slug}.html"

    # --- pages -----------------------------------------------------------------

    def pages(self, backlinks: Mapping[str, Sequence[Backlink]] | None = None) -> list[Page]:
        """Every generated page: the overview pages first, then one page per model.

        ``backlinks`` maps a model's page name to the handwritten pages that link to
        or embed it (shown as "referenced by"). With the site's ``cache`` (kept across
        the rebuilds of ``mkdocs serve``), a page whose inputs did not change since
        the last build is not rendered again.
        """
        if self.cache is None:
            overviews, models = self._contents(backlinks or {})
        else:
            overviews, models = self._cached_contents(backlinks or {}, self.cache)
        return overviews + [
            Page(self.prefix + view.page, view.name, text, view.spec, view.team)
            for view, text in zip(self.views, models, strict=True)
        ]

    def _contents(
        self, backlinks: Mapping[str, Sequence[Backlink]]
    ) -> tuple[list[Page], list[str]]:
        """The overview pages, and the Markdown of every model page (as ``views``).

        Rendering is most of the plugin's time in a build, and MkDocs keeps one core
        busy: with many models, and when this process runs no other thread (``mkdocs
        serve`` does, and threads do not survive a fork), the pages are rendered by
        forked processes that inherit the catalog and send back text.
        """
        count = len(self.views)
        jobs = default_jobs()
        step = max(1, -(-count // (jobs * 4)))
        tasks = [(name, 0, 0) for name, _, _ in OVERVIEWS]
        tasks += [("", start, start + step) for start in range(0, count, step)]
        if (
            jobs < 2
            or count < PARALLEL_FROM
            or threading.active_count() > 1
            or "fork" not in mp.get_all_start_methods()
        ):
            parts = [self._render(task, backlinks) for task in tasks]
        else:
            _RENDERING.append((self, backlinks))
            try:
                parts = in_workers(_render_task, [(task,) for task in tasks], jobs)
            finally:
                _RENDERING.clear()
        overviews = [page for part in parts for page in part if isinstance(page, Page)]
        models = [text for part in parts for text in part if isinstance(text, str)]
        return overviews, models

    def _cached_contents(
        self, backlinks: Mapping[str, Sequence[Backlink]], cache: RenderCache
    ) -> tuple[list[Page], list[str]]:
        """As :meth:`_contents`, rendering only the pages whose inputs changed.

        A model page's inputs are its spec and what the site worked out for it (page
        name, team, owner, readiness, capacity, drift, problems, history), the name,
        page and team of each model it links to or that links to it (with that
        dependency as the other spec declares it), and the handwritten pages that
        reference it. An overview page's inputs are what the site worked out for
        every model and each spec's data, less the parts the page does not show
        (:data:`NOT_SHOWN`). Options or templates that changed empty the cache.
        """
        settings = (self.options, _template_files(self.options.custom_templates))
        if cache.settings != settings:
            cache.settings, cache.models, cache.overviews = settings, {}, {}
            cache.env, cache.inputs, cache.entries, cache.graphs = self.env, {}, {}, {}
            cache.rows = {}
        self.env = cache.env  # its templates compiled once
        for view in self.views:  # the numbers as written, read once per spec text
            numbers = cache.written.get(view.spec.source or "")
            if numbers is not None:
                view.__dict__["written"] = numbers
        worked_out, shown = self._inputs(cache)
        cache.rendered = 0
        overviews: list[Page] = []
        for name, _, _ in OVERVIEWS:
            extra = (
                self.history
                if name == "changes.md"
                else _report_inputs(self.drift)
                if name in ("drift.md", "problems.md")
                else None
            )
            inputs = (self.catalog.diagnostics, shown[NOT_SHOWN.get(name, ())], extra)
            done = cache.overviews.get(name)
            if done is None or done[0] != inputs:
                made = [p for p in self._render((name, 0, 0), backlinks) if isinstance(p, Page)]
                done = cache.overviews[name] = (inputs, made)
                cache.rendered += len(made)
            overviews += done[1]
        models: dict[str, tuple[Any, str]] = {}
        for view, own in zip(self.views, worked_out, strict=True):
            key = (
                own,
                view.spec.source,
                self.history.of(view.spec),
                self._around(view),
                tuple(backlinks.get(view.slug, ())),
            )
            previous = cache.models.get(view.page)
            if previous is None or previous[0] != key:
                previous = (key, self._model_content(view, backlinks))
                cache.rendered += 1
            models[view.page] = previous
        cache.models = models
        self._keys = {page: key for page, (key, _) in models.items()}
        cache.written = {
            view.spec.source: view.__dict__["written"]
            for view in self.views
            if view.spec.source and "written" in view.__dict__
        }
        return overviews, [text for _, text in models.values()]

    def _inputs(
        self, cache: RenderCache
    ) -> tuple[list[dict[str, Any]], dict[tuple[str, ...], list[Any]]]:
        """What the site worked out for each model; and for each overview page, that
        and the spec's data less what the page does not show (:data:`NOT_SHOWN`).

        What did not change since the last build is the object kept from it: the
        comparisons of the pages' inputs are then of identical objects, quick at
        10,000 models.
        """
        hidden_parts = sorted(set(NOT_SHOWN.values()) | {()})
        known, kept = cache.inputs, {}
        worked_out: list[dict[str, Any]] = []
        shown: dict[tuple[str, ...], list[Any]] = {hidden: [] for hidden in hidden_parts}
        for view in self.views:
            spec = view.spec
            made = self._worked_out(view)
            before = known.get(spec.path)
            if before is not None and before[0] == spec.source and before[1] == made:
                made, parts = before[1], before[2]
            else:
                parts = {hidden: _shown(made, view.data, hidden) for hidden in hidden_parts}
            kept[spec.path] = (spec.source, made, parts)
            worked_out.append(made)
            for hidden in hidden_parts:
                shown[hidden].append(parts[hidden])
        cache.inputs = kept
        return worked_out, shown

    def _worked_out(self, view: ModelView) -> dict[str, Any]:
        """What the site worked out for a model (:data:`WORKED_OUT`)."""
        spec = view.spec
        drift = view.drift
        return {
            "where": (
                spec.path,
                spec.root,
                spec.display,
                spec.conforms,
                tuple(spec.diagnostics),
                view.slug,
                view.name,
            ),
            "team": view.team,
            "owner": view.owner,
            "contact": view.contact,
            "score": view.score,
            "capacity": view.capacity,
            "written": view.written,
            "drift": None
            if drift is None
            else (drift.model, _ages(drift.model.workloads, drift.now)),
        }

    def _around(self, view: ModelView) -> tuple[Any, ...]:
        """What a model's page shows of the models it links to and that link to it."""
        by_spec = self.by_spec

        def brief(spec: SpecFile) -> tuple[str, str, str | None]:
            other = by_spec[spec]
            return other.slug, other.name, other.team

        return (
            tuple(
                (link.index, link.spec_ref, None if link.target is None else brief(link.target))
                for link in self.catalog.links.get(view.spec, ())
            ),
            tuple(
                (brief(link.source), link.index, dependency(link.source.data, link.index))
                for link in self.catalog.dependents.get(view.spec, ())
            ),
        )

    def _render(
        self, task: tuple[str, int, int], backlinks: Mapping[str, Sequence[Backlink]]
    ) -> list[Page] | list[str]:
        """An overview page (``task`` names it) and the pages it leads to, or the
        Markdown of the model pages from start to stop."""
        name, start, stop = task
        if name == "graph.md":
            return self._graph_pages()
        if name:
            # The page's data file, from the page (both in the generated folder).
            data = posixpath.basename(data_file(name))
            found = (
                Tables(lambda v: v.page, markdown=True)
                if self.options.markdown_links
                else Tables(self._href, f"../{data}" if self.options.directory_urls else data)
            )
            text = render(self.env, _TEMPLATES[name], page=self._overview(name), tables=found)
            text, rows = found.finish(text)
            return [Page(self.prefix + name, _TITLES[name], text, data=rows)]
        return [self._model_content(view, backlinks) for view in self.views[start:stop]]

    def _graph_pages(self) -> list[Page]:
        """The dependency graph page; past the split size, a page listing the groups
        of connected models, each drawn on a page of its own (``graph/NAME.md``): one page
        of hundreds of drawings is more than a browser opens."""
        # A part's page is one folder deeper than the model pages its nodes link to.
        deeper = splits(len(self.views), self.options.graph_split_at)
        href = (lambda v: "../" + self._href(v)) if deeper else self._href
        graphs = graph_page(
            self.views, self.catalog, self.by_spec, href, self.options.graph_split_at
        )
        parts = [(f"graph/{graph.name}.md", graph) for graph in graphs.graphs]
        pages = [
            Page(
                self.prefix + "graph.md",
                _TITLES["graph.md"],
                render(self.env, "graph.md.jinja", page=graphs, parts=parts),
            )
        ]
        if not graphs.split:
            return pages
        # Under mkdocs serve, a part whose drawing did not change is not drawn again
        # (an edit changes the parts that show the model, not the hundreds of others).
        kept = self.cache.graphs if self.cache is not None else {}
        made = {
            path: _kept(kept, path, graph, self._graph_part, path, graph) for path, graph in parts
        }
        if self.cache is not None:
            self.cache.graphs = made
        return pages + [page for _, page in made.values()]

    def _graph_part(self, path: str, graph: Any) -> Page:
        text = render(self.env, "graph_part.md.jinja", graph=graph)
        return Page(self.prefix + path, graph.title, text, listed=False)

    def _overview(self, name: str) -> Any:
        """What the template of the overview page ``name`` shows (not the graph's)."""
        catalog, views, by_spec = self.catalog, self.views, self.by_spec
        if name == "index.md":
            return catalog_page(views)
        if name == "hardware.md":
            return hardware_page(views)
        if name == "ownership.md":
            return ownership_page(views)
        if name == "governance.md":
            return governance_page(views, catalog, by_spec)
        if name == "scorecards.md":
            return scorecards_page(views, self.options.readiness)
        if name == "changes.md":
            return changes_page(views, self.history, by_spec)
        if name == "drift.md":
            return drift_page(views, self.drift)
        if name == "fields.md":
            return fields_page(views)
        assert name == "problems.md", name
        return problems_page(views, self.observed_diagnostics)

    def _model_content(self, view: ModelView, backlinks: Mapping[str, Sequence[Backlink]]) -> str:
        referenced = [
            (b.title, posixpath.relpath(b.src_uri, self.prefix or "."))
            for b in backlinks.get(view.slug, [])
        ]
        return render(
            self.env,
            "model.md.jinja",
            page=model_page(view, self.catalog, self.by_spec),
            graph=neighbourhood(view, self.catalog, self.by_spec, self._href),
            link_to=self._link_to,
            markdown_links=self.options.markdown_links,
            downloads=self.downloads(view),
            referenced=referenced,
            history=self.history.of(view.spec),
        )

    def downloads(self, view: ModelView) -> dict[str, str]:
        """The spec of a model as files beside its page: ``{"YAML": "slug.yaml", ...}``."""
        if view.spec.source is None:
            return {}
        found = {"YAML": f"{view.slug}.yaml"}
        if isinstance(view.spec.data, dict):
            found["JSON"] = f"{view.slug}.json"
        return found

    # --- files -----------------------------------------------------------------

    def files(self) -> dict[str, str]:
        """Every other file the site gains: src_uri (from the docs root) -> text."""
        # models.json is made as millions of small objects first: at 10,000 models with
        # what runs, the collector's passes over them took 1.3 s of 3.8 s.
        with collector.paused():
            return self._files()

    def _files(self) -> dict[str, str]:
        out: dict[str, str] = {
            # Compact: an indent sends json to its pure-Python encoder (ten times
            # slower), and models.json is read by programs.
            MODELS_JSON: self._models_json(),
            SCHEMA_JSON: json.dumps(json_schema(), indent=2) + "\n",
            MODELS_SCHEMA: models_schema(),
        }
        # The catalog's data, for its script: every row, sorted and filtered in the
        # browser (the page's HTML holds the first ones).
        out[self.prefix + CATALOG_DATA] = to_json(self._catalog_data())
        # Under mkdocs serve, each spec's JSON is kept by its text for the next build.
        kept = self.cache.downloads if self.cache is not None else {}
        made: dict[str, str] = {}
        for view in self.views:
            downloads = self.downloads(view)
            if "YAML" in downloads:
                out[self.prefix + downloads["YAML"]] = view.spec.source or ""
            if "JSON" in downloads:
                text = out[self.prefix + downloads["JSON"]] = self._json_download(view, kept)
                if view.spec.source is not None:
                    made[view.spec.source] = text
        if self.cache is not None:
            self.cache.downloads = made
        for name in ASSET_NAMES:
            out[ASSET_FOLDER + name] = (ASSETS / name).read_text(encoding="utf-8")
        return out

    def _models_json(self) -> str:
        """``models.json``; under ``mkdocs serve`` (a cache, and the pages made first)
        only the entries of the models whose page inputs changed are made again."""
        cache, keys = self.cache, self._keys
        if cache is None or keys is None:
            return to_json(self.export())
        entries: dict[str, tuple[Any, str]] = {}
        for view in exported(self.views):
            entries[view.page] = _kept(
                cache.entries, view.page, keys[view.page], self._entry_text, view
            )
        cache.entries = entries
        return models_json(
            catalog_document(self, models=[]), [text for _, text in entries.values()]
        )

    def _entry_text(self, view: ModelView) -> str:
        """A model's entry of ``models.json``, as text (without the line break)."""
        return to_json(model_entry(self, view))[:-1]

    def _catalog_data(self) -> dict[str, Any]:
        """The catalog's data file; under ``mkdocs serve``, a model's row is made again
        only when its page's inputs (which cover the row's) changed."""

        def href(view: ModelView) -> str:
            return f"{view.slug}/" if self.options.directory_urls else f"{view.slug}.html"

        cache, keys = self.cache, self._keys
        if cache is None or keys is None:
            return catalog_data(self.views, href)
        rows: dict[str, tuple[Any, list[Any]]] = {}

        def row(view: ModelView) -> list[Any]:
            rows[view.page] = known = _kept(
                cache.rows, view.page, keys[view.page], catalog_row, view, href
            )
            return known[1]

        found = catalog_data(self.views, href, row)
        cache.rows = rows
        return found

    def _json_download(self, view: ModelView, kept: Mapping[str, str]) -> str:
        """A spec's data as JSON; ``kept``: those of the last build, by spec text."""
        source = view.spec.source
        text = kept.get(source) if source is not None else None
        return to_json(view.spec.data) if text is None else text

    def export(self) -> dict[str, Any]:
        """The catalog as data: what ``models.json`` and ``modelspec export`` hold."""
        return catalog_document(self)

    # --- embeds ----------------------------------------------------------------

    def embed(self, kind: str, args: Sequence[str], base: str, deeper: bool = False) -> str:
        """The Markdown of an embed; raises ``ValueError`` with a message on a mistake.

        ``base`` is the way from the embedding page to the generated folder; ``deeper``
        says that the page's address is a folder below its file (``directory_urls``,
        a page other than an index).
        """
        if kind in ("card", "section"):
            if not args:
                raise ValueError(f"modelspec:{kind} needs a model name")
            view = self.find(args[0])
            if view is None:
                raise ValueError(f"unknown model {args[0]!r}")
            page = model_page(view, self.catalog, self.by_spec)
            if kind == "card":
                return render(
                    self.env, "embed_card.md.jinja", view=view, glance=page.glance, base=base
                )
            sections = dict(SECTIONS)
            if len(args) < 2 or args[1] not in page.sections:
                known = ", ".join(s for s in sections if s in page.sections)
                raise ValueError(f"modelspec:section needs a section: one of {known}")
            return render(
                self.env,
                "embed_section.md.jinja",
                view=view,
                page=page,
                anchor=args[1],
                title=sections[args[1]],
                base=base,
            )
        if kind in ("catalog", "hardware"):
            filters = _filters(args)
            chosen = [v for v in self.views if _matches(v, filters)]
            shown = ", ".join(f"{k}={v}" for k, v in filters.items()) or "(no filter)"
            if kind == "catalog":
                rows = sorted(chosen, key=lambda v: (v.name.lower(), v.slug))
                return render(
                    self.env, "embed_catalog.md.jinja", rows=rows, filters=shown, base=base
                )
            groups = hardware_page(chosen).groups
            # Links in the tables' HTML are not resolved by MkDocs: the address of each
            # model's page from the embedding page's (``deeper``: that page's address
            # is one folder below its file's, ``design/x/`` for ``design/x.md``).
            if self.options.markdown_links:
                found = Tables(lambda v: f"{base}{v.page}", markdown=True)
            elif self.options.directory_urls:
                up = "../" if deeper else ""
                found = Tables(lambda v: f"{up}{base}{v.slug}/")
            else:
                found = Tables(lambda v: f"{base}{v.slug}.html")
            text = render(
                self.env,
                "embed_hardware.md.jinja",
                groups=groups,
                filters=shown,
                base=base,
                tables=found,
            )
            return found.finish(text)[0]
        raise ValueError(f"unknown embed modelspec:{kind} (card, section, catalog, hardware)")


def score(
    views: Iterable[ModelView],
    catalog: Catalog,
    options: Options,
    min_level: str | None = None,
    table: Accelerators | None = None,
    *,
    kept: dict[str, tuple[Any, Capacity, Score]] | None = None,
) -> None:
    """Set the capacity and readiness of each of ``views`` (models of ``catalog``);
    ``min_level`` replaces the levels the options require; ``table`` is the accelerator
    table (by default, the options' one). ``kept`` holds the scores of an earlier call
    with the same options: a model whose inputs are the same keeps its own, and it is
    left holding this call's."""
    # Scoring makes a few small objects per check and spec, none cyclic.
    with collector.paused():
        _score_all(
            views,
            catalog,
            options,
            min_level,
            table or Accelerators(options.accelerators),
            kept=kept,
        )


def _score_all(
    views: Iterable[ModelView],
    catalog: Catalog,
    options: Options,
    min_level: str | None,
    table: Accelerators,
    *,
    kept: dict[str, tuple[Any, Capacity, Score]] | None = None,
) -> None:
    settings = options.readiness
    sources = options.sources
    in_cycle = {spec for cycle in catalog.cycles for spec in cycle}
    team_field, owner_field = (
        source_field(sources.team[0]) if sources.team else "metadata.labels.team",
        source_field(sources.owner[0]) if sources.owner else "metadata.annotations.owner",
    )
    fresh = {}
    for view in views:
        spec = view.spec
        errors = spec.errors
        first_error = (errors[0].path or None) if errors else None
        unresolved = tuple(
            (link.index, link.spec_ref)
            for link in catalog.links.get(spec, [])
            if link.target is None
        )
        inputs = (spec.source, spec.valid, first_error, unresolved, spec in in_cycle)
        known = kept.get(spec.path) if kept is not None else None
        if known is not None and known[0] == inputs:
            view.capacity, view.score = known[1], known[2]
        else:
            view.capacity = assess(view.data, table)
            exempt, mistakes = exemptions(view.data)
            view.score = evaluate(
                Subject(
                    data=view.data,
                    valid=spec.valid,
                    first_error=first_error,
                    team=view.team,
                    owner=view.owner,
                    team_field=team_field,
                    owner_field=owner_field,
                    unresolved=unresolved,
                    in_cycle=spec in in_cycle,
                    capacity=view.capacity,
                    exempt=exempt,
                    exempt_mistakes=tuple(mistakes),
                ),
                settings,
                view.environment,
                min_level=min_level,
            )
        fresh[spec.path] = (inputs, view.capacity, view.score)
    if kept is not None:
        kept.clear()
        kept.update(fresh)


#: Fewer model pages than this are rendered in this process alone.
PARALLEL_FROM = 300
#: The site and backlinks the forked renderers read (there only while they run).
_RENDERING: list[tuple[Site, Mapping[str, Sequence[Backlink]]]] = []


def _render_task(task: tuple[str, int, int]) -> list[Page] | list[str]:
    site, backlinks = _RENDERING[-1]
    return site._render(task, backlinks)


def generate(catalog: Catalog, options: Options) -> tuple[list[Page], list[ModelView]]:
    """Every generated page of ``catalog`` (with no backlinks), and the model views."""
    site = Site(catalog, options)
    return site.pages(), site.views


FILTERS = ("team", "accelerator", "environment")


def _filters(args: Iterable[str]) -> dict[str, str]:
    found = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep or key not in FILTERS:
            raise ValueError(f"unknown filter {arg!r}: use team=, accelerator= or environment=")
        found[key] = value
    return found


def _matches(view: ModelView, filters: Mapping[str, str]) -> bool:
    """Whether a model passes an embed's filters (letter case aside; an accelerator
    filter also takes the device name the hardware matrix groups by: ``h100``)."""
    key = type_key(view)
    values = {
        "team": {view.team or ""},
        "accelerator": {view.accelerator_type or "", key[1] if key else ""},
        "environment": {view.environment or ""},
    }
    return all(v.casefold() in {x.casefold() for x in values[k]} for k, v in filters.items())


def source_field(source: str) -> str:
    """The spec field a configured source reads (``labels.team`` -> ``metadata.labels.team``)."""
    if source.startswith(("labels.", "annotations.")):
        return "metadata." + source
    return source if source.startswith(("metadata.", "spec.")) else "spec." + source


def edit_path(spec: SpecFile, docs_dir: str) -> str:
    """The spec's path relative to the docs folder, for the page's "edit" link.

    Percent-encoded: themes join it to ``repo_url`` and print the result in an
    ``href`` as it is, and a file name may hold quotes, ``<``, ``#`` or spaces (or
    bytes that are not UTF-8: they are encoded as the bytes they are).
    """
    path = os.path.relpath(spec.path, docs_dir).replace(os.sep, "/")
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


#: The record of what ``modelspec generate`` wrote, in its output folder (a dot file:
#: MkDocs does not publish it).
MANIFEST = ".modelspec-generated.json"


@dataclass
class Written:
    """What :func:`write` did in the output folder (paths relative to it)."""

    written: list[str] = field(default_factory=list)
    """Files written, or already holding what they should."""
    kept: list[tuple[str, str]] = field(default_factory=list)
    """Files at a generated path that are not generate's own, left as they are, each
    with the reason."""
    removed: list[str] = field(default_factory=list)
    """Files generate wrote before for pages that are gone (a deleted spec)."""


class WriteError(OSError):
    """A file could not be written (a full disk, a folder that is not writable); the
    message names it."""


def write(site: Site, out_dir: Path, inputs: Mapping[str, Any] | None = None) -> Written:
    """Write every page and file under ``out_dir`` (``modelspec generate``), and only
    what is generate's own.

    ``out_dir/.modelspec-generated.json`` records each file written and a digest of
    what it held. A file at a generated path that this record does not name, or that
    changed since (a handwritten page, your own ``models.json``, a page you edited) is
    kept and reported; so is a symbolic link, and anything that is not a regular file.
    A recorded file no longer generated (the page of a deleted spec) is removed, if it
    is unchanged. Each file is written whole or not at all (written beside, then
    renamed); :class:`WriteError` says which file could not be, and the record then
    names what was written until then. ``inputs`` (what the site was made from, for
    the Markdown extension: see ``markdown.py``) is kept in the record too.
    """
    outputs = {page.src_uri: page.content for page in site.pages()} | site.files()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"cannot make the folder {out_dir}: {error.strerror}") from None
    manifest = out_dir / MANIFEST
    owned = _read_manifest(manifest)
    previous = dict(owned)
    done = Written()
    top = os.path.realpath(out_dir)
    failed: WriteError | None = None
    try:
        for src_uri, text in outputs.items():
            data = text.encode("utf-8")
            reason = _write_own(out_dir / src_uri, data, previous.get(src_uri), top)
            if reason is None:
                owned[src_uri] = _digest(data)
                done.written.append(src_uri)
            else:
                owned.pop(src_uri, None)
                done.kept.append((src_uri, reason))
        for src_uri in sorted(set(previous) - set(outputs)):
            owned.pop(src_uri, None)
            removed = _remove_own(out_dir, src_uri, previous[src_uri])
            if removed:
                done.removed.append(src_uri)
            elif removed is False:
                done.kept.append((src_uri, "changed since generated, for a spec now gone"))
    except WriteError as error:
        failed = error
    record: dict[str, Any] = {"generator": f"mkdocs-modelspec {__version__}", "files": owned}
    if inputs is not None:
        record["inputs"] = dict(inputs)
    try:  # after a failure too: the files written until then are generate's own
        save(manifest, json.dumps(record, indent=1, sort_keys=True).encode())
    except WriteError as error:
        failed = failed or error
    if failed is not None:
        raise failed
    return done


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}  # none yet (or unreadable): every file already there is kept
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_own(target: Path, data: bytes, recorded: str | None, top: str) -> str | None:
    """Write ``data`` at ``target`` if the file there is generate's own (or there is
    none); else return why it is kept."""
    parent = os.path.realpath(target.parent)
    if parent != top and not parent.startswith(top.rstrip(os.sep) + os.sep):
        return "its folder leads out of the output folder through a symbolic link"
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        return f"cannot look at it: {error.strerror}"
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            return "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        try:
            current = _digest(target.read_bytes())
        except OSError as error:
            return f"cannot read it: {error.strerror}"
        if current == _digest(data):
            return None  # already what it should be
        if recorded is None:
            return "not written by modelspec generate"
        if current != recorded:
            return "changed since modelspec generate wrote it"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return "a file stands where its folder would be"
    except OSError as error:
        raise WriteError(f"cannot make the folder {target.parent}: {error.strerror}") from None
    save(target, data)
    return None


def _remove_own(out_dir: Path, src_uri: str, recorded: str) -> bool | None:
    """Remove a file generate wrote before and no longer writes, if it is unchanged,
    then the folders that this leaves empty. False: it changed, and is kept; None:
    it is gone already."""
    target = out_dir / src_uri
    try:
        if not target.is_symlink() and not target.exists():
            return None
        if not target.is_file() or target.is_symlink() or _digest(target.read_bytes()) != recorded:
            return False
        target.unlink()
    except OSError:
        return False
    folder = target.parent
    while folder != out_dir and out_dir in folder.parents:
        try:
            folder.rmdir()  # only when empty
        except OSError:
            break
        folder = folder.parent
    return True


def save(target: Path, data: bytes) -> None:
    """Write ``target`` whole or not at all: beside it first, then renamed over it.

    What is not a regular file (a device such as ``/dev/stdout``, a named pipe, a
    symbolic link) is written into, never replaced.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if target.is_symlink() or (target.exists() and not target.is_file()):
            with open(target, "wb") as handle:
                handle.write(data)
            return
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise WriteError(f"cannot write {target}: {error.strerror or error}") from None
