"""Look-alike names: a spec named almost like another never takes its page quietly.

Two names that differ only in letter case, spacing or punctuation, Unicode
normalisation, or invisible characters are reported on both specs
(``look-alike-name``, a warning: ``--strict`` fails), and the model whose name is
written as its page name keeps its URL, whatever the other's file is called. A name
holding characters nobody can see is reported too (``hidden-characters``), and a
direction override never reaches a page as such.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.cli import main
from mkdocs_modelspec.diagnostics import Code
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.names import hidden_characters, is_plain, name_key
from mkdocs_modelspec.pages import Options, Site

from conftest import spec_text
from sites import build, make_site

# Characters that show nothing: zero-width space, non-joiner, joiner, word joiner,
# soft hyphen, BOM, the direction marks, overrides and isolates, a variation selector,
# a tag character, the combining grapheme joiner, the Hangul filler, a NUL.
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
    "\u2069", "\ufe0f", "\U000e0041", "\u034f", "\u3164", "\x00",
]  # fmt: skip
SPACES = [" ", "  ", "\u00a0", "\u3000", "\u2009", "_", ".", " - "]
BASE = st.from_regex(r"[a-z][a-z0-9]{1,6}(-[a-z0-9]{1,6}){1,2}", fullmatch=True)


@st.composite
def look_alike(draw: st.DrawFn) -> tuple[str, str]:
    """A page-name-like name and a variant a reader could take for it."""
    base = draw(BASE)
    how = draw(st.sampled_from(["case", "invisible", "spacing", "width", "mixed"]))
    variant = base
    if how in ("case", "mixed"):
        flips = draw(st.lists(st.booleans(), min_size=len(base), max_size=len(base)))
        variant = "".join(c.upper() if f else c for c, f in zip(variant, flips, strict=True))
        if variant == base:
            variant = variant.upper()
    if how in ("invisible", "mixed"):
        at = draw(st.integers(0, len(variant)))
        variant = variant[:at] + draw(st.sampled_from(INVISIBLE)) + variant[at:]
    if how == "spacing":
        variant = variant.replace("-", draw(st.sampled_from(SPACES)), 1)
    if how == "width":  # full-width letters: NFKC makes them plain again
        variant = "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in variant)
    return base, variant


def catalog_of(root: Path, specs: dict[str, str]):
    root.mkdir(parents=True, exist_ok=True)
    for file, name in specs.items():
        # JSON escapes only control characters then, each as YAML reads them too.
        quoted = json.dumps(name, ensure_ascii=False)
        (root / file).write_text(spec_text(quoted), encoding="utf-8")
    return build_catalog(load_roots([root], base=root), [root])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=look_alike(), variant_first=st.booleans())
def test_look_alikes_are_reported_and_the_plain_name_keeps_its_page(
    tmp_path_factory, pair, variant_first
) -> None:
    base, variant = pair
    assert name_key(base) == name_key(variant)
    # Whichever file sorts first: the newcomer cannot take the page by its file name.
    files = ("a.modelspec.yaml", "b.modelspec.yaml")
    first, second = files if variant_first else files[::-1]
    root = tmp_path_factory.mktemp("names")
    catalog = catalog_of(root, {first: variant, second: base})
    for spec in catalog.files:
        codes = [d.code for d in spec.diagnostics]
        assert Code.LOOK_ALIKE_NAME in codes, (spec.name, spec.diagnostics)
        assert not any(d.is_error for d in spec.diagnostics)  # a warning, each
    original = next(s for s in catalog.files if s.name == base)
    [alike] = [d for d in original.diagnostics if d.code is Code.LOOK_ALIKE_NAME]
    assert f"({first}:4)" in alike.message  # the look-alike, by file and line
    views = {v.spec.name: v.slug for v in Site(catalog, Options()).views}
    assert views[base] == base
    assert views[variant] != base  # base-2, or a page of its own (a NUL is a separator)
    # --strict fails on it; without --strict it passes (a warning).
    assert main(["validate", str(root)]) == 0
    assert main(["validate", "--strict", str(root)]) == 1


def test_normalisation_forms_of_one_name_are_look_alikes(tmp_path: Path) -> None:
    composed = "café-ranker"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    catalog = catalog_of(tmp_path, {"a.modelspec.yaml": decomposed, "b.modelspec.yaml": composed})
    for spec in catalog.files:
        assert Code.LOOK_ALIKE_NAME in [d.code for d in spec.diagnostics]
    views = {v.spec.name: v.slug for v in Site(catalog, Options()).views}
    # The composed form (what NFKC gives) is the plain one: it keeps the page.
    assert views[composed] == "cafe-ranker"
    assert views[decomposed] == "cafe-ranker-2"


def test_names_that_only_share_a_page_name_are_reported_too(tmp_path: Path) -> None:
    """ "Ωmega" and "mega" look nothing alike, but would share the page ``mega``."""
    catalog = catalog_of(tmp_path, {"a.modelspec.yaml": "Ωmega", "b.modelspec.yaml": "mega"})
    for spec in catalog.files:
        assert [d.code for d in spec.diagnostics] == [Code.LOOK_ALIKE_NAME]
    views = {v.spec.name: v.slug for v in Site(catalog, Options()).views}
    assert views == {"mega": "mega", "Ωmega": "mega-2"}


def test_distinct_names_are_not_reported(tmp_path: Path) -> None:
    names = ["llama-3-8b", "llama-38b", "llama-3-80b", "rag-chat", "rag-chat-2", "日本語"]
    catalog = catalog_of(tmp_path, {f"{i}.modelspec.yaml": n for i, n in enumerate(names)})
    assert catalog.diagnostics == []
    views = {v.spec.name: v.slug for v in Site(catalog, Options()).views}
    assert views["rag-chat-2"] == "rag-chat-2"


def test_a_name_that_nobody_else_wants_keeps_its_page_whatever_is_added(tmp_path: Path) -> None:
    """``rag-chat-2`` is a model of its own: two look-alikes of ``rag-chat`` added in
    files that sort first do not push it aside."""
    catalog = catalog_of(
        tmp_path,
        {
            "a.modelspec.yaml": "Rag-Chat",
            "b.modelspec.yaml": "RAG CHAT",
            "z.modelspec.yaml": "rag-chat",
            "zz.modelspec.yaml": "rag-chat-2",
        },
    )
    views = {v.spec.name: v.slug for v in Site(catalog, Options()).views}
    assert views["rag-chat"] == "rag-chat"
    assert views["rag-chat-2"] == "rag-chat-2"
    assert {views["Rag-Chat"], views["RAG CHAT"]} == {"rag-chat-3", "rag-chat-4"}


@given(char=st.sampled_from(INVISIBLE), at=st.integers(0, 8))
def test_a_name_with_hidden_characters_is_reported(char: str, at: int) -> None:
    name = "reranker"[:at] + char + "reranker"[at:]
    assert hidden_characters(name) == [char]
    assert not is_plain(name)


def test_hidden_characters_get_a_diagnostic_naming_them(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path, {"a.modelspec.yaml": "invoice\u202egnp.exe"})
    [diagnostic] = catalog.diagnostics
    assert diagnostic.code is Code.HIDDEN_CHARACTERS
    assert "U+202E" in diagnostic.message
    assert "\\u202e" in diagnostic.message  # the name is shown with the character escaped
    assert "\u202e" not in diagnostic.format()


def test_a_direction_override_never_reaches_a_page(tmp_path: Path) -> None:
    project = make_site(
        tmp_path,
        {"a.modelspec.yaml": spec_text(json.dumps("invoice\u202egnp.exe"))},
        theme="material",
    )
    done = build(project)
    assert done.returncode == 0, done.stderr
    for page in (project / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            assert char not in text, (page, hex(ord(char)))
    title = (project / "site/models/invoicegnp-exe/index.html").read_text(encoding="utf-8")
    assert "invoice\ufffdgnp.exe" in title
