"""Helpers that make a small MkDocs project in a temporary folder and build it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

BIN = Path(sys.executable).parent

CONFIG = """\
site_name: Test catalog
theme:
  name: {theme}
{nav}
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - toc:
      permalink: true
  - pymdownx.superfences
  - pymdownx.snippets
  - pymdownx.arithmatex
  - pymdownx.magiclink
plugins:
  - search
  - modelspec:
{options}
"""


def make_site(
    root: Path,
    specs: dict[str, str | bytes] | Path,
    *,
    theme: str = "mkdocs",
    nav: str = "",
    options: dict[str, object] | None = None,
    docs: dict[str, str] | None = None,
) -> Path:
    """A project in ``root``: mkdocs.yml, docs/ and specs/."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in {"index.md": "# Home\n", **(docs or {})}.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if isinstance(specs, Path):
        shutil.copytree(specs, root / "specs")
    else:
        for name, text in specs.items():
            path = root / "specs" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
    lines = [f"      {k}: {json.dumps(v)}" for k, v in (options or {}).items()] or [
        "      enabled: true"
    ]
    (root / "mkdocs.yml").write_text(CONFIG.format(theme=theme, nav=nav, options="\n".join(lines)))
    return root


def build(root: Path, *args: str, tool: str = "mkdocs") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(
        [str(BIN / tool), "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


class Page(HTMLParser):
    """What a built page holds: its elements, attributes, scripts and text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text = ""
        self._in_script = False
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text += data


def read_page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))
