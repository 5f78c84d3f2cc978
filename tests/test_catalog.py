"""Checks across specs: names, specRef resolution and containment, links, cycles."""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path

import pytest

from mkdocs_modelspec import loading
from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.diagnostics import Code, Severity
from mkdocs_modelspec.loading import load_roots

from conftest import FIXTURES, spec_text


def with_dependencies(name: str, *refs: str) -> str:
    deps = "".join(
        f"      - id: dep{i}\n        role: input\n        specRef: {ref}\n"
        for i, ref in enumerate(refs)
    )
    return spec_text(name) + "  pipeline:\n    dependencies:\n" + deps


def catalog_of(tmp_path: Path):
    root = tmp_path / "specs"
    return build_catalog(load_roots([root], base=tmp_path), [root])


def codes(spec) -> list[tuple[str, int, int]]:
    return [(d.code.value, d.line, d.column) for d in spec.diagnostics]


def test_duplicate_names_are_errors_naming_both_files(tmp_path, write_spec) -> None:
    write_spec("a.modelspec.yaml", spec_text("same"))
    write_spec("team/b.modelspec.yaml", spec_text("same"))
    a, b = catalog_of(tmp_path).files
    [on_a], [on_b] = a.diagnostics, b.diagnostics
    assert (on_a.code, on_a.line, on_a.column) == (Code.DUPLICATE_NAME, 4, 9)
    assert 'name "same" is also used by specs/team/b.modelspec.yaml:4' in on_a.message
    assert "specs/a.modelspec.yaml:4" in on_b.message
    assert not a.valid
    assert not b.valid


def test_a_resolved_spec_ref_links_both_ways(tmp_path, write_spec) -> None:
    write_spec(
        "rag/chat.modelspec.yaml", with_dependencies("chat", "../search/embed.modelspec.yaml")
    )
    write_spec("search/embed.modelspec.yaml", spec_text("embed"))
    catalog = catalog_of(tmp_path)
    chat, embed = catalog.files
    assert chat.diagnostics == []
    [link] = catalog.links[chat]
    assert (link.source, link.target, link.index) == (chat, embed, 0)
    assert catalog.dependents[embed] == [link]
    assert catalog.dependents[chat] == []


def test_a_missing_target_is_a_warning_at_the_spec_ref(tmp_path, write_spec) -> None:
    write_spec("chat.modelspec.yaml", with_dependencies("chat", "./nowhere.modelspec.yaml"))
    [chat] = catalog_of(tmp_path).files
    [warning] = chat.diagnostics
    assert (warning.code, warning.line, warning.column) == (Code.SPECREF_MISSING, 21, 18)
    assert warning.severity is Severity.WARNING
    assert warning.path == "spec.pipeline.dependencies[0].specRef"
    assert chat.valid


def test_a_file_that_is_not_a_spec_is_a_warning(tmp_path, write_spec) -> None:
    write_spec("chat.modelspec.yaml", with_dependencies("chat", "./README.md"))
    write_spec("README.md", "# notes")
    [chat] = catalog_of(tmp_path).files
    [warning] = chat.diagnostics
    assert warning.code is Code.SPECREF_NOT_A_SPEC
    assert "*.modelspec.yaml" in warning.hint


@pytest.mark.parametrize(
    "ref",
    [
        "../../outside.modelspec.yaml",
        "/etc/passwd",
        "sub/../../../outside.modelspec.yaml",
        # Absolute on Windows: a drive, a drive-relative path, a share, a root.
        "C:\\specs\\x.modelspec.yaml",
        "C:x.modelspec.yaml",
        "\\\\server\\share\\x.modelspec.yaml",
        "\\x.modelspec.yaml",
    ],
)
def test_refs_that_leave_the_specs_folder_are_errors_and_never_opened(
    tmp_path, write_spec, monkeypatch, ref
) -> None:
    (tmp_path / "outside.modelspec.yaml").write_text(spec_text("outside"))
    write_spec("team/chat.modelspec.yaml", with_dependencies("chat", ref))
    touched: list[str] = []
    real_open, real_stat = builtins.open, os.stat

    def spy_open(file, *args, **kwargs):
        touched.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_stat(path, *args, **kwargs):
        touched.append(str(path))
        return real_stat(path, *args, **kwargs)

    root = tmp_path / "specs"
    files = load_roots([root], base=tmp_path)
    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "stat", spy_stat)
    catalog = build_catalog(files, [root])
    monkeypatch.undo()
    [chat] = catalog.files
    [error] = chat.errors
    assert error.code is Code.SPECREF_OUTSIDE
    assert (error.line, error.column) == (21, 18)
    assert not chat.valid
    assert not any("outside" in t or t == "/etc/passwd" for t in touched)


def test_refs_may_cross_between_specs_folders(tmp_path, write_spec) -> None:
    write_spec("a/chat.modelspec.yaml", with_dependencies("chat", "../b/embed.modelspec.yaml"))
    write_spec("b/embed.modelspec.yaml", spec_text("embed"))
    roots = [tmp_path / "specs" / "a", tmp_path / "specs" / "b"]
    catalog = build_catalog(load_roots(roots), roots)
    chat, embed = catalog.files
    assert chat.diagnostics == []
    assert catalog.links[chat][0].target is embed


def test_a_cycle_is_a_warning_naming_the_cycle(tmp_path, write_spec) -> None:
    write_spec("a.modelspec.yaml", with_dependencies("a", "./b.modelspec.yaml"))
    write_spec("b.modelspec.yaml", with_dependencies("b", "./c.modelspec.yaml"))
    write_spec("c.modelspec.yaml", with_dependencies("c", "./a.modelspec.yaml"))
    write_spec("d.modelspec.yaml", with_dependencies("d", "./a.modelspec.yaml"))
    catalog = catalog_of(tmp_path)
    a, b, c, d = catalog.files
    [warning] = a.diagnostics
    assert warning.code is Code.DEPENDENCY_CYCLE
    assert warning.message == "dependency cycle: a -> b -> c -> a"
    assert (b.diagnostics, c.diagnostics, d.diagnostics) == ([], [], [])
    assert [[s.name for s in cycle] for cycle in catalog.cycles] == [["a", "b", "c"]]
    assert all(s.valid for s in catalog.files)


def test_a_spec_that_depends_on_itself_is_a_cycle(tmp_path, write_spec) -> None:
    write_spec("a.modelspec.yaml", with_dependencies("a", "./a.modelspec.yaml"))
    [a] = catalog_of(tmp_path).files
    assert [d.message for d in a.diagnostics] == ["dependency cycle: a -> a"]


def test_each_cycle_is_found_among_specs_around_it(tmp_path, write_spec) -> None:
    # a <-> b, entered from "in" and leaving to "leaf" (named twice); p <-> q apart.
    write_spec("a.modelspec.yaml", with_dependencies("a", "./b.modelspec.yaml"))
    write_spec(
        "b.modelspec.yaml",
        with_dependencies(
            "b", "./leaf.modelspec.yaml", "./a.modelspec.yaml", "./leaf.modelspec.yaml"
        ),
    )
    write_spec("in.modelspec.yaml", with_dependencies("in", "./a.modelspec.yaml"))
    write_spec("leaf.modelspec.yaml", spec_text("leaf"))
    write_spec("p.modelspec.yaml", with_dependencies("p", "./q.modelspec.yaml"))
    write_spec("q.modelspec.yaml", with_dependencies("q", "./p.modelspec.yaml"))
    catalog = catalog_of(tmp_path)
    assert [[s.name for s in cycle] for cycle in catalog.cycles] == [["a", "b"], ["p", "q"]]
    warned = {s.name: [d.message for d in s.diagnostics] for s in catalog.files if s.diagnostics}
    assert warned == {
        "a": ["dependency cycle: a -> b -> a"],
        "p": ["dependency cycle: p -> q -> p"],
    }


def test_long_chains_do_not_hit_the_recursion_limit(tmp_path, write_spec) -> None:
    for i in range(1500):
        write_spec(
            f"m{i:04d}.modelspec.yaml", with_dependencies(f"m{i}", f"./m{i + 1:04d}.modelspec.yaml")
        )
    write_spec("m1500.modelspec.yaml", with_dependencies("m1500", "./m0000.modelspec.yaml"))
    catalog = catalog_of(tmp_path)
    assert len(catalog.cycles) == 1
    assert len(catalog.cycles[0]) == 1501


def test_compact_records_give_the_same_diagnostics_as_full_ones(
    tmp_path, write_spec, monkeypatch
) -> None:
    """`modelspec validate` keeps compact records (in one process or several); every
    diagnostic, positions included, must be what the site reports from full ones."""
    root = tmp_path / "specs"
    shutil.copytree(FIXTURES, root / "fixtures")
    write_spec("dup/a.modelspec.yaml", spec_text("twin"))
    write_spec("dup/b.modelspec.yaml", spec_text("twin"))
    write_spec("loop/a.modelspec.yaml", with_dependencies("loop-a", "./b.modelspec.yaml"))
    write_spec("loop/b.modelspec.yaml", with_dependencies("loop-b", "./a.modelspec.yaml"))
    write_spec("refs/r.modelspec.yaml", with_dependencies("r", "./gone.modelspec.yaml", "/etc/x"))

    def diagnostics(**options) -> list[str]:
        catalog = build_catalog(load_roots([root], base=tmp_path, **options), [root])
        return [d.format() for d in catalog.diagnostics]

    full = diagnostics()
    monkeypatch.setattr(loading, "PARALLEL_FROM", 2)  # the fixtures alone are too few
    assert diagnostics(compact=True) == full
    assert diagnostics(compact=True, jobs=2) == full
    shown = "\n".join(full)
    for code in ("duplicate-name", "dependency-cycle", "specref-missing", "specref-outside-root"):
        assert f"[{code}]" in shown
    assert "[duplicate-key]" in shown  # a per-file problem from the fixtures too
