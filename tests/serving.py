"""Build a project as ``mkdocs serve`` rebuilds it, in this process, and compare sites.

:class:`Served` does what ``mkdocs serve`` does on each change (``mkdocs/commands/
serve.py``): a new configuration is loaded, the plugins that define ``on_startup`` are
the same instances as in the builds before (MkDocs keeps them), ``site_url`` is the
server's address, and ``build(config, serve_url=..., dirty=...)`` writes into the
same temporary site folder. :func:`clean_build` makes the site a fresh ``mkdocs serve``
would make of the same files, with fresh plugins.
"""

from __future__ import annotations

import gc
import gzip
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

URL = "http://127.0.0.1:8000/"


def _kept() -> dict[str, Any]:
    """The plugin instances MkDocs keeps from one configuration to the next."""
    return dict(MkDocsConfig._schema)["plugins"].plugin_cache  # type: ignore[no-any-return]


@contextmanager
def _plugins(instances: dict[str, Any]) -> Iterator[None]:
    kept = _kept()
    saved = dict(kept)
    kept.clear()
    kept.update(instances)
    try:
        yield
    finally:
        instances.clear()
        instances.update(kept)
        kept.clear()
        kept.update(saved)


def _config(project: Path, site: Path) -> MkDocsConfig:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))


class Served:
    """A project under ``mkdocs serve`` (``dirty``: ``mkdocs serve --dirty``)."""

    def __init__(self, project: Path, site: Path, *, dirty: bool = True) -> None:
        self.project, self.site, self.dirty = project, site, dirty
        self.instances: dict[str, Any] = {}
        with _plugins(self.instances):
            _config(project, site).plugins.on_startup(command="serve", dirty=dirty)

    def plugin(self, name: str = "modelspec") -> Any:
        return self.instances[name]

    def rebuild(self) -> float:
        """One rebuild, as after a change; its seconds."""
        with _plugins(self.instances):
            config = _config(self.project, self.site)
            config.site_url = URL
            started = time.perf_counter()
            try:
                build(config, serve_url=URL, dirty=self.dirty)
            finally:
                # The plugin freezes what a server keeps (gc.freeze): not this process's.
                gc.unfreeze()
            return time.perf_counter() - started


def clean_build(project: Path, site: Path) -> None:
    """The site as the first build of a fresh ``mkdocs serve`` writes it."""
    shutil.rmtree(site, ignore_errors=True)
    with _plugins({}):
        config = _config(project, site)
        config.plugins.on_startup(command="serve", dirty=False)
        config.site_url = URL
        build(config, serve_url=URL, dirty=False)


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file of a site by path (a gzip file by what it holds: its header holds a
    time)."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[path.relative_to(site).as_posix()] = (
                gzip.decompress(data) if path.suffix == ".gz" else data
            )
    return found


def differences(served: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    """What the served site holds that the clean build does not, file by file."""
    return [
        f"{path}: {'only in the served site' if path not in clean else 'missing' if path not in served else 'differs'}"
        for path in sorted(served.keys() | clean.keys())
        if served.get(path) != clean.get(path)
    ]


def written_since(site: Path, before: dict[str, int]) -> set[str]:
    """The files of a site written since ``before`` (``modification_times``)."""
    now = modification_times(site)
    return {path for path, when in now.items() if before.get(path) != when}


def modification_times(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()
    }
