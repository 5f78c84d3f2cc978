"""Guarantee 1, no crash: any bytes in any spec file end as a model or as diagnostics.

The property tests run the whole pipeline the plugin runs (load every file, check the
catalog, generate every page) on random trees of spec files: random YAML, YAML-like
token soup, and valid specs mutated field by field. ``tests/test_yamlread.py`` already
feeds random bytes to the loader of one file; these go through the catalog and the
pages too, several files at a time, so names, ``specRef`` links and graphs are hit.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import SpecFile, load_roots
from mkdocs_modelspec.pages import MODELS_JSON, Options, Page, Site

from conftest import FULL, MINIMAL
from sites import build, make_site

# --- what random specs are made of ------------------------------------------------------

ODD_TEXT = [
    "",
    " ",
    "\x00",
    "\x7f\x85",
    "\u2028\u2029",
    "\ufeff",
    "\u202egnp.exe",  # right-to-left override
    "a\u200bb",  # zero-width space
    "e\u0301\u0301\u0301",  # combining marks
    "日本語モデル",
    "\uff26\uff55\uff4c\uff4c",  # fullwidth letters
    "\U0001f600\U0001f4a5",
    "../../etc/passwd",
    "/abs/path",
    "C:\\Windows\\x",
    "a/b",
    "index",
    "hardware",
    "Model-A",
    "model-a",
    "<script>window.pwned=1</script>",
    "[x](javascript:alert(1))",
    "{{ config }}",
    "| a | b |",
    '--8<-- "/etc/passwd"',
    "yes",
    "0x1F",
    ".inf",
    "- item",
    "# heading",
]
TEXT = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=20))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, 2**63, 10**30, -1, 0, 0.5]),
    st.integers(),
    st.floats(),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
HUGE = [  # made afresh each time: a mutation must not change the next example's input
    lambda: "x" * 50_000,
    lambda: "word " * 10_000,
    lambda: list(range(2_000)),
    lambda: {f"k{i}": i for i in range(500)},
]


def nested(depth: int, leaf: Any = "deep") -> Any:
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"k": leaf}
    return leaf


TOKENS = [
    "apiVersion: piqc.ai/v1alpha1\n",
    "kind: ModelSpec\n",
    "metadata:\n",
    "  name: ",
    "spec:\n",
    "  ",
    "\n",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!custom ",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "? ",
    "%YAML 1.2\n",
    "#",
    "'",
    '"',
    "\\",
    "\t",
    "\r",
    "\ufeff",
    "\x85",
    "\u2028",
    "é",
    "日本",
    "\U0001f600",
    "0x1F",
    "017",
    "yes",
    "~",
    ".inf",
    "1e3",
    "2025-01-01",
    "name",
    "x",
]
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def random_yaml() -> st.SearchStrategy[str]:
    """Any data (odd text, nan, huge numbers, nesting) written as YAML in any style."""
    return st.builds(
        lambda data, flow, unicode: yaml.safe_dump(
            data, default_flow_style=flow, allow_unicode=unicode, sort_keys=False
        ),
        VALUES,
        st.sampled_from([False, True, None]),
        st.booleans(),
    )


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``node`` that holds a value."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


# Fields the pages read and compute with: mutated more often than the others.
KEY_FIELDS = frozenset(
    [
        "name",
        "team",
        "owner",
        "supportChannel",
        "environment",
        "labels",
        "annotations",
        "variables",
        "id",
        "family",
        "task",
        "framework",
        "vendor",
        "type",
        "count",
        "minReplicas",
        "maxReplicas",
        "maxBatchSize",
        "maxSequenceLengthTokens",
        "port",
        "timeoutSeconds",
        "size",
        "logsDays",
        "artifactsDays",
        "targetCostPer1kTokensUsd",
        "targetRps",
        "allowed",
        "policy",
        "steps",
        "enabled",
        "dependencies",
        "specRef",
        "required",
        "role",
        "interface",
    ]
)
SPECIAL = [
    lambda: math.nan,
    lambda: math.inf,
    lambda: -math.inf,
    lambda: 1e308,
    lambda: 2**63,
    lambda: -1,
    lambda: 0,
    lambda: 0.5,
    lambda: "",
    lambda: "4",
    lambda: True,
    lambda: None,
    list,
    dict,
    lambda: {"int": 1},
    lambda: [{"name": None}],
]


@st.composite
def mutated_spec(draw: st.DrawFn, others: list[str]) -> str:
    """A valid spec with one to four of its fields broken (or made odd but valid)."""
    data = yaml.safe_load(draw(st.sampled_from([FULL, MINIMAL])))
    deps = data["spec"].setdefault("pipeline", {}).setdefault("dependencies", [])
    for ref in draw(
        st.lists(
            st.sampled_from(
                [*others, "../outside.modelspec.yaml", "/etc/passwd", "", "./self.modelspec.yaml"]
            )
            | TEXT,
            max_size=3,
        )
    ):
        deps.append({"id": draw(TEXT) or "dep", "role": "input", "specRef": ref})
    for _ in range(draw(st.integers(1, 4))):
        places = paths(data)
        if not places:
            break
        key_places = [p for p in places if p[-1] in KEY_FIELDS] or places
        place = draw(st.sampled_from(key_places) | st.sampled_from(places))
        *parents, last = place
        parent = data
        for part in parents:
            parent = parent[part]
        action = draw(
            st.sampled_from(["special", "replace", "odd", "huge", "deep", "delete", "extra"])
        )
        if action == "delete":
            del parent[last]
        elif action == "extra":
            target = parent[last] if isinstance(parent[last], dict) else parent
            if isinstance(target, dict):
                target[draw(TEXT)] = draw(VALUES)
        elif action == "special":
            parent[last] = draw(st.sampled_from(SPECIAL))()
        elif action == "replace":
            parent[last] = draw(VALUES)
        elif action == "odd":
            parent[last] = draw(st.sampled_from(ODD_TEXT))
        elif action == "huge":
            parent[last] = draw(st.sampled_from(HUGE))()
        else:
            parent[last] = nested(draw(st.integers(30, 40)))
    return yaml.safe_dump(
        data,
        sort_keys=False,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None])),
    )


@st.composite
def spec_trees(draw: st.DrawFn) -> dict[str, bytes]:
    """One to five spec files, in folders, that may refer to each other."""
    count = draw(st.integers(1, 5))
    names = [
        f"{draw(st.sampled_from(['', 'team/', 'team/sub/']))}f{i}.modelspec.yaml"
        for i in range(count)
    ]
    refs = [f"./{n.rsplit('/', 1)[-1]}" for n in names] + [f"../{n}" for n in names]
    tree = {}
    for name in names:
        kind = draw(st.sampled_from(["mutated", "mutated", "yaml", "soup", "bytes"]))
        if kind == "mutated":
            tree[name] = draw(mutated_spec(refs)).encode()
        elif kind == "yaml":
            tree[name] = draw(random_yaml()).encode()
        elif kind == "soup":
            tree[name] = draw(TOKEN_SOUP).encode()
        else:
            tree[name] = draw(st.binary(max_size=200))
    return tree


# --- the checks ---------------------------------------------------------------------------


def load(folder: Path, tree: dict[str, bytes]) -> tuple[list[SpecFile], Path]:
    """Write ``tree`` under ``folder/specs`` and load it as the plugin does."""
    shutil.rmtree(folder, ignore_errors=True)
    root = folder / "specs"
    for name, raw in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    return load_roots([root], base=folder), root


def publish(specs: list[SpecFile], root: Path) -> tuple[list[Page], dict[str, Any]]:
    """What the site gains from ``specs``: the generated pages and ``models.json``."""
    site = Site(build_catalog(specs, [root]), Options())
    pages = site.pages()
    files = site.files()  # models.json, and the downloads beside each page
    return pages, json.loads(files[MODELS_JSON])


def assert_accounted_for(tree: dict[str, bytes], specs, pages, models_json) -> None:
    assert sorted(s.rel for s in specs) == sorted(tree)
    for spec in specs:
        # A model, or at least one error saying why not: never neither.
        assert spec.valid or spec.errors, spec.display
        for d in spec.diagnostics:
            assert d.file == spec.display
            assert d.line >= 1
            assert d.column >= 1
            assert d.message
    model_pages = [p for p in pages if p.spec is not None]
    assert sorted(p.spec.path for p in model_pages) == sorted(s.path for s in specs)
    problems = next(p.content for p in pages if p.src_uri == "models/problems.md")
    for spec in specs:
        if spec.diagnostics:
            assert spec.display in problems, spec.display
    assert sorted(m["file"] for m in models_json["models"]) == sorted(s.display for s in specs)


FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@settings(FUZZ, max_examples=40)
@given(tree=spec_trees())
def test_any_tree_of_spec_files_publishes_without_an_exception(tmp_path_factory, tree) -> None:
    specs, root = load(tmp_path_factory.mktemp("tree"), tree)
    assert_accounted_for(tree, specs, *publish(specs, root))


# Every field of a full spec, one at a time, replaced by each kind of wrong value (or
# removed): random mutations rarely hit one field with one kind, this hits them all.
WRONG_VALUES = {
    "mapping": dict,
    "list": lambda: [1, {"int": None}],
    "multi-line-text": lambda: "two\n\nlines <b>4</b>",
    "not-finite": lambda: -math.inf,
    "missing": None,
}


@pytest.mark.parametrize("kind", sorted(WRONG_VALUES))
def test_every_field_with_every_kind_of_wrong_value(tmp_path: Path, kind: str) -> None:
    tree = {}
    for index, place in enumerate(paths(yaml.safe_load(FULL))):
        data = yaml.safe_load(FULL)
        data["metadata"]["name"] = f"m{index}"
        *parents, last = place
        parent = data
        for part in parents:
            parent = parent[part]
        if WRONG_VALUES[kind] is None:
            del parent[last]
        else:
            parent[last] = WRONG_VALUES[kind]()
        tree[f"f{index}.modelspec.yaml"] = yaml.safe_dump(data, sort_keys=False).encode()
    specs, root = load(tmp_path, tree)
    assert_accounted_for(tree, specs, *publish(specs, root))
    assert any(not s.valid for s in specs)


# Found by the tests above: each crashed the whole build before it was fixed.
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("count: 2", "count: {a: 1}"),  # a mapping where a number goes
        ("targetRps: 12.5", "targetRps: {rps: 1}"),
        ("artifactsDays: 60", "artifactsDays: {int: 1}"),
        ("count: 2", 'count: "two\n\nlines"'),  # a blank line in a raw HTML block
    ],
)
def test_inputs_that_once_crashed_the_build(tmp_path: Path, old: str, new: str) -> None:
    tree = {"x.modelspec.yaml": FULL.replace(old, new).encode()}
    specs, root = load(tmp_path, tree)
    pages, models_json = publish(specs, root)
    assert_accounted_for(tree, specs, pages, models_json)
    [spec] = specs
    assert [d.code.value for d in spec.errors][:1] == ["wrong-type"]
    [page] = [p for p in pages if p.spec is spec]
    box = next(line for line in page.content.splitlines() if "This spec has" in line)
    assert "modelspec-diagnostics" in box  # the whole box on the line of its title


# --- non-finite numbers ------------------------------------------------------------------
# .nan and .inf where the pages compute with a number (accelerators, retention) once
# crashed the build (int() of them in the views): now they are simply not counted.


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("count: 2", "count: .nan"),
        ("count: 2", "count: .inf"),
        ("logsDays: 14", "logsDays: -.inf"),
    ],
)
def test_a_non_finite_number_gives_a_diagnostic(tmp_path: Path, old: str, new: str) -> None:
    specs, root = load(tmp_path, {"x.modelspec.yaml": FULL.replace(old, new).encode()})
    assert [d.code.value for d in specs[0].errors] == ["wrong-type"]
    publish(specs, root)


# --- real builds of generated broken trees --------------------------------------------------


@settings(FUZZ, max_examples=1)
@given(tree=spec_trees())
def test_a_generated_tree_builds_and_fails_only_a_strict_build(tmp_path_factory, tree) -> None:
    root = tmp_path_factory.mktemp("build")
    specs, _ = load(root / "check", tree)
    make_site(root, dict(tree))
    done = build(root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(json.loads((root / "site/models.json").read_text())["models"]) == len(specs)
    for spec in specs:
        for d in spec.diagnostics:
            assert f"{d.file}:{d.line}:{d.column}" in done.stderr
    strict = build(root, "--strict")
    assert "Traceback" not in strict.stderr
    assert strict.returncode == (1 if any(s.diagnostics for s in specs) else 0), strict.stderr


BROKEN_TREE = {
    "ok.modelspec.yaml": MINIMAL,
    "full.modelspec.yaml": FULL,
    "soup.modelspec.yaml": "apiVersion: [\n{ &a *a !!x\n\t- ",
    "mapping.modelspec.yaml": MINIMAL.replace("name: fixture-minimal", "name: mapping").replace(
        "count: 1", "count: {int: 1}"
    ),
    "deep.modelspec.yaml": MINIMAL.replace("name: fixture-minimal", "name: deep")
    + "  x: "
    + "[" * 40
    + "]" * 40
    + "\n",
    "odd-name.modelspec.yaml": MINIMAL.replace(
        "name: fixture-minimal", 'name: "\\u202e\\u0000 ../../x"'
    ),
    "bytes.modelspec.yaml": b"\xff\x00\x01 not text",
    "team/huge.modelspec.yaml": MINIMAL.replace(
        "name: fixture-minimal", "name: huge\n  description: " + "word " * 40_000
    ),
}


def test_a_broken_tree_fails_a_strict_build_and_passes_a_normal_one(tmp_path: Path) -> None:
    root = make_site(tmp_path, BROKEN_TREE)
    strict = build(root, "--strict")
    assert strict.returncode == 1, strict.stderr
    assert "Traceback" not in strict.stderr
    done = build(root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    problems = (root / "site/models/problems/index.html").read_text(encoding="utf-8")
    # The others are huge, but valid; odd-name is valid too, with a warning about the
    # direction override and the NUL its name holds (hidden-characters).
    broken = {"soup", "mapping", "deep", "bytes", "odd-name"}
    for name in BROKEN_TREE:
        assert (f"specs/{name}" in problems) == (name.split(".")[0] in broken), name
