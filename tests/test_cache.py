"""Under `mkdocs serve`, specs that did not change are not read again."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import LoadCache, load_roots

from conftest import spec_text


def test_unchanged_files_come_from_the_cache(tmp_path: Path, write_spec) -> None:
    a = write_spec("a.modelspec.yaml", spec_text("same-name"))
    write_spec("b.modelspec.yaml", spec_text("same-name"))
    root = tmp_path / "specs"
    cache = LoadCache()
    first = build_catalog(load_roots([root], cache=cache), [root])
    assert (cache.hits, cache.misses) == (0, 2)
    second = build_catalog(load_roots([root], cache=cache), [root])
    assert (cache.hits, cache.misses) == (2, 2)
    # The catalog's own diagnostics are made again each build, never piled up.
    assert [d.format() for d in second.diagnostics] == [d.format() for d in first.diagnostics]
    assert len(second.diagnostics) == 2

    a.write_text(spec_text("other-name"))
    stat = a.stat()
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    third = build_catalog(load_roots([root], cache=cache), [root])
    assert (cache.hits, cache.misses) == (3, 3)
    assert third.diagnostics == []
    assert sorted(s.name for s in third.files) == ["other-name", "same-name"]


def test_deleted_files_leave_the_cache(tmp_path: Path, write_spec) -> None:
    gone = write_spec("gone.modelspec.yaml", spec_text("gone"))
    write_spec("kept.modelspec.yaml", spec_text("kept"))
    root = tmp_path / "specs"
    cache = LoadCache()
    load_roots([root], cache=cache)
    gone.unlink()
    assert [s.name for s in load_roots([root], cache=cache)] == ["kept"]
