"""Links to models and embeds in handwritten pages; backlinks; autorefs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_modelspec.references import rewrite, scan

from conftest import FIXTURES, spec_text
from sites import build, make_site, read_page

CATALOG = FIXTURES / "catalog"


def resolve(name: str, section: str) -> str:
    if name not in ("chat", "embed"):
        raise ValueError(f"unknown model {name!r}")
    return f"../models/{name}.md" + (f"#{section}" if section else "")


def embed(kind: str, words: tuple[str, ...]) -> str:
    return f"EMBED {kind} {' '.join(words)}"


def test_links_are_rewritten_outside_code_only() -> None:
    page = "\n".join(
        [
            "See [the chat model](modelspec:chat) and [its hardware](modelspec:chat#hardware).",
            "Inline `[not a link](modelspec:chat)` stays, as does ``a `(modelspec:chat)` span``.",
            "```markdown",
            "[in a fence](modelspec:chat)",
            "```",
            "~~~~",
            "<!-- modelspec:card chat -->",
            "~~~~",
            "[ref]: modelspec:embed",
            '[titled](modelspec:embed "The embedder")',
        ]
    )
    out, mistakes = rewrite(page, resolve, embed)
    assert mistakes == []
    lines = out.split("\n")
    assert lines[0] == (
        "See [the chat model](../models/chat.md) and [its hardware](../models/chat.md#hardware)."
    )
    assert lines[1] == page.split("\n")[1]
    assert lines[2:8] == page.split("\n")[2:8]
    assert lines[8] == "[ref]: ../models/embed.md"
    assert lines[9] == '[titled](../models/embed.md "The embedder")'


def test_unknown_names_are_mistakes_with_their_line() -> None:
    out, mistakes = rewrite("ok\n\n[x](modelspec:nobody)\n", resolve, embed)
    assert [(m.line, m.message) for m in mistakes] == [(3, "unknown model 'nobody'")]
    assert "[x](modelspec:nobody)" in out  # left as written


def test_embeds_replace_their_line() -> None:
    out, mistakes = rewrite(
        "# Doc\n<!-- modelspec:catalog team=search -->\nafter\n", resolve, embed
    )
    assert mistakes == []
    assert out == "# Doc\n\nEMBED catalog team=search\n\nafter\n"


def test_scan_finds_links_and_embeds() -> None:
    found = scan('[a](modelspec:chat#serving)\n<!-- modelspec:section embed "hardware" -->\n')
    assert [(f.line, f.kind, f.args) for f in found] == [
        (1, "link", ("chat", "serving")),
        (2, "section", ("embed", "hardware")),
    ]


DESIGN = """# Retrieval design

We rely on [the chat model](modelspec:chat), sized in [its hardware section](modelspec:chat#hardware),
and on [the embedder](modelspec:embed), whose [changes](modelspec:embed#history) we follow.

```text
[not rewritten](modelspec:nobody)
```

<!-- modelspec:card chat -->

<!-- modelspec:section guard scaling -->

Hardware of the search team:

<!-- modelspec:hardware team=search -->

Models on L4:

<!-- modelspec:catalog accelerator=l4 -->
"""


def test_a_design_doc_links_and_embeds_models(tmp_path: Path) -> None:
    root = make_site(tmp_path, CATALOG, docs={"design/retrieval.md": DESIGN})
    done = build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    page = read_page(site, "design/retrieval")
    links = [a.get("href") for tag, a in page.elements if tag == "a"]
    assert "../../models/chat/" in links
    assert "../../models/chat/#hardware" in links
    assert "../../models/embed/" in links
    assert "../../models/embed/#history" in links
    assert "[not rewritten](modelspec:nobody)" in page.text
    assert "Answers questions from retrieved passages." in page.text  # the card
    assert "Minimum replicas1" in page.text.replace("\n", "")  # the embedded section
    assert "Maximum replicas3" in page.text.replace("\n", "")
    assert "Total for nvidia l4" in page.text  # the hardware of the search team
    assert "embed" in page.text
    assert "guard" in page.text
    assert "h100" not in page.text.split("Models on L4:")[1]  # narrowed
    chat = read_page(site, "models/chat")
    assert "Referenced by: Retrieval design" in " ".join(chat.text.split())
    assert "../../design/retrieval/" in [a.get("href") for tag, a in chat.elements if tag == "a"]
    broken = read_page(site, "models/broken")
    assert "no handwritten page links to this model" in broken.text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "[x](modelspec:nobody)",
            "docs/design/x.md:3: unknown model 'nobody' in a modelspec: link",
        ),
        ("[x](modelspec:chat#gpus)", "docs/design/x.md:3: unknown section 'gpus' of chat"),
        ("<!-- modelspec:card nobody -->", "docs/design/x.md:3: unknown model 'nobody'"),
        (
            "<!-- modelspec:hardware tem=search -->",
            "docs/design/x.md:3: unknown filter 'tem=search'",
        ),
        ("<!-- modelspec:cards chat -->", "docs/design/x.md:3: unknown embed modelspec:cards"),
    ],
)
def test_mistakes_fail_a_strict_build_naming_page_and_line(
    tmp_path: Path, line: str, message: str
) -> None:
    root = make_site(tmp_path, CATALOG, docs={"design/x.md": f"# X\n\n{line}\n"})
    done = build(root, "--strict")
    assert done.returncode == 1
    assert message in done.stderr


def test_model_names_are_autorefs_identifiers(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {"chat.modelspec.yaml": spec_text("chat-model")},
        docs={"design.md": "# Design\n\nSee [chat-model][] and [the model][chat-model].\n"},
    )
    config = (root / "mkdocs.yml").read_text().replace("  - search\n", "  - search\n  - autorefs\n")
    (root / "mkdocs.yml").write_text(config)
    done = build(root, "--strict")
    assert done.returncode == 0, done.stderr
    links = [a.get("href") for tag, a in read_page(root / "site", "design").elements if tag == "a"]
    assert links.count("../models/chat-model/#chat-model") == 2
