"""Dirty builds (``mkdocs serve --dirty``): write again exactly the pages that change.

MkDocs' dirty mode renders a page only when its file says it is modified: for a file
in the docs folder, when it is newer than the page written from it; for a file a
plugin generates, always. :class:`DirtyBuilds` answers for the files of the site:

- a generated file is modified when its text differs from what the last build wrote
  (or its output is gone): an edit of one spec rewrites its page, the pages that show
  it (its dependencies', its dependents', the overview pages) and the downloads and
  ``models.json``, nothing else;
- a handwritten page is modified when MkDocs says so, when what its ``modelspec:``
  links and embeds turn into changed, and when a page of the site appeared or
  disappeared (a link of the page may now lead somewhere else);
- every file is modified when the navigation changed (a page added to or removed from
  it, a title in it), when ``mkdocs.yml`` changed, and after a build that failed.

It also keeps what MkDocs' dirty mode leaves stale: the navigation of the pages
written shows the titles of the pages that were not (MkDocs would show none), the
pages of deleted files are removed from the site, and the search index keeps the
entries of the pages that were not written (MkDocs' search plugin would index only
the pages written; Material's would keep the old entries of all but one of them).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import meta

#: Lines that may give a Markdown page its title: an ATX heading of level 1, the
#: line under a setext heading of level 1, an HTML ``<h1>``.
_TITLE_LINES = re.compile(r"^ {0,3}#(?!#).*$|^ {0,3}=+ *$|^.*<h1.*$", re.MULTILINE | re.IGNORECASE)


class DirtyBuilds:
    """What one process's dirty builds wrote, and what the next one must write again."""

    def __init__(self, *, serving: bool) -> None:
        self.inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
        #: Whether every file is written (the first build, a failed build, a new
        #: navigation); reset by each build that succeeds.
        self.everything = True
        #: The text of each generated file, as the last build wrote it.
        self.written: dict[str, str | bytes] = {}
        #: What the ``modelspec:`` references of each handwritten page gave.
        self.references: dict[str, str] = {}
        #: The output of every file of the last build (removed when a file is gone).
        self.outputs: dict[str, str] = {}
        #: The site's pages, the navigation and the configuration at the last build.
        self.sources: frozenset[str] = frozenset()
        self.navigation: Any = None
        #: The title and metadata of each page, as the last build that wrote it read them.
        self.titles: dict[str, tuple[str | None, dict[str, Any]]] = {}
        #: The search index of the last build (its entries, in the order of the pages).
        self.search: list[dict[str, Any]] | None = None
        # This build.
        self._changed: set[str] = set()
        self._forced: set[str] = set()
        self._files: Files | None = None
        self._texts: dict[str, str | bytes] = {}
        self._references: dict[str, str] = {}
        self._written: list[Page] = []

    # --- deciding ------------------------------------------------------------------

    def plan(
        self,
        files: Files,
        generated: Mapping[str, str | bytes],
        references: Mapping[str, str],
    ) -> None:
        """Decide which files of this build are modified (``on_files``).

        ``generated`` holds the text of every file the plugin added; ``references``
        what the ``modelspec:`` links and embeds of each handwritten page gave.
        """
        self._files, self._texts, self._references = files, dict(generated), dict(references)
        self._written = []
        sources = frozenset(f.src_uri for f in files if f.is_documentation_page())
        self._changed = {
            src_uri for src_uri, text in generated.items() if self.written.get(src_uri) != text
        }
        self._forced = {
            src_uri for src_uri, text in references.items() if self.references.get(src_uri) != text
        }
        if sources != self.sources:
            self._forced.update(
                file.src_uri
                for file in files
                if file.is_documentation_page() and file.src_uri not in generated
            )
        self.sources = sources
        for file in files:
            if file.src_uri in generated:
                file.is_modified = functools.partial(self._generated, file)  # type: ignore[method-assign]
            elif file.is_documentation_page() and file.generated_by is None:
                file.is_modified = functools.partial(  # type: ignore[method-assign]
                    self._handwritten, file, file.is_modified
                )

    def navigate(self, nav: Navigation, config: MkDocsConfig, titles: Mapping[str, str]) -> None:
        """Write every page when the navigation or the configuration changed (``on_nav``).

        ``titles`` are the titles of the generated pages; a handwritten page's title
        comes from the lines that can set it.
        """
        try:
            with open(config.config_file_path or "", "rb") as handle:
                configuration: bytes | None = handle.read()
        except OSError:
            configuration = None
        now = (configuration, _outline(nav.items, titles))
        if now != self.navigation:
            self.everything = True
        self.navigation = now

    def _generated(self, file: File) -> bool:
        if self.everything or file.src_uri in self._changed:
            return True
        return not os.path.exists(file.abs_dest_path)

    def _handwritten(self, file: File, modified: Callable[[], bool]) -> bool:
        return self.everything or file.src_uri in self._forced or modified()

    # --- after the pages are read ----------------------------------------------------

    def restore_titles(self, files: Files) -> None:
        """Give each page that was not read again its title and metadata from the build
        that wrote it (``on_env``): the navigation of the pages written shows them."""
        for file in files.documentation_pages(inclusion=self.inclusion):
            page = file.page
            if page is not None and page.markdown is None and file.src_uri in self.titles:
                title, data = self.titles[file.src_uri]
                page.title, page.meta = title, dict(data)

    def wrote(self, page: Page) -> None:
        """A page is being written (``on_page_context``)."""
        self._written.append(page)
        self.titles[page.file.src_uri] = (page.title, dict(page.meta))

    def finish(self, config: MkDocsConfig) -> None:
        """The pages are written (``on_post_build``, before the search plugin's): remove
        what deleted files left, complete the search index, and remember this build."""
        files = self._files
        if files is None:
            return
        outputs = {file.src_uri: file.abs_dest_path for file in files}
        kept = set(outputs.values())
        for src_uri, output in self.outputs.items():
            if src_uri not in outputs and output not in kept:
                _remove(output, config.site_dir)
        self.outputs = outputs
        self._index(config, files)
        self.written = self._texts
        self.references = self._references
        pages = {file.src_uri for file in files.documentation_pages(inclusion=self.inclusion)}
        self.titles = {k: v for k, v in self.titles.items() if k in pages}
        self.everything = False
        self._files, self._texts, self._references, self._written = None, {}, {}, []

    def failed(self) -> None:
        """A build failed (``on_build_error``): what it wrote is unknown, so the next
        build writes every file."""
        self.everything = True
        self.search = None
        self._files, self._texts, self._references, self._written = None, {}, {}, []

    def _index(self, config: MkDocsConfig, files: Files) -> None:
        """Give the search plugin the entries of the pages this build did not write.

        The search plugins of MkDocs and of Material index the pages as they are
        written. Before they write the index, the entries of the pages written now
        are set among those of the pages kept, in the order of the pages, as a full
        build orders them.
        """
        index = _search_entries(config)
        if index is None:
            return
        entries, keep = index
        if not self.everything and self.search is not None:
            pages = [
                file.page.url
                for file in files.documentation_pages(inclusion=self.inclusion)
                if file.page is not None
            ]
            order = {url: number for number, url in enumerate(pages)}
            written = {page.url for page in self._written}
            entries = [
                entry
                for entry in self.search
                if _page_of(entry) in order and _page_of(entry) not in written
            ] + entries
            entries.sort(key=lambda entry: order.get(_page_of(entry), len(order)))
        keep(entries)
        self.search = list(entries)


def _outline(items: Iterable[Any], titles: Mapping[str, str]) -> tuple[Any, ...]:
    """The navigation as data: what each entry is, the title it shows or what gives
    it the title, where it leads."""
    found: list[Any] = []
    for item in items:
        if item.is_section:
            found.append(("section", item.title, _outline(item.children, titles)))
        elif item.is_page:
            file = item.file
            given = item.__dict__.get("title")  # set by the nav configuration
            source = titles[file.src_uri] if file.src_uri in titles else _title_source(file)
            found.append(("page", file.src_uri, given, source))
        else:
            found.append(("link", item.title, item.url))
    return tuple(found)


def _title_source(file: File) -> Any:
    """What in a page may give it its title: its metadata, and its lines that may be
    a title."""
    try:
        text = file.content_string
    except (OSError, UnicodeError):
        return None
    body, data = meta.get_data(text)
    return repr(data), tuple(_TITLE_LINES.findall(body))


def _page_of(entry: Mapping[str, Any]) -> str:
    """The page of a search index entry (``models/x/#hardware`` -> ``models/x/``)."""
    return str(entry.get("location", "")).partition("#")[0]


def _search_entries(
    config: MkDocsConfig,
) -> tuple[list[dict[str, Any]], Callable[[list[dict[str, Any]]], None]] | None:
    """The entries the site's search plugin collected in this build, and how to set
    them (None: no search plugin this knows)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list):  # Material's search

            def material(entries: list[dict[str, Any]], plugin: Any = plugin) -> None:
                plugin.search_index.entries = entries
                plugin.search_index_prev = None  # its own merge keeps stale entries

            return index.entries, material  # type: ignore[union-attr]
        if isinstance(getattr(index, "_entries", None), list):  # MkDocs' search

            def mkdocs(entries: list[dict[str, Any]], index: Any = index) -> None:
                index._entries = entries

            return index._entries, mkdocs  # type: ignore[union-attr]
    return None


def _remove(path: str, site_dir: str) -> None:
    """Remove a file of the site, and the folders that this leaves empty."""
    try:
        os.remove(path)
    except OSError:
        return
    top = os.path.normpath(site_dir)
    folder = os.path.dirname(path)
    while folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)  # only when empty
        except OSError:
            break
        folder = os.path.dirname(folder)
