"""Model names as people read them: page names, look-alikes, hidden characters.

Two names a reader cannot tell apart must not be two models, and a new spec must not
take an existing model's page by being named almost like it. Names are compared by
:func:`name_key`: after Unicode normalisation (NFKC: full-width letters, ligatures,
non-breaking spaces), with invisible characters removed (zero-width characters,
direction overrides, variation selectors, fillers, control characters), letter case
folded, and every run of spaces and punctuation read as one separator. Names whose
page names (:func:`slugify`) are equal clash too: the page of one would go to the
other.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SLUG_MAX = 80

# Characters that show nothing, or change how what follows is shown: format
# characters (Cf: zero-width spaces and joiners, direction marks, overrides and
# isolates, the BOM, tags), control characters, separators, and the default-ignorable
# characters of other categories (combining grapheme joiner, fillers, variation
# selectors) and the blank braille pattern.
_HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp", "Cs", "Co"})
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0000-\U000e0fff]"
)
_SEPARATORS = re.compile(r"[\W_]+")


def hidden_characters(name: str) -> list[str]:
    """The characters of ``name`` that a reader cannot see (spaces are visible)."""
    if name.isascii() and name.isprintable():
        return []  # most names, checked in C
    return [char for char in name if char != " " and _is_hidden(char)]


def name_key(name: str) -> str:
    """What a reader sees of ``name``: two names with the same key look alike."""
    if name.isascii() and name.isprintable():  # most names: nothing to normalise
        return _SEPARATORS.sub("-", name.lower()).strip("-")
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if c.isspace() or not _is_hidden(c))
    text = unicodedata.normalize("NFKC", text.casefold())
    return _SEPARATORS.sub("-", text).strip("-")


def _is_hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or bool(_IGNORABLE.match(char))


def is_plain(name: str) -> bool:
    """Whether ``name`` is written plainly: normalised, nothing hidden, no odd spacing.

    Of two look-alike names, a plainly written one keeps the page name.
    """
    return (
        name == unicodedata.normalize("NFKC", name)
        and not hidden_characters(name)
        and name == name.strip()
        and "  " not in name
        and all(char == " " or not char.isspace() for char in name)
    )


def shown(name: str) -> str:
    """``name`` quoted, its hidden characters written as ``\\u200b`` (for messages)."""
    out = []
    for char in name:
        if char != " " and _is_hidden(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def slugify(name: str) -> str:
    """A page name made of ``a-z``, ``0-9`` and ``-`` only: safe on every file system."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:_SLUG_MAX].strip("-")
    if not slug and name.strip():
        # A name with no Latin letter or digit (日本語モデル): a short, stable digest.
        slug = "model-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return slug
