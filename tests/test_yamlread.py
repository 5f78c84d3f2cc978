"""The YAML reader: YAML 1.2 values, YAML 1.1 ambiguities, and fast/precise agreement."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_modelspec import yamlread
from mkdocs_modelspec.diagnostics import Code
from mkdocs_modelspec.loading import load_file
from mkdocs_modelspec.yamlread import ambiguity, read_fast, read_precise, resolve_plain

from conftest import FULL, MINIMAL


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("on", "on"),
        ("2025-01-01", "2025-01-01"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("0o17", 15),
        ("0x1F", 31),
        ("017", 17),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("12:30", "12:30"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
    ],
)
def test_plain_scalars_follow_yaml_1_2(text: str, value: Any) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "N",
        "2025-01-01",
        "12:30",
        "1_000",
        "0b101",
        "017",
        "0o17",
        "1e3",
        "=",
    ],
)
def test_scalars_read_differently_by_yaml_1_1_are_ambiguous(text: str) -> None:
    assert ambiguity(text, resolve_plain(text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "true",
        "False",
        "null",
        "~",
        "12",
        "0",
        "-4",
        "1.5",
        "0.25",
        "0x1F",
        ".inf",
        ".5",
        "vllm",
        "a100-80gb",
        "2025-01",
        "v1.2.3",
        "s3://bucket/key",
        "yesterday",
        "online",
    ],
)
def test_scalars_both_versions_agree_on_are_not(text: str) -> None:
    assert ambiguity(text, resolve_plain(text)) is None


def test_positions_cover_keys_and_values() -> None:
    doc = read_precise("a:\n  b:\n    - x: 1\n      y: [2]\n")
    where = doc.where(("a", "b", 0, "x"))
    assert (where.key_line, where.key_column, where.line, where.column) == (3, 7, 3, 10)
    assert doc.where(("a", "missing", "deeper")) == doc.where(("a",))


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    bomb = "a: &a [x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(20)
    )
    doc = read_precise(bomb)
    assert [p.code for p in doc.problems] == [Code.YAML_ALIAS]
    assert doc.data is None
    assert read_fast(bomb.encode(), bomb) is None


def test_the_fast_reader_vouches_for_ordinary_specs() -> None:
    for text in (MINIMAL, FULL):
        data = read_fast(text.encode(), text)
        assert data is not None
        assert data == read_precise(text).data


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL + "  extra: yes\n",
        MINIMAL.replace("count: 1", "count: 017"),
        MINIMAL.replace("count: 1", "count:\n        017"),
        MINIMAL.replace("count: 1", "count: \n        017"),  # a trailing space
        MINIMAL.replace("count: 1", "count: # how many\n        017"),
        MINIMAL.replace("id: tiny", "id:\n        12:30"),  # a colon, but no key
        MINIMAL.replace("count: 1", "count:\n        -017"),  # a dash, but no item
        MINIMAL.replace("\n", "\r\n"),
        MINIMAL.replace("id: tiny", "id: &x tiny"),
        MINIMAL + "---\n",
        # Block scalars other than the usual `key: |` with text on the next lines.
        MINIMAL.replace("id: tiny", "id: |\n      family: x"),  # empty, then a key
        MINIMAL.replace("id: tiny", "id: |2\n          tiny"),  # indentation indicator
        MINIMAL.rstrip("\n") + "\n  note: >-\n    no final line break",
        MINIMAL + "  steps:\n    - |\n      an item\n",
        # `@` and a backquote may not start a plain scalar.
        MINIMAL.replace("family: tiny-family", "family: @team"),
        MINIMAL.replace("id: tiny", "id: `tiny`"),
        # Something to look at, next to non-ASCII text that used to hide it.
        MINIMAL.replace("id: tiny", "id: &f caf\u00e9"),
        # Number-like values YAML 1.1 reads otherwise, or that go on to the next line.
        MINIMAL.replace("id: tiny", "id: 2025-01-01"),
        MINIMAL.replace("id: tiny", "id: 0o17"),
        MINIMAL.replace("id: tiny", "id: 2001-1-1\n        10:00:00"),
        MINIMAL.replace("  name: fixture-minimal", "  name: x\n  labels:\n    on: x"),
        "- " * 5000 + "x\n",
    ],
)
def test_the_fast_reader_leaves_unusual_text_to_the_precise_one(text: str) -> None:
    assert read_fast(text.encode(), text) is None


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("description: >-\n    Two lines\n    folded.\n", "Two lines folded."),
        ("description: |\n    kept\n    lines\n", "kept\nlines\n"),
        ("description: |+ # keep\n    kept\n\n", "kept\n\n"),
        ("owner: ml-team@example.com\n", "ml-team@example.com"),
        ("description: uses `vllm` -> fast | cheap\n", "uses `vllm` -> fast | cheap"),
        ("parameters: 70b\n", "70b"),
        ("version: 1.2.0  # semver\n", "1.2.0"),
        ("memory: 16Gi\n", "16Gi"),
    ],
)
def test_the_fast_reader_takes_what_real_specs_write(written: str, value: str) -> None:
    text = "metadata:\n  name: m\nextra:\n  " + written
    fast = read_fast(text.encode(), text)
    assert fast is not None, text
    assert fast == read_precise(text).data
    assert next(iter(fast["extra"].values())) == value


@pytest.mark.parametrize(
    "character", ["\x85", "\u2028", "\u2029", "\ufeff", "\x01", "\x7f", "\x9f", "\ufffe"]
)
def test_characters_yaml_1_1_reads_differently_take_the_precise_path(character: str) -> None:
    text = MINIMAL.replace("id: tiny", f"id: ti{character}ny")
    assert read_fast(text.encode(), text) is None


@pytest.mark.parametrize("character", ["\xe9", "\u2027", "\u202a", "\uff00", "\U0001f600"])
def test_other_non_ascii_text_stays_on_the_fast_path(character: str) -> None:
    text = MINIMAL.replace("id: tiny", f"id: ti{character}ny")
    assert read_fast(text.encode(), text) == read_precise(text).data


def test_without_the_fast_parser_everything_takes_the_precise_path(monkeypatch) -> None:
    monkeypatch.setattr(yamlread, "yaml_rs", None)
    assert read_fast(MINIMAL.encode(), MINIMAL) is None


# --- the fast and the precise reader agree wherever the fast one answers ---------------

WORDS = st.sampled_from(
    [
        "name",
        "on",
        "y",
        "No",
        "true",
        "TRUE",
        "null",
        "~",
        "12",
        "017",
        "0o17",
        "1e3",
        "1.5",
        ".5",
        "+3",
        "-2",
        "1_0",
        "12:30",
        "2025-01-01",
        "2025-01",
        "0x1F",
        ".inf",
        ".nan",
        "x y",
        "a:b",
        "a #b",
        "é",
        "v1",
        "-",
        "--",
        "...",
        "''",
        "s3://b/k",
        "100%",
        "a'b",
        "",
        # What real specs write, which the fast reader takes after a closer look.
        "70b",
        "1.2.0",
        "16Gi",
        "2001-1-1",
        "a@b.c",
        "@x",
        "`x`",
        "a -> b",
        "a | b",
        "é&x",
    ]
)
SCALAR_TEXT = st.one_of(WORDS, st.text(alphabet="ab01 .:-#'\"éyn@>|&", min_size=0, max_size=8))
BLOCK_HEADERS = st.sampled_from(["|", "|-", "|+", ">", ">-", ">+", "|2", "| # c", ">-  "])


@st.composite
def scalars(draw: st.DrawFn) -> str:
    text = draw(SCALAR_TEXT)
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.one_of(st.sampled_from(["name", "count", "on", "1", "labels"]), WORDS))
        kind = draw(
            st.sampled_from(["scalar", "scalar", "map", "list", "own-line", "block", "continued"])
        )
        if kind == "map" and depth < 3:
            lines.append(f"{key}:")
            lines += ["  " + line for line in draw(documents(depth + 1))]
        elif kind == "list" and depth < 3:
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(1, 2))):
                item = draw(documents(depth + 1))
                lines += ["  - " + item[0]] + ["    " + line for line in item[1:]]
        elif kind == "own-line":
            lines += [f"{key}:", "  " + draw(scalars())]
        elif kind == "block":
            lines.append(f"{key}: {draw(BLOCK_HEADERS)}")
            body = draw(st.lists(st.one_of(st.just(""), SCALAR_TEXT), max_size=3))
            lines += [("  " + line if line else "") for line in body]
        elif kind == "continued":  # a plain value that goes on over the next line
            lines += [f"{key}: {draw(SCALAR_TEXT)}", "  " + draw(SCALAR_TEXT)]
        else:
            comment = draw(st.sampled_from(["", "  # note", " #x"]))
            lines.append(f"{key}: {draw(scalars())}{comment}")
    return lines


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(["\n", "", "\n\n"]))
def test_where_the_fast_reader_answers_the_data_is_the_same(lines: list[str], end: str) -> None:
    text = "\n".join(lines) + end
    fast = read_fast(text.encode(), text)
    # A key such as 1 or true: the precise reader keeps it as text and reports it, the
    # fast one gives an int or a bool, which the format then refuses, so the file is
    # read again precisely (the next test checks that whole round).
    if fast is not None and only_text_keys(fast):
        precise = read_precise(text)
        assert same(fast, precise.data)
        # Keys are the format's business (an `on:` key is an unknown field there, and
        # the file is then read again precisely); every value must be beyond reproach.
        if unambiguous_keys(fast):
            assert [p.message for p in precise.problems] == []


def unambiguous_keys(node: Any) -> bool:
    if isinstance(node, dict):
        return all(
            ambiguity(k, resolve_plain(k)) is None and unambiguous_keys(v) for k, v in node.items()
        )
    if isinstance(node, list):
        return all(unambiguous_keys(v) for v in node)
    return True


def only_text_keys(node: Any) -> bool:
    if isinstance(node, dict):
        return all(isinstance(k, str) and only_text_keys(v) for k, v in node.items())
    if isinstance(node, list):
        return all(only_text_keys(v) for v in node)
    return True


# Places in FULL whose value the next test replaces, and extra label lines.
SLOTS = [
    "  description: ",
    "    team: ",
    "    owner: ",
    "        LOG_FORMAT: ",
    "      family: ",
    "      count: ",
    "      port: ",
    "      memoryGb: ",
    "        enabled: ",
    "      targetRps: ",
    "        policy: ",
    "        allowed: ",
]


@st.composite
def values(draw: st.DrawFn) -> str:
    """A one-line scalar, or a block scalar whose text sits under a two-space key."""
    if draw(st.integers(0, 3)):
        return draw(scalars())
    body = draw(st.lists(st.one_of(st.just(""), SCALAR_TEXT), max_size=3))
    return draw(BLOCK_HEADERS) + "".join("\n" + ("    " + line if line else "") for line in body)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(SLOTS), values()), min_size=1, max_size=4),
    st.lists(st.tuples(WORDS, scalars()), max_size=2),
)
def test_a_spec_gets_the_same_verdict_with_or_without_the_fast_reader(
    tmp_path_factory, replacements: list[tuple[str, str]], labels: list[tuple[str, str]]
) -> None:
    lines = FULL.splitlines()
    for slot, value in replacements:
        index = next(i for i, line in enumerate(lines) if line.startswith(slot))
        lines[index] = slot + value
    at = lines.index("  labels:") + 1
    lines[at:at] = [f"    {key}: {value}" for key, value in labels]
    text = "\n".join(lines) + "\n"
    path = tmp_path_factory.mktemp("agree") / "s.modelspec.yaml"
    path.write_text(text, encoding="utf-8")
    fast = load_file(str(path), str(path.parent))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlread, "yaml_rs", None)
        precise = load_file(str(path), str(path.parent))
    assert fast.diagnostics == precise.diagnostics
    assert fast.valid == precise.valid
    assert same(fast.data, precise.data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_bytes_give_a_spec_or_an_error_never_an_exception(tmp_path_factory, raw) -> None:
    path = tmp_path_factory.mktemp("any") / "x.modelspec.yaml"
    path.write_bytes(raw)
    spec = load_file(str(path), str(path.parent))
    assert spec.valid or spec.errors
    for diagnostic in spec.diagnostics:
        assert diagnostic.line >= 1
        assert diagnostic.column >= 1


def test_numbers_are_kept_as_written() -> None:
    text = (
        "a:\n  b: [1.0e-5, {c: 0.50}, x]\n  d: 12345.678901234\n  e: +5\n  f: '3'\n"
        "  g: .5\n  h: true\n"
    )
    assert yamlread.written_numbers(text) == {
        ("a", "b", 0): "1.0e-5",
        ("a", "b", 1, "c"): "0.50",
        ("a", "d"): "12345.678901234",
        ("a", "e"): "+5",
        ("a", "g"): ".5",
    }


@pytest.mark.parametrize(
    "text",
    ["? apiVersion: piqc.ai/v1alpha1\n", "? [a, 1]\n: 2\n? {x: 1}\n: {y: 3.0}\n", "a: [", ""],
)
def test_written_numbers_read_through_odd_yaml(text: str) -> None:
    # Collections as keys (refused by the reader) and broken YAML: no exception, and
    # no number recorded under a wrong path.
    found = yamlread.written_numbers(text)
    assert all(isinstance(path, tuple) for path in found)
    assert ("apiVersion",) not in found
