"""Links to models and embeds of models in handwritten Markdown pages.

Links
    ``[text](modelspec:NAME)`` and ``[text](modelspec:NAME#SECTION)`` become normal
    relative links to the model's page (so MkDocs checks them); reference-style
    definitions (``[id]: modelspec:NAME``) too.

Embeds, each alone on its line
    ``<!-- modelspec:card NAME -->``: the model's summary card;
    ``<!-- modelspec:section NAME SECTION -->``: one section of the model;
    ``<!-- modelspec:catalog team=T accelerator=A environment=E -->``: the catalog
    table narrowed by any of the filters; ``<!-- modelspec:hardware ... -->``: the
    hardware tables narrowed the same way.

Nothing inside fenced or indented code blocks or code spans is touched. An embed
indented inside a list item or an admonition is rendered at that indentation. An
unknown model, section or embed kind (``modelspec:Card`` too: kinds are lower case),
an embed with more words than it takes, and a link with no model name
(``[x](modelspec:)``) are each a :class:`Mistake` (the plugin logs it as a warning
with page and line, so ``mkdocs build --strict`` fails).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .views.model import SECTIONS

if TYPE_CHECKING:
    from .pages import Site

#: The sections a ``modelspec:NAME#SECTION`` link may name: every section of a model
#: page, and its history (a section too, though not one of the spec's).
ANCHORS = frozenset(anchor for anchor, _ in SECTIONS) | {"history", "declared-vs-running"}
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1(?!`)")
_LINK = re.compile(
    r"\]\(\s*<?modelspec:([^\s)#>]*)(?:#([^\s)>]*))?>?(\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_DEFINITION = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)<?modelspec:([^\s#>]*)(?:#(\S*?))?>?(\s.*)?$")
_EMBED = re.compile(r"^(\s*)<!--\s*modelspec:([^\s>]*?)(\s.*?)?-->\s*$")
# Lines after which indented lines are the block's content, not code: list items,
# admonitions and collapsible blocks (`!!!`, `???`), content tabs (`===`), footnotes.
_CONTAINER = re.compile(r"^ {0,3}(?:[-*+]\s|\d{1,9}[.)]\s|!!!|\?\?\?|===|\[\^[^\]]+\]:)")
#: The embeds: kind -> the most words each takes (None: any number of filters).
EMBEDS: dict[str, int | None] = {"card": 1, "section": 2, "catalog": None, "hardware": None}


@dataclass(frozen=True)
class Found:
    """A link or embed found in a page."""

    line: int
    kind: str
    """``link`` or the embed's kind (``card``, ``section``, ``catalog``, ``hardware``)."""
    args: tuple[str, ...]
    """For a link: (name, section); for an embed: its words."""


@dataclass(frozen=True)
class Mistake:
    line: int
    message: str


def _indent(line: str) -> int:
    """Columns of indentation (a tab counts to the next multiple of 4)."""
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _lines(markdown: str) -> Iterator[tuple[int, str, bool, bool]]:
    """(line number, line, inside code, inside a container) for each line.

    Code is a fenced code block, or an indented one (indented 4 columns after a
    blank line, outside a container). A container is a list item or an admonition,
    whose content is indented so."""
    fence: str | None = None
    indented = False  # inside an indented code block
    after_blank = True
    container = False
    for number, line in enumerate(markdown.split("\n"), start=1):
        blank = not line.strip()
        if fence is None:
            deep = not blank and _indent(line) >= 4
            if indented and (blank or deep):
                yield number, line, True, False
                continue
            indented = deep and after_blank and not container
            if indented:
                yield number, line, True, False
                continue
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            yield number, line, True, container
            continue
        if fence is not None:
            closes = (
                match is not None
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line.strip().lstrip(fence[0])
            )
            if closes:
                fence = None
            yield number, line, True, container
            continue
        if not blank and _indent(line) < 4:
            # A block at the margin starts a container, or ends one after a blank
            # line (a line right after a list item continues it).
            container = bool(_CONTAINER.match(line)) or (container and not after_blank)
        # A heading is a block of one line: an indented line after it is code too.
        after_blank = blank or (_indent(line) < 4 and line.lstrip().startswith("#"))
        yield number, line, False, container and _indent(line) >= 4


def _outside_code(line: str) -> list[tuple[int, int]]:
    """Spans of ``line`` outside code spans."""
    spans, start = [], 0
    for match in _CODE_SPAN.finditer(line):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(line)))
    return spans


def scan(markdown: str) -> list[Found]:
    """Every link to a model and every embed in a page."""
    found = []
    for number, line, in_code, _ in _lines(markdown):
        if in_code:
            continue
        embed = _EMBED.match(line)
        if embed:
            try:
                words = tuple(shlex.split(embed.group(3) or ""))
            except ValueError:
                words = tuple((embed.group(3) or "").split())
            found.append(Found(number, embed.group(2), words))
            continue
        definition = _DEFINITION.match(line)
        if definition:
            found.append(Found(number, "link", (definition.group(2), definition.group(3) or "")))
            continue
        for start, end in _outside_code(line):
            for match in _LINK.finditer(line, start, end):
                found.append(Found(number, "link", (match.group(1), match.group(2) or "")))
    return found


def _check_embed(kind: str, words: tuple[str, ...]) -> None:
    """Raise ValueError, with what to write, for an unknown kind or too many words."""
    if kind not in EMBEDS:
        known = ", ".join(EMBEDS)
        if kind.lower() in EMBEDS:
            raise ValueError(f"unknown embed modelspec:{kind}: write modelspec:{kind.lower()}")
        raise ValueError(f"unknown embed modelspec:{kind} (one of {known})")
    most = EMBEDS[kind]
    if most is not None and len(words) > most:
        takes = "a model name" if most == 1 else "a model name and a section"
        extra = " ".join(words[most:])
        raise ValueError(
            f"modelspec:{kind} takes {takes}; it also got: {extra} (quote a name that holds spaces)"
        )


#: Turns a model name and a section into a link target, or raises ValueError.
Resolve = Callable[[str, str], str]
#: Renders an embed (kind, words) as Markdown, or raises ValueError.
Embed = Callable[[str, tuple[str, ...]], str]


def rewrite(markdown: str, resolve: Resolve, embed: Embed) -> tuple[str, list[Mistake]]:
    """The page with its model links resolved and its embeds rendered."""
    mistakes: list[Mistake] = []
    out = []

    def target(number: int, name: str, section: str) -> str | None:
        try:
            if not name:
                raise ValueError(
                    "a modelspec: link names no model: write modelspec:NAME or "
                    "modelspec:NAME#SECTION"
                )
            return resolve(name, section)
        except ValueError as error:
            mistakes.append(Mistake(number, str(error)))
            return None

    for number, line, in_code, nested in _lines(markdown):
        if in_code:
            out.append(line)
            continue
        match = _EMBED.match(line)
        if match:
            indent, kind = match.group(1) if nested else "", match.group(2)
            try:
                words = tuple(shlex.split(match.group(3) or ""))
                _check_embed(kind, words)
                text = embed(kind, words).strip("\n")
            except ValueError as error:
                mistakes.append(Mistake(number, str(error)))
                out.append(line)
                continue
            # Indented as the marker is: inside a list item or an admonition, the
            # embed stays in it.
            lines = (indent + part if part.strip() else part for part in text.split("\n"))
            out.append("\n" + "\n".join(lines) + "\n")
            continue
        definition = _DEFINITION.match(line)
        if definition:
            resolved = target(number, definition.group(2), definition.group(3) or "")
            rest = definition.group(4) or ""
            out.append(f"{definition.group(1)}{resolved}{rest}" if resolved else line)
            continue
        pieces, done = [], 0
        for start, end in _outside_code(line):
            for link in _LINK.finditer(line, start, end):
                resolved = target(number, link.group(1), link.group(2) or "")
                if resolved is None:
                    continue
                pieces.append(line[done : link.start()])
                pieces.append(f"]({resolved}{link.group(3) or ''})")
                done = link.end()
        pieces.append(line[done:])
        out.append("".join(pieces))
    return "\n".join(out), mistakes


def rewrite_page(site: Site, markdown: str, src_uri: str) -> tuple[str, list[Mistake]]:
    """The handwritten page at ``src_uri`` (relative to the docs folder) with its links
    to models resolved and its embeds rendered from ``site``: links relative to the
    page, to the Markdown file of the model's page, so the tool checks them."""
    folder = posixpath.dirname(src_uri) or "."
    base = posixpath.relpath(site.prefix or ".", folder) + "/"

    def resolve(name: str, section: str) -> str:
        view = site.find(name)
        if view is None:
            raise ValueError(f"unknown model {name!r} in a modelspec: link")
        if section and section not in ANCHORS:
            raise ValueError(
                f"unknown section {section!r} of {name} (one of {', '.join(sorted(ANCHORS))})"
            )
        target = posixpath.relpath(site.prefix + view.page, folder)
        return target + (f"#{section}" if section else "")

    deeper = posixpath.basename(src_uri).lower() not in ("index.md", "readme.md")

    def embed(kind: str, words: tuple[str, ...]) -> str:
        return site.embed(kind, words, "" if base == "./" else base, deeper)

    return rewrite(markdown, resolve, embed)
