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

Nothing inside fenced code blocks or code spans is touched. An unknown model, section
or embed is a :class:`Mistake` (the plugin logs it as a warning with page and line,
so ``mkdocs build --strict`` fails).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .views.model import SECTIONS

#: The sections a ``modelspec:NAME#SECTION`` link may name: every section of a model
#: page, and its history (a section too, though not one of the spec's).
ANCHORS = frozenset(anchor for anchor, _ in SECTIONS) | {"history", "declared-vs-running"}
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1(?!`)")
_LINK = re.compile(
    r"\]\(\s*<?modelspec:([^\s)#>]+)(?:#([^\s)>]*))?>?(\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_DEFINITION = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)<?modelspec:([^\s#>]+)(?:#(\S*?))?>?(\s.*)?$")
_EMBED = re.compile(r"^\s*<!--\s*modelspec:([a-z]+)\b(.*?)-->\s*$")


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


def _lines(markdown: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, line, inside fenced code) for each line."""
    fence: str | None = None
    for number, line in enumerate(markdown.split("\n"), start=1):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            yield number, line, True
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
            yield number, line, True
            continue
        yield number, line, False


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
    for number, line, in_code in _lines(markdown):
        if in_code:
            continue
        embed = _EMBED.match(line)
        if embed:
            try:
                words = tuple(shlex.split(embed.group(2)))
            except ValueError:
                words = tuple(embed.group(2).split())
            found.append(Found(number, embed.group(1), words))
            continue
        definition = _DEFINITION.match(line)
        if definition:
            found.append(Found(number, "link", (definition.group(2), definition.group(3) or "")))
            continue
        for start, end in _outside_code(line):
            for match in _LINK.finditer(line, start, end):
                found.append(Found(number, "link", (match.group(1), match.group(2) or "")))
    return found


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
            return resolve(name, section)
        except ValueError as error:
            mistakes.append(Mistake(number, str(error)))
            return None

    for number, line, in_code in _lines(markdown):
        if in_code:
            out.append(line)
            continue
        match = _EMBED.match(line)
        if match:
            try:
                words = tuple(shlex.split(match.group(2)))
                out.append("\n" + embed(match.group(1), words).strip("\n") + "\n")
            except ValueError as error:
                mistakes.append(Mistake(number, str(error)))
                out.append(line)
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
