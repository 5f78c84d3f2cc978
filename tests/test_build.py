"""Real builds in a temporary folder: strict and not, broken specs, hostile specs, nav."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, FULL, MINIMAL, spec_text
from sites import build, make_site, read_page

CATALOG = FIXTURES / "catalog"
VALID = {
    "a/chat.modelspec.yaml": spec_text("chat", base=FULL).replace(
        "      - id: embedder\n",
        "      - id: embedder\n        specRef: ../b/embed.modelspec.yaml\n",
    ),
    "b/embed.modelspec.yaml": spec_text("embed"),
}


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_a_valid_catalog_builds_strict(tmp_path: Path, tool: str) -> None:
    root = make_site(tmp_path, VALID, theme="material")
    done = build(root, "--strict", tool=tool)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for page in (
        "models",
        "models/hardware",
        "models/ownership",
        "models/governance",
        "models/graph",
        "models/problems",
        "models/chat",
        "models/embed",
    ):
        assert (site / page / "index.html").is_file(), page
    chat = read_page(site, "models/chat")
    assert "2 × nvidia l40s per replica" in chat.text
    links = [a.get("href") for tag, a in chat.elements if tag == "a"]
    assert "../embed/" in links  # the resolved specRef, as a link MkDocs checked
    assert (site / "assets/modelspec/modelspec.js").is_file()
    assert not any("cdn" in (a.get("src") or "") for tag, a in chat.elements if tag == "script")


def test_broken_specs_fail_strict_naming_file_line_and_column(tmp_path: Path) -> None:
    root = make_site(tmp_path, CATALOG)
    done = build(root, "--strict")
    assert done.returncode == 1
    assert (
        "specs/broken.modelspec.yaml:18:14: error: [wrong-type] spec.runtime.accelerator.count"
        in done.stderr
    )
    assert "specs/rag/chat.modelspec.yaml:53:18: warning: [specref-missing]" in done.stderr


def test_broken_specs_never_hide_the_others(tmp_path: Path) -> None:
    specs = {
        "ok.modelspec.yaml": spec_text("ok"),
        "bad-yaml.modelspec.yaml": "apiVersion: [",
        "bad-type.modelspec.yaml": spec_text("bad-type").replace("count: 1", "count: many"),
        "empty.modelspec.yaml": "",
        "binary.modelspec.yaml": b"\xff\xfe\x00garbage",
        "no-name.modelspec.yaml": MINIMAL.replace("  name: fixture-minimal\n", "  version: '1'\n"),
    }
    root = make_site(tmp_path, specs)
    done = build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site" / "models"
    pages = sorted(p.name for p in site.iterdir() if (p / "index.html").exists())
    assert pages == [
        "bad-type",
        "bad-yaml",
        "binary",
        "changes",
        "drift",
        "empty",
        "fields",
        "governance",
        "graph",
        "hardware",
        "no-name",
        "ok",
        "ownership",
        "problems",
        "scorecards",
    ]
    problems = read_page(root / "site", "models/problems")
    for name in specs:
        if name != "ok.modelspec.yaml":
            assert f"specs/{name}" in problems.text, name
    assert "This spec has 1 error" in read_page(root / "site", "models/bad-type").text


def test_a_handwritten_page_at_a_generated_path_wins_with_a_warning(tmp_path: Path) -> None:
    root = make_site(tmp_path, VALID, docs={"models/hardware.md": "# Our own hardware page\n"})
    done = build(root)
    assert done.returncode == 0
    assert "models/hardware.md is a handwritten page at the path of a generated one" in done.stderr
    assert "Our own hardware page" in read_page(root / "site", "models/hardware").text
    assert build(root, "--strict").returncode == 1


def test_explicit_nav_places_the_generated_section(tmp_path: Path) -> None:
    nav = (
        "nav:\n  - Home: index.md\n  - Catalog:\n      - models/index.md\n      - models/graph.md\n"
    )
    root = make_site(tmp_path, VALID, nav=nav)
    done = build(root)
    assert done.returncode == 0, done.stderr
    home = (root / "site" / "index.html").read_text()
    assert 'href="models/"' in home
    assert 'href="models/graph/"' in home
    assert 'href="models/chat/"' not in home  # model pages are reached through the catalog


def test_model_pages_can_be_listed_in_the_nav_by_team(tmp_path: Path) -> None:
    root = make_site(tmp_path, VALID, options={"nav_models": True})
    assert build(root, "--strict").returncode == 0
    home = (root / "site" / "index.html").read_text()
    assert "Models by team" in home
    assert "fixtures" in home
    assert 'href="models/chat/"' in home


def test_custom_templates_override_packaged_ones(tmp_path: Path) -> None:
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "problems.md.jinja").write_text("# Our problems page\n")
    root = make_site(tmp_path, VALID, options={"custom_templates": "overrides"})
    assert build(root, "--strict").returncode == 0
    assert "Our problems page" in read_page(root / "site", "models/problems").text


def test_several_specs_folders_and_a_url_prefix(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {
            "team-a/x.modelspec.yaml": spec_text("xray"),
            "team-b/y.modelspec.yaml": spec_text("yankee"),
        },
        options={"specs_dir": ["specs/team-a", "specs/team-b"], "prefix": "catalog/models"},
    )
    assert build(root, "--strict").returncode == 0
    assert (root / "site/catalog/models/xray/index.html").is_file()
    assert (root / "site/catalog/models/yankee/index.html").is_file()


# --- hostile input ---------------------------------------------------------------------

PAYLOADS = [
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    '<iframe src="javascript:window.pwned=1"></iframe>',
    "<svg onload=window.pwned=1>",
    "[click](javascript:window.pwned=1)",
    "![img](data:text/html;base64,PHNjcmlwdD53aW5kb3cucHduZWQ9MTwvc2NyaXB0Pg==)",
    'x{: onclick="window.pwned=1" }',
    '--8<-- "/etc/passwd"',
    "{{ config.site_name }} {% if true %}jinja{% endif %}",
    "a | b | c\n| --- |\nnew row",
    'n0["x"] --> n1\nclick n0 "javascript:window.pwned=1"\n%%{init: {"securityLevel": "loose"}}%%',
    "<a href='javascript:window.pwned=1'>link</a>",
    # Whole values that look like addresses: a web address becomes a link, these not.
    "javascript:window.pwned=1",
    " JaVaScRiPt:window.pwned=1",
    "data:text/html,<script>window.pwned=1</script>",
    "https://ok.example/a)(javascript:window.pwned=1) 'x' \"y\" <b>",
    "\\(math\\) $x$ \\[block\\]",
]


def hostile_spec(name: str) -> str:
    """A valid spec with a payload in every string field (and in map keys)."""
    cycle = iter(PAYLOADS * 20)

    def p() -> str:
        return json.dumps(next(cycle))  # a JSON string is a YAML double-quoted scalar

    return f"""apiVersion: piqc.ai/v1alpha1
kind: ModelSpec
metadata:
  name: {json.dumps(name)}
  version: {p()}
  description: {p()}
  labels:
    team: {p()}
    environment: {p()}
    {p()}: {p()}
  annotations:
    owner: {p()}
    supportChannel: {p()}
    {p()}: {p()}
spec:
  identity:
    model:
      id: {p()}
      family: {p()}
      task: {p()}
      framework: {p()}
      precision: {p()}
      artifacts:
        modelUri: {p()}
        tokenizerUri: {p()}
  runtime:
    accelerator:
      vendor: {p()}
      type: {p()}
      count: 2
    environment:
      variables:
        {p()}: {p()}
  operations:
    serving:
      protocol: http
      readinessProbe:
        path: {p()}
    scaling:
      minReplicas: 1
      maxReplicas: 2
      warmPool:
        strategy: {p()}
    observability:
      metrics:
        provider: {p()}
      logging:
        level: {p()}
  pipeline:
    preprocess:
      steps:
        - name: {p()}
          type: {p()}
    dependencies:
      - id: {p()}
        role: custom
        specRef: {p()}
        interface:
          inputType: {p()}
          outputType: {p()}
      - id: {p()}
        role: input
        specRef: ./victim.modelspec.yaml
  governance:
    compliance:
      pii:
        allowed: true
        policy: {p()}
      governance:
        changeApproval: {p()}
        owner: {p()}
    cost:
      pricingHints:
        cloudProvider: {p()}
        instanceType: {p()}
"""


def with_addresses(name: str, contact: str, model: str, tokenizer: str, note: str) -> str:
    """A spec with these values where the pages make web addresses into links."""
    return spec_text(
        name,
        (
            f"  name: {name}",
            f"  name: {name}\n  annotations:\n"
            f"    supportChannel: {json.dumps(contact)}\n    runbook: {json.dumps(note)}",
        ),
        (
            "      framework: onnxruntime",
            "      framework: onnxruntime\n      artifacts:\n"
            f"        modelUri: {json.dumps(model)}\n        tokenizerUri: {json.dumps(tokenizer)}",
        ),
    )


def test_web_addresses_in_a_spec_become_links_and_nothing_else_does(tmp_path: Path) -> None:
    # Contacts, artifact URIs and annotations often hold the address of a chat channel,
    # a model card or a runbook: http(s) ones are links; any other scheme stays text.
    specs = {
        "linked.modelspec.yaml": with_addresses(
            "linked",
            "https://chat.example.com/c/ml-serving",
            "https://huggingface.co/org/model",
            "s3://bucket/tokenizer",
            "https://wiki.example.com/runbooks/linked?section=on call",
        ),
        "schemes.modelspec.yaml": with_addresses(
            "schemes",
            "javascript:window.pwned=1",
            " JaVaScRiPt:window.pwned=1",
            "data:text/html,<script>window.pwned=1</script>",
            "https://ok.example/a)(javascript:window.pwned=1) 'x' \"y\" <b>",
        ),
    }
    root = make_site(tmp_path, specs, theme="material")
    assert build(root, "--strict").returncode == 0
    site = root / "site"
    page = read_page(site, "models/linked")
    links = {attrs.get("href") for tag, attrs in page.elements if tag == "a"}
    assert "https://chat.example.com/c/ml-serving" in links
    assert "https://huggingface.co/org/model" in links
    assert "https://wiki.example.com/runbooks/linked?section=on%20call" in links
    assert not any(h and h.startswith("s3:") for h in links)
    assert "s3://bucket/tokenizer" in page.text  # shown as text
    ownership = read_page(site, "models/ownership")
    assert "https://chat.example.com/c/ml-serving" in {
        attrs.get("href") for tag, attrs in ownership.elements if tag == "a"
    }
    for url in ("models/schemes", "models/ownership", "models"):
        assert_inert(site, url)
    schemes = read_page(site, "models/schemes")
    assert "javascript:window.pwned=1" in schemes.text  # shown, as text
    assert (
        "https://ok.example/a%29%28javascript:window.pwned=1%29%20%27x%27%20%22y%22%20%3Cb%3E"
        in {attrs.get("href") for tag, attrs in schemes.elements if tag == "a"}
    )


def assert_inert(site: Path, url: str) -> None:
    page = read_page(site, url)
    for tag, attrs in page.elements:
        assert tag not in ("iframe", "img", "object", "embed"), (url, tag)
        for name, value in attrs.items():
            assert not name.startswith("on"), (url, tag, name)
            if name in ("href", "src", "xlink:href", "action"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I), (
                    url,
                    value,
                )
    assert not any("pwned" in script for script in page.scripts), url
    assert "/etc/passwd" not in page.text or '--8<-- "/etc/passwd"' in page.text
    assert "root:x:0:0" not in page.text


def test_hostile_specs_reach_pages_only_as_text(tmp_path: Path) -> None:
    specs = {
        "hostile.modelspec.yaml": hostile_spec("<script>window.pwned=1</script>"),
        "victim.modelspec.yaml": spec_text("victim"),
        "hostile-invalid.modelspec.yaml": hostile_spec("bad <b>one</b>").replace(
            "count: 2", 'count: "<script>"'
        ),
    }
    root = make_site(tmp_path, specs, theme="material")
    done = build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    pages = [p.parent.relative_to(site).as_posix() for p in (site / "models").rglob("index.html")]
    assert len(pages) == 13
    for url in pages:
        assert_inert(site, url)
    hostile = read_page(site, "models/script-window-pwned-1-script")
    assert "<script>window.pwned=1</script>" in hostile.text  # shown, as text
    assert "[click](javascript:window.pwned=1)" in hostile.text
    assert 'x{: onclick="window.pwned=1" }' in hostile.text
    assert '--8<-- "/etc/passwd"' in hostile.text
    assert "{{ config.site_name }}" in hostile.text
