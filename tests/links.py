"""A link checker for a built site: every internal link of every page leads to a file
of the site, and every fragment to an element with that id.

Internal: no scheme and no host (``../x/``, ``x.html#a``, ``/assets/y.css``); links
inside SVG drawings (``href`` and ``xlink:href``) count too. A link left with a
``modelspec:`` scheme (a link to a model no tool resolved) counts as broken.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINKING = {"a", "link", "img", "script", "source", "iframe", "use", "image"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key] or "")
        if tag in LINKING:
            for key in ("href", "src", "xlink:href"):
                if values.get(key) is not None:
                    self.links.append((key, values[key] or ""))

    handle_startendtag = handle_starttag


@dataclass
class Report:
    checked: int = 0
    """Internal links checked."""
    broken: list[tuple[str, str, str]] = field(default_factory=list)
    """(page, link, why) of each broken link."""
    svg: int = 0
    """Of the links checked, those written as xlink:href (the graphs' nodes)."""


def check(site: Path) -> Report:
    pages: dict[str, _Page] = {}
    for folder, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html"):
                path = Path(folder, name)
                parsed = _Page()
                parsed.feed(path.read_text(encoding="utf-8"))
                pages[path.relative_to(site).as_posix()] = parsed
    report = Report()
    for page, parsed in sorted(pages.items()):
        for attribute, link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme == "modelspec":
                report.broken.append((page, link, "a modelspec: link left unresolved"))
                continue
            if parts.scheme or parts.netloc:
                continue
            report.checked += 1
            report.svg += attribute == "xlink:href"
            path = unquote(parts.path)
            if not path:
                target = page
            else:
                start = "" if path.startswith("/") else posixpath.dirname(page)
                target = posixpath.normpath(posixpath.join(start, path.lstrip("/")))
                if target.startswith(".."):
                    report.broken.append((page, link, "leads out of the site"))
                    continue
                if (site / target).is_dir():
                    target = posixpath.join(target, "index.html")
                target = target.removeprefix("./")
            if not (site / target).is_file():
                report.broken.append((page, link, "no such file"))
            elif (
                parts.fragment
                and target in pages
                and unquote(parts.fragment) not in pages[target].ids
            ):
                report.broken.append((page, link, "no such anchor"))
    return report
