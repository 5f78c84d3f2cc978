"""Escaping that fits each place a spec's text can land in a page.

Spec files are untrusted input. Every string from a spec reaches a page through one
of these functions, chosen by where it lands:

=================  =========================================================
``md``             Markdown text: paragraphs, list items, headings, table cells,
                   link text. No markup survives: not HTML, not links, not
                   ``attr_list`` braces, not snippet markers, not table pipes.
``code``           a Markdown code span (shown verbatim, in a monospace font).
``html``           text inside raw HTML that the plugin builds (source listings,
                   graphs, admonitions); also attribute values.
``href``           a link target: only ``http``/``https`` URLs are links, and
                   only after percent-encoding.
``mermaid_label``  the text of a node in Mermaid source.
``front_matter``   a value in the YAML front matter of a generated page.
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
    text = text.translate(_TABLE)
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in _LINE_START:
        text = text[: len(text) - len(stripped)] + f"&#{ord(stripped[0])};" + stripped[1:]
    text = _ORDERED.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text)
    # Runs of spaces would start a code block or a line break in some places.
    return Md(_SPACES.sub(lambda m: " " + "&#32;" * (len(m.group()) - 1), text))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_CODE_TABLE = str.maketrans({**dict.fromkeys("\t\r\n", " "), **dict.fromkeys(_CONTROL, "\ufffd")})


def code(value: Any) -> Md:
    """A Markdown code span showing ``value`` verbatim (on one line)."""
    text = (_plain(value) if not isinstance(value, str) else value).translate(_CODE_TABLE)
    text = text or " "
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # Python-Markdown does not strip one padding space the way CommonMark does, so
    # pad only when the text itself starts or ends with a backtick.
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Md(f"{fence}{pad}{text}{pad}{fence}")


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
