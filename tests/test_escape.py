"""Escaping: any text from a spec renders as exactly that text, never as markup."""

from __future__ import annotations

import html as html_lib
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec.rendering.escape import code, front_matter, href, html, md, mermaid_label

# The extensions of a typical Material site, the demo's among them. Smarty is left
# out: it curls quotes on purpose, which changes the text (not into markup).
EXTENSIONS = [
    "tables",
    "toc",
    "admonition",
    "attr_list",
    "md_in_html",
    "def_list",
    "footnotes",
    "abbr",
    "pymdownx.superfences",
    "pymdownx.details",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.emoji",
    "pymdownx.magiclink",
    "pymdownx.arithmatex",
    "pymdownx.inlinehilite",
    "pymdownx.keys",
    "pymdownx.critic",
    "pymdownx.betterem",
    "pymdownx.snippets",
]


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text += data


def render(source: str) -> Collect:
    out = Collect()
    out.feed(markdown.markdown(source, extensions=EXTENSIONS))
    return out


# Control characters, and the direction embeddings, overrides and isolates (which would
# show the text after them reversed): each is shown as U+FFFD.
CONTROL = dict.fromkeys(
    [
        *range(9),
        11,
        12,
        *range(14, 32),
        *range(127, 160),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    "\ufffd",
)


def flat(text: str) -> str:
    """What md() promises: line breaks become spaces, control and direction characters U+FFFD."""
    return text.translate({9: " ", 10: " ", 13: " ", **CONTROL})


PAYLOADS = [
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    "[click](javascript:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    'text {: onclick="alert(1)" }',
    '--8<-- "/etc/passwd"',
    "{{ config }} {% raw %}",
    "a | b | c",
    "*em* __strong__ `code` ~~del~~ ==mark== ^^ins^^ $x$ :smile:",
    "<https://evil.example>",
    "https://evil.example/x",
    "&lt;script&gt; &#106;avascript:",
    "# heading\n- list\n1. item\n> quote",
    "line one\n\n    indented code",
    "\\*not em\\*",
    "[^1] *[HTML]: x",
    "++ctrl+alt++",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_text_is_shown_as_written(payload: str) -> None:
    out = render("Before " + md(payload) + " after")
    assert out.tags == ["p"]
    assert out.attrs == []
    assert out.text == "Before " + flat(payload) + " after"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
@example("report\u202efdp.exe")
@example("\u2066isolate\u2069")
def test_any_text_renders_as_itself(text: str) -> None:
    out = render("x " + md(text) + " y")
    assert out.tags == ["p"]
    assert out.text == "x " + flat(text) + " y"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_in_a_table_cell_stays_in_its_cell(text: str) -> None:
    out = render(f"| a | b |\n| --- | --- |\n| {md(text)} | z |\n")
    assert out.tags.count("td") == 2
    assert out.attrs == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_code_shows_text_verbatim(text: str) -> None:
    out = render("x " + code(text) + " y")
    assert out.tags == ["p", "code"]
    assert out.text == "x " + flat(text) + " y"


@pytest.mark.parametrize("value", ["</div", "&#x Fw", "<div>", "&#", "<!--", "`</div`"])
def test_code_never_hides_the_raw_html_after_it(value: str) -> None:
    # Python-Markdown reads the page with an HTML parser before it reads code spans:
    # "</div" or "&#x " in a backquoted span made it miss the raw HTML blocks that
    # followed (a model page's listing and graph came out as mangled text).
    page = (
        f'| a | b |\n| --- | --- |\n| {code(value)} | z |\n\n<div class="x">one</div>\n\n## Next\n'
    )
    out = markdown.markdown(page, extensions=EXTENSIONS)
    assert '<div class="x">one</div>' in out
    assert "<p><div" not in out
    assert '<h2 id="next">Next</h2>' in out


def test_html_escaping_round_trips() -> None:
    raw = "<b a=\"x\" b='y'>&amp;</b>\x00"
    assert html_lib.unescape(html(raw)) == raw.replace("\x00", "\ufffd")
    assert "<" not in html(raw)
    assert '"' not in html(raw)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://grafana.example/d/x?a=1&b=2", "https://grafana.example/d/x?a=1&b=2"),
        ("http://x.example/a b(c)", "http://x.example/a%20b%28c%29"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,<script>", None),
        ("s3://bucket/key", None),
        ("//evil.example", None),
        ("https://x.example/\njavascript:", None),
        (42, None),
    ],
)
def test_only_http_urls_become_links(url, expected) -> None:
    assert href(url) == expected


def test_mermaid_labels_cannot_break_out() -> None:
    label = mermaid_label('x"] --> evil\n%%{init: {}}%% click n0 "javascript:alert(1)"')
    assert '"' not in label
    assert "\n" not in label
    assert "]" not in label
    assert "%" not in label


def test_front_matter_values_are_json() -> None:
    assert front_matter('a"\nb: <x>') == '"a\\"\\nb: <x>"'
    assert front_matter(["x", "y"]) == '["x", "y"]'
