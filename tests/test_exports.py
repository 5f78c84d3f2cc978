"""models.json, `modelspec export`, `modelspec generate`, the schema and the field reference."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.cli import main
from mkdocs_modelspec.format import json_schema
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site
from mkdocs_modelspec.views.fields import fields_page, schema_fields

from conftest import FIXTURES, PUBLISHED_SCHEMA, ROOT
from sites import CONFIG, build, make_site, read_page

CATALOG = FIXTURES / "catalog"


def test_models_json_lists_every_spec_with_a_url_that_exists(tmp_path: Path) -> None:
    root = make_site(tmp_path, CATALOG)
    assert build(root).returncode == 0
    site = root / "site"
    document = json.loads((site / "models.json").read_text())
    assert set(document) == {
        "schemaVersion",
        "generator",
        "apiVersion",
        "models",
        "diagnostics",
        "unmatched",
        "observed",
    }
    assert [m["source"] for m in document["models"]] == [
        "broken.modelspec.yaml",
        "guard.modelspec.yaml",
        "rag/chat.modelspec.yaml",
        "rag/embed.modelspec.yaml",
    ]
    for model in document["models"]:
        assert (site / model["url"] / "index.html").is_file(), model["url"]
        assert set(model) >= {
            "name",
            "url",
            "source",
            "valid",
            "team",
            "owner",
            "spec",
            "dependencies",
            "dependents",
        }
    chat = next(m for m in document["models"] if m["name"] == "chat")
    assert chat["valid"] is True
    assert chat["team"] == "assistant"
    assert chat["owner"] == "assistant-owners"
    assert chat["spec"]["spec"]["runtime"]["accelerator"]["count"] == 4
    assert chat["dependencies"][0] == {
        "id": "embedder",
        "role": "input",
        "required": True,
        "specRef": "./embed.modelspec.yaml",
        "model": "embed",
    }
    assert chat["dependencies"][2]["model"] is None  # the missing reranker
    guard = next(m for m in document["models"] if m["name"] == "guard")
    assert guard["dependents"] == ["chat"]
    broken = next(m for m in document["models"] if m["name"] == "broken")
    assert broken["valid"] is False
    codes = {(d["file"], d["line"], d["column"], d["code"]) for d in document["diagnostics"]}
    assert ("specs/broken.modelspec.yaml", 18, 14, "wrong-type") in codes
    for diagnostic in document["diagnostics"]:
        assert set(diagnostic) >= {"file", "line", "column", "severity", "code", "message"}


def test_each_model_page_offers_its_spec_as_yaml_and_json(tmp_path: Path) -> None:
    root = make_site(tmp_path, CATALOG)
    assert build(root, "--strict").returncode == 1  # the catalog has problems on purpose
    assert build(root).returncode == 0
    site = root / "site"
    yaml_text = (site / "models/chat.yaml").read_text()
    assert yaml_text == (CATALOG / "rag/chat.modelspec.yaml").read_text()
    as_json = json.loads((site / "models/chat.json").read_text())
    assert as_json["metadata"]["name"] == "chat"
    links = [a.get("href") for tag, a in read_page(site, "models/chat").elements if tag == "a"]
    assert "../chat.yaml" in links
    assert "../chat.json" in links


def test_the_schema_is_published_and_validates_like_the_published_one(tmp_path: Path) -> None:
    root = make_site(tmp_path, CATALOG)
    assert build(root).returncode == 0
    published = json.loads((root / "site/schemas/modelspec-v1alpha1.json").read_text())
    assert published == json_schema()
    validator = jsonschema.Draft202012Validator(published)
    reference = jsonschema.Draft202012Validator(json.loads(PUBLISHED_SCHEMA.read_text()))
    import yaml

    for path in sorted(CATALOG.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert validator.is_valid(data) == reference.is_valid(data), path


def test_export_writes_the_same_catalog_as_models_json(tmp_path: Path, capsys, monkeypatch) -> None:
    root = make_site(tmp_path, CATALOG)
    assert build(root).returncode == 0
    monkeypatch.chdir(root)
    assert main(["export"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == json.loads((root / "site/models.json").read_text())
    assert main(["export", "--specs", "specs", "-o", "out.json"]) == 0
    assert json.loads((root / "out.json").read_text()) == exported


class _Tokens(HTMLParser):
    """An HTML fragment as its tags (attributes sorted) and its words, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []
        self.skipped: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # The plugin's tables with a row per model come in a block of their own.
        skip = tag == "div" and ("class", "modelspec-rows") in attrs
        self.skipped.append(skip)
        if not skip:
            self.tokens.append(f"<{tag} {sorted(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        skip = self.skipped.pop() if self.skipped else False
        if not skip:
            self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.tokens += data.split()


def _article(html: str) -> list[str]:
    """The page's content, without the parts that depend on how it was made: the
    tags and the words, whatever the white space between them (the plugin writes the
    tables of its overview pages as HTML on one line; pages made by ``generate`` have
    them as Markdown, which Python-Markdown writes a tag a line)."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match, "no article"
    body = re.sub(r'<a href="[^"]*" title="Edit this page".*?</a>', "", match.group(1), flags=re.S)
    parsed = _Tokens()
    parsed.feed(body)
    parsed.close()
    return parsed.tokens


def test_generated_markdown_builds_with_plain_mkdocs_into_the_same_pages(
    tmp_path: Path, monkeypatch
) -> None:
    with_plugin = make_site(tmp_path / "plugin", CATALOG, theme="material")
    assert build(with_plugin).returncode == 0
    plain = make_site(tmp_path / "plain", CATALOG, theme="material")
    monkeypatch.chdir(plain)
    assert main(["generate", "docs"]) == 0
    config = CONFIG.format(theme="material", nav="", options="      enabled: false")
    # The Markdown extension, as docs/integrations.md sets it up: it keeps the address
    # of the header's team link for MkDocs (the Markdown file is for Zensical).
    config = config.replace(
        "  - pymdownx.magiclink\n", "  - pymdownx.magiclink\n  - mkdocs_modelspec.markdown\n"
    )
    config += "extra_css: [assets/modelspec/modelspec.css]\n"
    config += "extra_javascript: [assets/modelspec/modelspec.js]\n"
    (plain / "mkdocs.yml").write_text(config.replace("  - modelspec:\n      enabled: false\n", ""))
    done = build(plain, "--strict")
    assert done.returncode == 0, done.stderr
    pages = sorted(
        p.relative_to(with_plugin / "site").as_posix()
        for p in (with_plugin / "site/models").rglob("index.html")
    )
    assert len(pages) == 14
    for page in pages:
        ours = (with_plugin / "site" / page).read_text()
        theirs = (plain / "site" / page).read_text()
        assert _article(ours) == _article(theirs), page
    for name in ("models.json", "schemas/modelspec-v1alpha1.json", "models/chat.yaml"):
        assert (plain / "site" / name).read_text() == (with_plugin / "site" / name).read_text()


def test_the_field_reference_lists_every_field_of_the_schema() -> None:
    specs = load_roots([ROOT / "specs"])
    site = Site(build_catalog(specs, [ROOT / "specs"]), Options())
    page = fields_page(site.views)
    listed = {row.path for row in page.rows}

    def schema_paths(node: dict, root: dict, prefix: str = "") -> set[str]:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        found = set()
        for key, sub in node.get("properties", {}).items():
            path = f"{prefix}.{key}" if prefix else key
            found.add(path)
            resolved = root["$defs"][sub["$ref"].rsplit("/", 1)[-1]] if "$ref" in sub else sub
            if resolved.get("type") == "array":
                found |= schema_paths(resolved["items"], root, path + "[]")
            else:
                found |= schema_paths(resolved, root, path)
        return found

    schema = json_schema()
    assert listed == schema_paths(schema, schema)
    assert len(listed) == len(list(schema_fields()))
    rows = {row.path: row for row in page.rows}
    count = rows["spec.runtime.accelerator.count"]
    assert count.kind == "integer, at least 1"
    assert count.required
    assert count.description == "Number of accelerators per replica (at least 1)."
    assert len(count.models) == 16  # every demo model declares it
    assert rows["spec.operations.serving.protocol"].kind == "one of http, grpc"
    assert rows["spec.pipeline.dependencies[].required"].kind == "true or false, default true"
    warm = rows["spec.operations.scaling.warmPool"]
    assert 0 < len(warm.models) < 16
    assert all(v.data["spec"]["operations"]["scaling"].get("warmPool") for v in warm.models)


def test_models_json_made_from_kept_entries_is_the_whole_document(tmp_path: Path) -> None:
    # mkdocs serve keeps each model's entry of models.json and joins them: the text
    # must be the one a build writes (a NaN, written as text, included).
    from mkdocs_modelspec.exports import (
        catalog_document,
        exported,
        model_entry,
        models_json,
        to_json,
    )

    folder = tmp_path / "specs"
    folder.mkdir()
    for path in sorted((FIXTURES / "catalog").rglob("*.modelspec.yaml")):
        target = folder / path.relative_to(FIXTURES / "catalog")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    odd = (FIXTURES / "catalog" / "guard.modelspec.yaml").read_text()
    odd = odd.replace("name: guard", "name: odd").replace(
        "spec:\n",
        "  annotations:\n    note: x\nspec:\n  x-weights: {true: .nan, null: 1, 2: .inf}\n",
        1,
    )
    (folder / "odd.modelspec.yaml").write_text(odd)
    # Another spec with such a key but no NaN: its entry is made the quick way.
    (folder / "odd2.modelspec.yaml").write_text(
        odd.replace("name: odd", "name: odd2").replace(".nan", "1.5").replace(".inf", "2")
    )
    specs = load_roots([folder])
    site = Site(build_catalog(specs, [folder]), Options())
    entries = [to_json(model_entry(site, v))[:-1] for v in exported(site.views)]
    whole = to_json(site.export())
    assert models_json(catalog_document(site, models=[]), entries) == whole
    odd_entry = next(m for m in json.loads(whole)["models"] if m["name"] == "odd")
    assert odd_entry["spec"]["spec"]["x-weights"] == {"true": "nan", "null": 1, "2": "inf"}
    odd2 = next(m for m in json.loads(whole)["models"] if m["name"] == "odd2")
    assert odd2["spec"]["spec"]["x-weights"] == {"true": 1.5, "null": 1, "2": 2}
