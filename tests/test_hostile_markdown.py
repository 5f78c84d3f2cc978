"""Model links and embeds in handwritten pages: code stays code, mistakes are named.

An embed marker or a model link inside an indented code block is shown as written
(as inside a fenced one); an embed inside a list item or an admonition is rendered
there; an unknown embed kind (in any letter case), an embed with more words than it
takes, and a link that names no model are warnings naming page and line, so that
``mkdocs build --strict`` fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_modelspec.references import EMBEDS, rewrite, scan

from conftest import spec_text
from sites import build, make_site, read_page


def resolve(name: str, section: str) -> str:
    if name != "chat":
        raise ValueError(f"unknown model {name!r}")
    return "../models/chat.md" + (f"#{section}" if section else "")


def embed(kind: str, words: tuple[str, ...]) -> str:
    return f"EMBED {kind} {' '.join(words)}\nsecond line"


MARKERS = ["<!-- modelspec:card chat -->", "[x](modelspec:chat)", "[r]: modelspec:chat"]


@given(
    marker=st.sampled_from(MARKERS),
    before=st.sampled_from(["", "Text.\n\n", "# Title\n", "# Title\n\n", "- item\n\nText.\n\n"]),
    indent=st.sampled_from(["    ", "     ", "\t", "  \t", "        "]),
    after=st.sampled_from(["", "\n", "\n    more code\n", "\n\nText.\n"]),
)
def test_nothing_in_an_indented_code_block_is_touched(marker, before, indent, after) -> None:
    page = f"{before}{indent}{marker}{after}"
    out, mistakes = rewrite(page, resolve, embed)
    assert out == page
    assert mistakes == []
    assert [f for f in scan(page) if f.line == before.count("\n") + 1] == []


@given(marker=st.sampled_from(MARKERS), indent=st.sampled_from(["", "  ", "   "]))
def test_markers_at_the_margin_are_rewritten(marker: str, indent: str) -> None:
    out, mistakes = rewrite(f"Text.\n\n{indent}{marker}\n", resolve, embed)
    assert mistakes == []
    assert "EMBED card chat" in out or "../models/chat.md" in out


@pytest.mark.parametrize(
    "container", ["- item", "1. item", "!!! note", "??? note", '=== "Tab"', "[^1]: note"]
)
def test_an_embed_in_a_list_item_or_admonition_stays_in_it(container: str) -> None:
    page = f"{container}\n\n    <!-- modelspec:card chat -->\n\nAfter.\n"
    out, mistakes = rewrite(page, resolve, embed)
    assert mistakes == []
    assert "\n    EMBED card chat\n    second line\n" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("<!-- modelspec:Card chat -->", "unknown embed modelspec:Card: write modelspec:card"),
        ("<!-- modelspec:CATALOG -->", "write modelspec:catalog"),
        ("<!-- modelspec:cards chat -->", "unknown embed modelspec:cards (one of card,"),
        ("<!-- modelspec: card chat -->", "unknown embed modelspec: (one of card,"),
        (
            "<!-- modelspec:card chat extra -->",
            "modelspec:card takes a model name; it also got: extra",
        ),
        (
            "<!-- modelspec:section chat hardware more words -->",
            "modelspec:section takes a model name and a section; it also got: more words",
        ),
        ("[x](modelspec:)", "a modelspec: link names no model"),
        ("[x](modelspec:#hardware)", "a modelspec: link names no model"),
        ("[x](<modelspec:>)", "a modelspec: link names no model"),
        ("[ref]: modelspec:", "a modelspec: link names no model"),
    ],
)
def test_mistakes_that_used_to_pass_silently(line: str, message: str) -> None:
    out, mistakes = rewrite(f"# Page\n\n{line}\n", resolve, embed)
    [mistake] = mistakes
    assert mistake.line == 3
    assert message in mistake.message
    assert line in out  # left as written


@given(kind=st.sampled_from(sorted(EMBEDS)), case=st.lists(st.booleans(), min_size=8))
def test_an_embed_kind_in_another_case_is_named(kind: str, case: list[bool]) -> None:
    written = "".join(c.upper() if up else c for c, up in zip(kind, case, strict=False))
    _, mistakes = rewrite(f"<!-- modelspec:{written} chat -->\n", resolve, embed)
    if written == kind:
        assert mistakes == []
    else:
        [mistake] = mistakes
        assert f"write modelspec:{kind}" in mistake.message


def test_a_strict_build_fails_on_each_and_code_blocks_render_as_written(tmp_path: Path) -> None:
    page = "\n".join(
        [
            "# Design",
            "",
            "How to embed a card:",
            "",
            "    <!-- modelspec:card chat -->",
            "",
            "- In a list:",
            "",
            "    <!-- modelspec:card chat -->",
            "",
        ]
    )
    root = make_site(tmp_path, {"chat.modelspec.yaml": spec_text("chat")}, docs={"design.md": page})
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr
    built = read_page(root / "site", "design")
    assert "<!-- modelspec:card chat -->" in built.text  # shown as code, once
    links = [a.get("href") for tag, a in built.elements if tag == "a"]
    assert "../models/chat/" in links  # the card, in the list
    for line, message in [
        ("<!-- modelspec:Card chat -->", "docs/bad.md:3: unknown embed modelspec:Card"),
        ("[x](modelspec:)", "docs/bad.md:3: a modelspec: link names no model"),
        ("<!-- modelspec:card chat guard -->", "docs/bad.md:3: modelspec:card takes"),
    ]:
        (root / "docs/bad.md").write_text(f"# Bad\n\n{line}\n")
        strict = build(root, "--strict")
        assert strict.returncode == 1, line
        assert message in strict.stderr, strict.stderr
