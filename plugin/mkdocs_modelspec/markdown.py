"""A Python-Markdown extension for tools that run no MkDocs plugin (Zensical, and MkDocs
or ProperDocs building ``modelspec generate`` output without the plugin): links to
models (``[text](modelspec:NAME)``) and embeds (``<!-- modelspec:card NAME -->``) on
handwritten pages, as the plugin renders them.

The models are the ones ``modelspec generate DOCS`` last wrote into the docs folder: its
record there (``.modelspec-generated.json``) names what the site was made from (spec
folders, configuration, prefix), and the extension makes the same site again, so
links lead to the generated pages and embeds show what those pages show. In the
tool's configuration (``mkdocs.yml``, or ``zensical.toml``'s
``[project.markdown_extensions."mkdocs_modelspec.markdown"]``)::

    markdown_extensions:
      - mkdocs_modelspec.markdown

The pages generate writes need the extension too, for one kind of link: a link in raw
HTML to another generated page (the team on a model page's header card). No address
there works in every tool: MkDocs keeps it as written, an address from the page's own
(``../?team=search``); Zensical reads it as a file relative to the Markdown file and
rewrites it, which lands one folder up with directory URLs. Generate writes the
address and, in ``data-modelspec-md``, the Markdown file (``index.md?team=search``); the
extension keeps the address for MkDocs and ProperDocs and the file for Zensical.

Options: ``docs_dir``, the folder generate wrote into, when the tool does not say
which page it renders (the page is then taken to sit at the top of that folder).
A mistake (an unknown model, a section a model does not have) is logged as a
warning naming page and line, on the ``mkdocs.plugins.modelspec`` logger, which
``mkdocs build --strict`` counts.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from .diagnostics import printable

if TYPE_CHECKING:
    from .pages import Site

log = logging.getLogger("mkdocs.plugins.modelspec")

#: Before the fenced code and the HTML blocks are put aside (priorities 25 and 20):
#: the embeds are HTML comments, and the rewriting knows code blocks itself.
PRIORITY = 29

#: The attribute that names, beside the address of a link in raw HTML, the Markdown
#: file it leads to (written by ``modelspec generate``; see the module's docstring).
MARKDOWN_HREF = "data-modelspec-md"
# Both values are HTML-escaped by the page's writer: neither holds a double quote.
_BOTH = re.compile(f'href="([^"]*)" {MARKDOWN_HREF}="([^"]*)"')


class ModelSpecExtension(Extension):
    """Resolves ``modelspec:`` links and renders embeds from the generated catalog."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "docs_dir": [
                "",
                "the docs folder that `modelspec generate` wrote into (default: the "
                "tool's docs folder, else docs/)",
            ]
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(_Rewrite(md, self.getConfig("docs_dir")), "modelspec", PRIORITY)


def makeExtension(**kwargs: Any) -> ModelSpecExtension:  # noqa: N802 - Python-Markdown's name
    return ModelSpecExtension(**kwargs)


class _Rewrite(Preprocessor):
    def __init__(self, md: Markdown, docs_dir: str) -> None:
        super().__init__(md)
        self.docs_dir = docs_dir

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if MARKDOWN_HREF in text:
            keep = 2 if _page(self.md)[2] == "zensical" else 1
            text = _BOTH.sub(lambda found: f'href="{found[keep]}"', text)
            lines = text.split("\n")
        if "modelspec:" not in text:
            return lines
        from .references import rewrite_page

        docs_dir, src_uri, _ = _page(self.md)
        docs_dir = self.docs_dir or docs_dir
        site = _site(docs_dir)
        if site is None:
            return lines
        rewritten, mistakes = rewrite_page(site, text, src_uri)
        where = os.path.relpath(os.path.join(docs_dir, src_uri))
        for mistake in mistakes:
            log.warning(printable(f"modelspec: {where}:{mistake.line}: {mistake.message}"))
        return rewritten.split("\n")


def _page(md: Markdown) -> tuple[str, str, str | None]:
    """The docs folder, the page being rendered (relative to it) and the tool, as the
    tool tells its extensions: MkDocs and ProperDocs (``mkdocs``) through their link
    processor, Zensical (``zensical``) through its rendering context; else ``docs``, a
    page at its top and None."""
    if "relpath" in md.treeprocessors:  # MkDocs, ProperDocs
        processor: Any = md.treeprocessors["relpath"]
        file, config = getattr(processor, "file", None), getattr(processor, "config", None)
        if file is not None and config is not None:
            return str(config["docs_dir"]), str(file.src_uri), "mkdocs"
    for processor in md.preprocessors:  # Zensical
        page, config = getattr(processor, "page", None), getattr(processor, "config", None)
        if page is not None and isinstance(config, dict) and "docs_dir" in config:
            return str(config["docs_dir"]), str(page.path).replace(os.sep, "/"), "zensical"
    return "docs", "index.md", None


_SITES: dict[str, tuple[tuple[int, int] | None, Site | None]] = {}
_LOCK = threading.Lock()


def _site(docs_dir: str) -> Site | None:
    """The site ``modelspec generate`` last made in ``docs_dir``, made again from what its
    record names; made once per process, and again when generate runs again."""
    from .pages import MANIFEST

    record = Path(docs_dir, MANIFEST)
    key = os.path.abspath(record)
    try:
        info = record.stat()
        stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = None
    with _LOCK:
        known = _SITES.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        if stamp is None:
            log.warning(
                f"modelspec: no catalog generated in {printable(docs_dir)}: run "
                f"`modelspec generate {printable(docs_dir)}` before the build; until then, "
                "modelspec: links and embeds are left as written"
            )
            site = None
        else:
            site = _make(record)
        _SITES[key] = (stamp, site)
        return site


def _make(record: Path) -> Site | None:
    from .cli import UsageError, build_site

    try:
        inputs = json.loads(record.read_bytes()).get("inputs")
    except (OSError, ValueError, AttributeError):
        inputs = None
    if not isinstance(inputs, dict):
        log.warning(
            f"modelspec: {printable(str(record))} does not say what the catalog was made "
            "from (written by an older modelspec generate): run generate again"
        )
        return None
    folder = record.parent

    def path(value: Any) -> Path | None:
        return folder / value if isinstance(value, str) else None

    specs = [p for p in map(path, inputs.get("specs") or []) if p is not None]
    prefix = inputs.get("prefix")
    try:
        return build_site(
            specs=specs or None,
            config=path(inputs.get("config")),
            default_config=False,
            prefix=prefix if isinstance(prefix, str) else None,
            directory_urls=inputs.get("directoryUrls") is not False,
        )
    except UsageError as error:
        log.warning(f"modelspec: cannot read the catalog of {printable(str(record))}: {error}")
        return None
