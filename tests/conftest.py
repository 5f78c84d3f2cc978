"""Shared test helpers: where the fixtures and the format's reference material live."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run (``derandomize``): a red run
# in CI is then red on any machine, and a green one stays green. To search for new
# failing inputs, draw fresh ones: ``pytest --hypothesis-profile explore`` (add
# ``--hypothesis-seed N`` to repeat a search); a failure found so becomes an
# ``@example`` or a test of its own.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _format_dir() -> Path:
    """The format's published schema and examples (reference data, read in place)."""
    candidates = [
        os.environ.get("MODELSPEC_FORMAT_DIR", ""),
        str(ROOT.parent / "shared" / "modelspec-format"),
        "/work/shared/modelspec-format",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "modelspec.v0.1.schema.json").is_file():
            return Path(candidate)
    raise RuntimeError(
        "the format's reference material (modelspec-format/) was not found; "
        "set MODELSPEC_FORMAT_DIR to the folder that holds modelspec.v0.1.schema.json"
    )


FORMAT_DIR = _format_dir()
PUBLISHED_SCHEMA = FORMAT_DIR / "modelspec.v0.1.schema.json"
PUBLISHED_EXAMPLES = sorted((FORMAT_DIR / "examples").glob("*.modelspec.yaml"))
MINIMAL = (FIXTURES / "valid" / "minimal.modelspec.yaml").read_text()
FULL = (FIXTURES / "valid" / "full.modelspec.yaml").read_text()


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec file under ``tmp_path/specs`` and return its path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / "specs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


def spec_text(name: str, *replacements: tuple[str, str], base: str = MINIMAL) -> str:
    """``base`` with its name set to ``name`` and each ``(old, new)`` text replaced."""
    text = base.replace("name: fixture-minimal", f"name: {name}").replace(
        "name: fixture-chat", f"name: {name}"
    )
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site as the README's command builds it (the repository's mkdocs.yml,
    strict), built once for the tests that read it; they only read it."""
    from sites import build

    out = tmp_path_factory.mktemp("demo") / "site"
    done = build(
        ROOT, "--strict", "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)
    )
    assert done.returncode == 0, done.stderr  # the demo builds strict, gate and all
    return out


_ROW = re.compile(r"<tr>(.*?)</tr>")
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>')


def pipe_rows(page: str) -> str:
    """A generated page with the rows of its HTML tables (``rendering/tables.py``)
    written as Markdown table rows, links as ``[text](address)``: a row's cells
    asserted as one line, whatever form the table takes."""

    def row(match: re.Match[str]) -> str:
        cells = [_LINK.sub(r"[\2](\1)", cell) for cell in _CELL.findall(match.group(1))]
        return "\n| " + " | ".join(cells) + " |\n"

    return _ROW.sub(row, page)


def md_links(page: str) -> str:
    """A generated page with the links of its HTML blocks written as Markdown links
    (``[text](address)``), as its Markdown has the others."""
    return _LINK.sub(r"[\2](\1)", page)
