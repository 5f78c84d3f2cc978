"""No generated page grows with the size of the catalog, except the overview pages.

A model page shows its own spec, its dependencies and its dependents: adding models
that are unrelated to it must not change a byte of it. (How fast and how large the
site is at 10,000 specs is measured by ``benchmarks/build.py``, not here.)
"""

from __future__ import annotations

from pathlib import Path

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import OVERVIEWS, Options, Site

from conftest import FIXTURES, spec_text

CATALOG = FIXTURES / "catalog"


def site_pages(root: Path) -> dict[str, str]:
    site = Site(build_catalog(load_roots([root], base=root.parent), [root]), Options())
    return {page.src_uri: page.content for page in site.pages()} | site.files()


def test_model_pages_do_not_grow_with_the_catalog(tmp_path: Path) -> None:
    small = tmp_path / "small" / "specs"
    large = tmp_path / "large" / "specs"
    for root in (small, large):
        for spec in CATALOG.rglob("*.yaml"):
            target = root / spec.relative_to(CATALOG)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(spec.read_bytes())
    for i in range(120):
        path = large / "more" / f"m{i:03d}.modelspec.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(spec_text(f"extra-{i:03d}"))
    few, many = site_pages(small), site_pages(large)
    overviews = {f"models/{name}" for name, _, _ in OVERVIEWS} | {
        "models.json",
        "models/catalog.json",
    }
    shared = sorted(set(few) & set(many))
    assert "models/chat.md" in shared
    assert "models/chat.yaml" in shared
    for name in shared:
        if name not in overviews:
            assert few[name] == many[name], name
    assert len(many["models/index.md"]) > len(few["models/index.md"])  # overviews do grow
