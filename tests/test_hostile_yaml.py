"""Guarantee 5, YAML attacks: each ends with a clear diagnostic, in bounded memory.

Each attack file is loaded, checked and published (the generated pages and
``models.json``) in a separate process whose address space is limited to 1 GiB: an
alias bomb that got expanded, or a parser that recursed once per bracket, would die
there. The timeout only guards against a hang; speed is measured by the benchmarks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL

MEMORY_LIMIT = 1024**3
HANG_GUARD = 60  # seconds; each attack takes about one

# Runs in the child: limit its memory, then do what the plugin does with a specs folder.
LIMIT = f"""
import resource
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
"""
CHILD = (
    LIMIT
    + """
import json, sys
from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site
root, limit = sys.argv[1], int(sys.argv[2])
[spec] = load_roots([root], max_file_size=limit)
site = Site(build_catalog([spec], [root]), Options())
pages = site.pages()
site.files()
print(json.dumps({
    "valid": spec.valid,
    "diagnostics": [[d.code.value, d.line, d.column, d.message] for d in spec.diagnostics],
    "pages": len([p for p in pages if p.spec is not None]),
}))
"""
)


def alias_bomb() -> str:
    """ "Billion laughs": expanded, the last list would hold 9**9 strings."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return MINIMAL + "  bomb:\n" + "".join(f"    {line}\n" for line in lines)


MIB = 1024 * 1024
ATTACKS = {
    # name: (file content, max_file_size, expected (code, line, column))
    "alias-bomb": (alias_bomb(), MIB, ("yaml-alias", 18, 9)),
    # libyaml reads flow lists ahead up to its own limit (1,000 levels): the column is
    # where it stopped, not the 33rd bracket (None: not compared).
    "deep-flow-lists": ("x: " + "[" * 100_000, MIB, ("too-deep", 1, None)),
    "deep-flow-mappings": ("x: " + "{a: " * 100_000, MIB, ("too-deep", 1, 128)),
    "deep-block-lists": ("- " * 100_000 + "x\n", MIB, ("too-deep", 1, 65)),
    "50-mb-file": (MINIMAL + ("# padding " * 100 + "\n") * 52_000, MIB, ("file-too-large", 1, 1)),
    "2-mb-line": (MINIMAL + "# " + "x" * 2 * MIB + "\n", MIB, ("file-too-large", 1, 1)),
    # With the size limit raised, a 2 MB line is parsed: an unclosed quote on it is
    # reported where the quote opens.
    "2-mb-unclosed-quote": (
        MINIMAL.replace("name: fixture-minimal", 'name: x\n  description: "' + "x" * 2 * MIB),
        4 * MIB,
        ("yaml-syntax", 5, 16),
    ),
}


def run_child(tmp_path: Path, text: str, limit: int) -> dict:
    root = tmp_path / "specs"
    root.mkdir()
    (root / "attack.modelspec.yaml").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(limit)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", ATTACKS)
def test_a_yaml_attack_gets_one_clear_diagnostic(tmp_path: Path, name: str) -> None:
    text, limit, expected = ATTACKS[name]
    result = run_child(tmp_path, text, limit)
    assert not result["valid"]
    [(code, line, column, message)] = result["diagnostics"]
    assert (code, line, column if expected[2] else None) == expected, message
    assert column < 2_000  # found where the nesting goes too deep, not at the file's end
    assert len(message) < 200  # a sentence, not a dump of the file
    assert result["pages"] == 1  # the file still has its page, with the problem on it


def test_a_long_line_within_the_limit_is_read(tmp_path: Path) -> None:
    description = "word " * 180_000  # 900 KB on one line
    text = MINIMAL.replace("name: fixture-minimal", f"name: x\n  description: {description}")
    result = run_child(tmp_path, text, MIB)
    assert result == {"valid": True, "diagnostics": [], "pages": 1}


def test_the_memory_limit_is_real() -> None:
    """The child cannot take more than the limit: an attack that did would fail above."""
    done = subprocess.run(
        [sys.executable, "-c", LIMIT + f"bytearray({2 * MEMORY_LIMIT})"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode != 0
    assert "MemoryError" in done.stderr
