"""Escaping that fits each place a spec's text can land in a page.

Spec files are untrusted input. Every string from a spec reaches a page through one
of these functions, chosen by where it lands:

=================  =========================================================
``md``             Markdown text: paragraphs, list items, headings, table cells,
                   link text. No markup survives: not HTML, not links, not
                   ``attr_list`` braces, not snippet markers, not table pipes.
``code``           inline code (shown verbatim, in a monospace font).
``html``           text inside raw HTML that the plugin builds (source listings,
                   graphs, admonitions); also attribute values.
``href``           a link target: only ``http``/``https`` URLs are links, and
                   only after percent-encoding.
``mermaid_label``  the text of a node in Mermaid source.
``front_matter``   a value in the YAML front matter of a generated page.
``gfm``            text in GitHub-flavoured Markdown that GitHub shows to
                   people: a pull request comment, a CI job summary
                   (``modelspec review``); ``gfm_code`` in a monospace font.
=================  =========================================================

Every function returns :class:`Md`, the marker of text that is safe to place in a
page as it is. Templates escape everything else with :func:`md` automatically.
"""

from __future__ import annotations

import html as _html
import json
import re
from typing import Any
from urllib.parse import quote, urlsplit


class Md(str):
    """Text already escaped for the place it goes: templates insert it as it is."""

    __slots__ = ()


# Numeric character references keep a character literal in every Markdown dialect
# and extension. Backslash escapes do not: the maths extension reads \( and \[ as
# formula delimiters. These characters have meaning anywhere in a line.
_ANYWHERE = '\\`*_{}[]()<>&|~^=$:#"'
# These only have meaning at the start of a line (lists, headings, quotes, rules,
# snippet includes): escaped when a value starts with one.
_LINE_START = "-+>!."
# Control characters, and the direction embeddings, overrides and isolates (U+202A to
# U+202E, U+2066 to U+2069), which would show the text after them reversed (a name
# ending "exe.pdf" shown as "fdp.exe"): each becomes U+FFFD, visibly.
_CONTROL = "".join(
    map(
        chr,
        [
            *range(0x09),
            0x0B,
            0x0C,
            *range(0x0E, 0x20),
            *range(0x7F, 0xA0),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
        ],
    )
)
_TABLE = str.maketrans(
    {
        **{c: f"&#{ord(c)};" for c in _ANYWHERE},
        **dict.fromkeys("\t\r\n", " "),
        **dict.fromkeys(_CONTROL, "\ufffd"),
    }
)
_SPACES = re.compile(r" {2,}")
# Text that means nothing to Markdown wherever it lands: a letter first, then letters,
# digits and harmless punctuation with single spaces; or a plain number.
_INERT = re.compile(r"[A-Za-z](?: ?[A-Za-z0-9,/.+@%'-])*|[0-9]+(?:[.,][0-9]+)*")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def md(value: Any) -> Md:
    """Plain text as Markdown that renders to exactly that text, on one line.

    Line breaks become spaces and control characters (direction overrides too)
    U+FFFD, the only changes.
    """
    if isinstance(value, Md):
        return value
    text = value if isinstance(value, str) else _plain(value)
    if _INERT.fullmatch(text):  # most values (a name, a number): nothing to escape
        return Md(text)
    return _spaced(_line_start(text.translate(_TABLE)))


def _line_start(text: str) -> str:
    """What means something only at the start of a line (a list, a quote), escaped."""
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in _LINE_START:
        text = text[: len(text) - len(stripped)] + f"&#{ord(stripped[0])};" + stripped[1:]
    return _ORDERED.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text)


def _spaced(text: str) -> Md:
    # Runs of spaces would start a code block or a line break in some places.
    return Md(_SPACES.sub(lambda m: " " + "&#32;" * (len(m.group()) - 1), text))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def code(value: Any) -> Md:
    """``value`` in a monospace font, verbatim, on one line: an inline ``<code>``
    element whose text is escaped as :func:`md` escapes it.

    Not a Markdown code span: inside backticks nothing can be escaped, and
    Python-Markdown reads the whole page with an HTML parser before it reads code
    spans, so a value such as ``</div`` or ``&#x`` in a code span made it miss every
    raw HTML block after it (the page's listings and graphs came out mangled).
    """
    return Md(f"<code>{md(value)}</code>")


# Line breaks as references: the raw HTML blocks the plugin writes must stay on one
# line (a blank line would end them), and &#10; still breaks lines in <pre>.
_HTML_TABLE = str.maketrans({**dict.fromkeys(_CONTROL, "\ufffd"), "\n": "&#10;", "\r": "&#13;"})


def html(value: Any) -> Md:
    """Text or an attribute value inside raw HTML."""
    text = _plain(value) if not isinstance(value, str) else value
    return Md(escape_html(text))


def escape_html(text: str) -> str:
    """``html`` for plain strings, without the marker (for loops over many lines)."""
    return _html.escape(text, quote=True).translate(_HTML_TABLE)


def href(value: Any) -> Md | None:
    """A safe link target for ``value``, or None when it must not be a link."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x20 for c in value):
        return None
    safe = quote(value.strip(), safe="/:?#[]@!$&'*+,;=%-._~")
    # Parentheses and quotes would end the Markdown link or the attribute.
    safe = safe.replace("(", "%28").replace(")", "%29").replace("'", "%27")
    return Md(safe)


def mermaid_label(value: Any) -> Md:
    """Text for a Mermaid node label written as ``id["..."]``."""
    text = " ".join((_plain(value) if not isinstance(value, str) else value).splitlines())
    out = []
    for char in text:
        if char.isalnum() or char in " -_./,@+":
            out.append(char)
        else:
            out.append(f"#{ord(char)};")
    return Md("".join(out))


def front_matter(value: Any) -> Md:
    """A YAML front matter value: JSON, which every YAML reader parses the same way."""
    return Md(json.dumps(value, ensure_ascii=True))


# --- GitHub-flavoured Markdown (pull request comments, job summaries) ---------------------
#
# GitHub renders Markdown (numeric references are decoded there like any text), then
# turns the text of the page into links: @mentions, #123 and GH-123 issue references,
# e-mail addresses, :emoji:. A reference alone cannot stop that, so a zero-width space
# (U+200B, invisible) follows each @, # and : and splits www. and GH-1: no mention
# notifies anyone, and no link is made. Bidirectional controls, which can make a value
# read as another (``eurt`` shown as ``true``), are replaced like control characters.
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZWSP = "&#8203;"
_GFM_TABLE = str.maketrans(
    {
        **{c: f"&#{ord(c)};" for c in _ANYWHERE + "!@"},
        **{c: f"&#{ord(c)};{_ZWSP}" for c in "@#:"},
        **dict.fromkeys("\t\r\n", " "),
        **dict.fromkeys(_CONTROL + _BIDI, "\ufffd"),
    }
)
_GFM_INERT = re.compile(r"[A-Za-z0-9](?: ?[A-Za-z0-9,/+%'-]|\.(?=[A-Za-z0-9]))*")
_GFM_LINKS = re.compile(r"(?i)\b(www(?=\.)|gh(?=-[0-9]))")


def gfm(value: Any, *, line_start: bool = True) -> Md:
    """Plain text as GitHub-flavoured Markdown that GitHub shows as exactly that text,
    on one line, in a paragraph, a list, a table cell or inside raw HTML (``<summary>``):
    no markup, mention, issue reference, link, image, emoji or heading survives.

    ``line_start=False``: the text never starts a line (it follows a tag), so what only
    means something there (``-``, ``1.``) is left as it is."""
    text = value if isinstance(value, str) else _plain(value)
    lowered = text.lower()
    if _GFM_INERT.fullmatch(text) and "www." not in lowered and "gh-" not in lowered:
        return Md(text)
    text = _GFM_LINKS.sub(r"\1" + _ZWSP, text.translate(_GFM_TABLE))
    return _spaced(_line_start(text) if line_start else text)


def gfm_code(value: Any) -> Md:
    """:func:`gfm` text in a monospace font. Not a code span: GitHub would split a
    table cell at a ``|`` inside one, and show references in it as they are written."""
    return Md(f"<code>{gfm(value, line_start=False)}</code>")
