"""`modelspec review`: what a change to the specs does, read from git revisions built
in the test: a spec edited, added, removed (its dependents flagged), renamed (its
history kept), PII flipped (governance first), broken (a problem introduced), a
revision that does not exist; the Markdown rendered by Python-Markdown and by GitHub's
own parser (cmark-gfm), with hostile values that must stay text."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm
import markdown
import pytest
from cmarkgfm.cmark import Options as CmarkOptions

from mkdocs_modelspec.cli import main
from mkdocs_modelspec.rendering.escape import gfm, gfm_code
from mkdocs_modelspec.review import ReviewError, review, to_json, to_markdown
from test_history import git

from conftest import FULL, spec_text

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="builds git repositories")

# chat runs on 4 H100 (80 GB each) per replica, 1 to 2 replicas, and depends on embedder.
CHAT = spec_text(
    "chat",
    ("type: l40s", "type: h100"),
    ("count: 2", "count: 4"),
    ("maxReplicas: 6", "maxReplicas: 2"),
    (
        "        required: false\n",
        "        specRef: ./embedder.modelspec.yaml\n        required: false\n",
    ),
    base=FULL,
)
EMBEDDER = spec_text(
    "embedder",
    ("fixture-chat-8b", "fixture-embedder"),
    ("type: l40s", "type: l4"),
    ("count: 2", "count: 1"),
    ("      - id: embedder\n", "      - id: tokenizer\n"),
    base=FULL,
)
GUARD = spec_text("guard")
# Another model from the same template: git sees it 78 % like the embedder.
RANKER = spec_text(
    "ranker",
    ("fixture-chat-8b", "ranker-v3"),
    ("task: chat-completion", "task: reranking"),
    ("framework: vllm", "framework: triton"),
    ("type: l40s", "type: a10g"),
    ("maxBatchSize: 16", "maxBatchSize: 256"),
    ("maxSequenceLengthTokens: 8192", "maxSequenceLengthTokens: 512"),
    ("cpuCores: 8", "cpuCores: 4"),
    ("memoryGb: 64", "memoryGb: 16"),
    ("port: 9000", "port: 8001"),
    ("targetLatencyMsP95: 450", "targetLatencyMsP95: 40"),
    ("targetRps: 12.5", "targetRps: 900"),
    ("level: warn", "level: info"),
    ("logsDays: 14", "logsDays: 7"),
    ("instanceType: g6e.2xlarge", "instanceType: g5.xlarge"),
    ("maxReplicas: 6", "maxReplicas: 12"),
    ("modelUri: s3://fixtures/chat/weights/", "modelUri: s3://fixtures/ranker/v3/"),
    ("tokenizerUri: s3://fixtures/chat/tokenizer/", "tokenizerUri: s3://fixtures/ranker/v3/"),
    base=FULL,
)


def commit(repo: Path, files: dict[str, str | None], message: str) -> str:
    """Write (or, for None, delete) files relative to ``repo``, commit, return the commit."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def new_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(
        repo,
        {
            "specs/chat.modelspec.yaml": CHAT,
            "specs/embedder.modelspec.yaml": EMBEDDER,
            "specs/guard.modelspec.yaml": GUARD,
        },
        "Catalog",
    )
    return repo


def run(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``modelspec review`` in ``repo``: exit status, output and error output."""
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        status = main(["review", *args])
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    return status, out, err


def as_json(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    status, out, _ = run(repo, capsys, *args, "--format", "json")
    assert status in (0, 1)
    found: dict[str, Any] = json.loads(out)
    return found


def model(document: dict[str, Any], name: str) -> dict[str, Any]:
    found = [m for m in document["models"] if m["name"] == name]
    assert len(found) == 1, [m["name"] for m in document["models"]]
    return found[0]


# --- the cases of the issue --------------------------------------------------------------


def test_an_edited_count_shows_the_memory_it_adds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/chat.modelspec.yaml": CHAT.replace("count: 4", "count: 8")}, "More GPUs")
    status, out, _ = run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert status == 0
    assert "**1 model changed.**" in out
    assert "Accelerators at maximum scale: +8 nvidia h100 (+640 GB)." in out
    assert (
        "| **Runtime and hardware** | | |\n"
        "| <code>spec.runtime.accelerator.count</code> | <code>4</code> | <code>8</code> |" in out
    )
    # Per model: 4 -> 8 per replica, 1 -> 2 replicas: 640 GB -> 1,280 GB at maximum scale.
    assert "| Accelerators per replica | 4 x h100, 80 GB each | 8 x h100, 80 GB each |" in out
    assert "| At maximum scale | 8 x h100 (640 GB) | 16 x h100 (1,280 GB) |" in out
    # In total, per team and per environment, per accelerator type.
    assert (
        "| team fixtures | nvidia h100 | 4 (320 GB) → **8 (640 GB)** | 8 (640 GB) → **16 (1,280 GB)** |"
        in out
    )
    assert "| environment prod | nvidia h100 |" in out
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    chat = model(document, "chat")
    assert chat["status"] == "changed"
    assert chat["capacity"]["before"]["memoryAtMaxGb"] == 640
    assert chat["capacity"]["after"]["memoryAtMaxGb"] == 1280
    assert [c["field"] for c in chat["changes"]] == ["spec.runtime.accelerator.count"]
    team = next(t for t in document["capacity"] if t["scope"] == "team")
    assert (team["name"], team["accelerator"]) == ("fixtures", "nvidia h100")
    assert (team["before"]["acceleratorsAtMax"], team["after"]["acceleratorsAtMax"]) == (8, 16)


def test_capacity_is_never_a_sum_of_unlike_accelerators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/embedder.modelspec.yaml": EMBEDDER.replace("count: 1", "count: 3")}, "x")
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    # The embedder's L4s moved; the chat's H100s did not: one row, for l4 only.
    assert {(t["scope"], t["accelerator"]) for t in document["capacity"]} == {
        ("catalog", "nvidia l4"),
        ("team", "nvidia l4"),
        ("environment", "nvidia l4"),
    }
    row = next(t for t in document["capacity"] if t["scope"] == "team")
    assert (row["before"]["memoryAtMaxGb"], row["after"]["memoryAtMaxGb"]) == (144, 432)


def test_an_added_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/vision/ocr.modelspec.yaml": spec_text("ocr")}, "Add OCR")
    status, out, _ = run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert status == 0
    assert "**1 model changed: 1 added.**" in out
    assert "<summary><b>ocr</b> · added · declared</summary>" in out
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    ocr = model(document, "ocr")
    assert (ocr["status"], ocr["file"]) == ("added", "specs/vision/ocr.modelspec.yaml")
    assert ocr["readiness"]["before"] is None
    assert ocr["readiness"]["after"] == "declared"
    assert ocr["changes"] == []


def test_a_removed_spec_flags_its_dependents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/embedder.modelspec.yaml": None}, "Drop the embedder")
    status, out, _ = run(
        repo, capsys, "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "problems"
    )
    assert status == 1  # chat's specRef now names nothing: a problem introduced
    assert "1 model changed: 1 removed; 1 other model is affected." in out
    assert "1 dependency now names a spec that is gone." in out
    assert "#### Dependents of removed or moved specs" in out
    assert (
        "- **chat** (<code>specs/chat.modelspec.yaml</code>) depends on "
        "<code>specs/embedder.modelspec.yaml</code> (embedder) through specRef "
        "<code>./embedder.modelspec.yaml</code>, which this change removes" in out
    )
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert model(document, "embedder")["status"] == "removed"
    chat = model(document, "chat")
    assert chat["status"] == "affected"
    assert [p["code"] for p in chat["problems"]["introduced"]] == ["specref-missing"]
    assert chat["dependencies"] == {"added": [], "removed": []}
    assert document["brokenDependents"][0]["model"] == "chat"
    assert "problems" in document["crossed"]


def test_a_renamed_spec_keeps_its_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    (repo / "specs/search").mkdir()
    git(repo, "mv", "specs/embedder.modelspec.yaml", "specs/search/embedder.modelspec.yaml")
    commit(
        repo,
        {"specs/search/embedder.modelspec.yaml": EMBEDDER.replace("logsDays: 14", "logsDays: 30")},
        "Move the embedder to search",
    )
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    embedder = model(document, "embedder")
    assert embedder["status"] == "renamed"
    assert embedder["previousFile"] == "specs/embedder.modelspec.yaml"
    assert embedder["file"] == "specs/search/embedder.modelspec.yaml"
    # The same model, compared field by field: not removed and added.
    assert [(c["field"], c["before"], c["after"]) for c in embedder["changes"]] == [
        ("spec.governance.compliance.retention.logsDays", "14", "30")
    ]
    assert document["summary"] == {"renamed": 1, "affected": 1}
    broken = document["brokenDependents"]
    assert [(b["model"], b["movedTo"], b["suggestedRef"]) for b in broken] == [
        ("chat", "specs/search/embedder.modelspec.yaml", "./search/embedder.modelspec.yaml")
    ]
    _, out, _ = run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert (
        "<code>specs/embedder.modelspec.yaml</code> → "
        "<code>specs/search/embedder.modelspec.yaml</code>" in out
    )
    assert "change its specRef to <code>./search/embedder.modelspec.yaml</code>" in out


def test_a_rename_in_the_working_tree_and_a_lookalike_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    git(repo, "mv", "specs/embedder.modelspec.yaml", "specs/embedder-v2.modelspec.yaml")
    document = as_json(repo, capsys, "--base", "HEAD")  # head: the working tree
    assert model(document, "embedder")["status"] == "renamed"
    assert document["head"]["workingTree"] is True
    # A model removed and another added from the same template: half alike, but two
    # models (their names differ), not one moved.
    git(repo, "reset", "-q", "--hard")
    commit(
        repo,
        {
            "specs/embedder.modelspec.yaml": None,
            "specs/ranker.modelspec.yaml": RANKER,
        },
        "Replace the embedder with a ranker",
    )
    moved = git(repo, "diff", "-M", "--name-status", "HEAD~1", "HEAD").split()
    assert moved[0].startswith("R0")  # git pairs them
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert model(document, "embedder")["status"] == "removed"
    assert model(document, "ranker")["status"] == "added"
    # A file moved and its model renamed, the text otherwise the same: one model.
    git(repo, "mv", "specs/ranker.modelspec.yaml", "specs/reranker.modelspec.yaml")
    renamed = RANKER.replace("name: ranker", "name: reranker")
    (repo / "specs/reranker.modelspec.yaml").write_text(renamed)
    git(repo, "add", "-A")
    reranker = model(as_json(repo, capsys, "--base", "HEAD"), "reranker")
    assert (reranker["status"], reranker["previousFile"]) == (
        "renamed",
        "specs/ranker.modelspec.yaml",
    )


def test_pii_flipped_is_called_out_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    flipped = EMBEDDER.replace("allowed: false", "allowed: true").replace("count: 1", "count: 2")
    commit(repo, {"specs/embedder.modelspec.yaml": flipped}, "Embedder keeps raw queries")
    status, out, _ = run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert status == 0  # no --fail-on: the review informs, it does not block
    verdict = next(line for line in out.splitlines() if line.startswith("**"))
    assert verdict.startswith(
        "**1 model changed.** 1 needs governance review: PII now allowed (embedder); "
        "1 new governance conflict."
    )
    sections = re.findall(r"^#### (.+)$", out, re.MULTILINE)
    assert sections[0] == "Governance"
    assert sections.index("Governance") < sections.index("Capacity")
    governance = out.split("#### Governance")[1].split("####")[0]
    first = [line for line in governance.splitlines() if line.startswith("- ")]
    assert first[0].startswith("- ⚠️ **embedder**: PII now allowed")
    # chat forbids PII and depends on the embedder, which now allows it.
    assert (
        "- New conflict: **chat** forbids PII but depends on a model that allows it: "
        "**embedder**" in governance
    )
    # In the model's own section, the governance fields come before the others.
    section = out.split("<summary><b>embedder</b>")[1]
    rows = [
        line for line in section.splitlines() if line.startswith("| ") and "<code>spec." in line
    ]
    assert "pii.allowed" in rows[0]
    assert "accelerator.count" in rows[1]
    assert (
        run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "governance")[0] == 1
    )
    assert run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "readiness")[0] == 0
    # The reverse change resolves the conflict and does not call for a PII review.
    document = as_json(repo, capsys, "--base", "HEAD", "--head", "HEAD~1")
    assert [(c["source"], c["introduced"]) for c in document["conflicts"]] == [("chat", False)]
    assert [g["what"] for g in document["governance"]] == ["PII no longer allowed"]
    assert not any(g["alert"] for g in document["governance"])


def test_owner_retention_approval_and_cost_are_governance_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    changed = GUARD.replace(
        "  name: guard\n", "  name: guard\n  annotations:\n    owner: someone-else\n"
    )
    commit(
        repo,
        {
            "specs/guard.modelspec.yaml": changed,
            "specs/embedder.modelspec.yaml": EMBEDDER.replace("logsDays: 14", "logsDays: 400")
            .replace("changeApproval: fixtures-board", "changeApproval: nobody")
            .replace("targetCostPer1kTokensUsd: 0.004", "targetCostPer1kTokensUsd: 0.04"),
        },
        "Governance edits",
    )
    document = as_json(
        repo, capsys, "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "governance"
    )
    found = {(g["model"], g["what"], g["before"], g["after"]) for g in document["governance"]}
    assert found == {
        ("guard", "owner changed", None, "someone-else"),
        ("embedder", "log retention in days changed", "14", "400"),
        ("embedder", "change approval changed", "fixtures-board", "nobody"),
        ("embedder", "cost target in USD per 1,000 tokens changed", "0.004", "0.04"),
    }
    # The log retention now differs from chat's, which depends on the embedder.
    assert [c["what"] for c in document["conflicts"]] == [
        "log retention differs: 14 days and 400 days"
    ]
    assert document["crossed"] == ["governance"]


def test_a_broken_spec_introduces_a_problem_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    broken = GUARD.replace("count: 1", "count: many")
    commit(repo, {"specs/guard.modelspec.yaml": broken}, "Oops")
    line = broken.splitlines().index("      count: many") + 1
    status, out, _ = run(
        repo, capsys, "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "problems"
    )
    assert status == 1
    assert "Problems: 1 introduced, 0 fixed." in out
    assert (
        f"- <code>specs/guard.modelspec.yaml&#58;&#8203;{line}&#58;&#8203;14</code> error <code>wrong-type</code>"
        in out
    )
    document = as_json(repo, capsys, "--base", "HEAD~1", "--head", "HEAD")
    guard = model(document, "guard")
    problem = guard["problems"]["introduced"][0]
    assert (problem["code"], problem["file"], problem["line"]) == (
        "wrong-type",
        "specs/guard.modelspec.yaml",
        line,
    )
    assert guard["readiness"]["before"] == "declared"
    assert guard["readiness"]["after"] is None
    assert "spec-valid" in guard["readiness"]["stoppedPassing"]
    # The readiness line: the level fell.
    assert run(repo, capsys, "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "readiness")[0] == 1
    # And the fix, the other way round.
    document = as_json(repo, capsys, "--base", "HEAD", "--head", "HEAD~1")
    assert [p["code"] for p in model(document, "guard")["problems"]["fixed"]] == ["wrong-type"]
    assert document["crossed"] == []


def test_a_base_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path)
    status, out, err = run(repo, capsys, "--base", "no-such-branch")
    assert status == 2
    assert out == ""
    assert "modelspec: error: --base no-such-branch: no such revision in this repository" in err
    assert "Traceback" not in err
    status, _, err = run(repo, capsys, "--base", "HEAD", "--fail-on", "style")
    assert (status, "--fail-on style: one of governance, readiness, problems" in err) == (2, True)


def test_outside_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/guard.modelspec.yaml").write_text(GUARD)
    status, _, err = run(tmp_path, capsys, "--base", "main")
    assert status == 2
    assert "is not in a git repository" in err


def test_shallow_clones_work_when_both_revisions_are_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/guard.modelspec.yaml": GUARD.replace("type: t4", "type: l4")}, "L4")
    commit(repo, {"specs/chat.modelspec.yaml": CHAT.replace("count: 4", "count: 8")}, "More")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    document = as_json(clone, capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert [m["name"] for m in document["models"]] == ["chat"]
    status, _, err = run(clone, capsys, "--base", "HEAD~2")
    assert status == 2
    assert "this is a shallow clone: fetch it" in err


def test_the_working_tree_is_the_default_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    (repo / "specs/guard.modelspec.yaml").write_text(GUARD.replace("count: 1", "count: 2"))
    (repo / "specs/fresh.modelspec.yaml").write_text(spec_text("fresh"))  # never added
    status, out, _ = run(repo, capsys, "--base", "HEAD")
    assert status == 0
    assert "with the working tree" in out
    assert "**2 models changed: 1 added, 1 changed.**" in out
    status, out, _ = run(repo, capsys, "--base", "HEAD", "--head", "HEAD")
    assert "No spec changed between HEAD" in out


def test_the_site_configuration_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path)
    (repo / "mkdocs.yml").write_text(
        "site_name: t\nsite_url: https://models.example.com/catalog/\n"
        "plugins:\n  - modelspec:\n      specs_dir: specs\n      prefix: catalog-models\n"
        "      readiness:\n        required:\n          prod: production-ready\n"
    )
    commit(repo, {"specs/chat.modelspec.yaml": CHAT.replace("count: 4", "count: 8")}, "More")
    status, out, _ = run(repo, capsys, "--base", "HEAD~1", "--fail-on", "readiness")
    assert status == 0  # chat stays below production-ready: not newly below
    assert "[model page](https://models.example.com/catalog/catalog-models/chat/)" in out
    assert "required: production-ready, ⚠️ **not met**" in out


# --- the Markdown, as GitHub and Python-Markdown render it -------------------------------


class Structure(HTMLParser):
    """Tags, links, images, headings and table rows of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._heading: str | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = ""
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(self._heading.strip())
            self._heading = None
        if tag == "tr" and self._row is not None:
            self.rows.append([cell.strip() for cell in self._row])
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading += data
        if self._row:
            self._row[-1] += data


def python_markdown(text: str) -> Structure:
    found = Structure()
    found.feed(markdown.markdown(text, extensions=["tables", "md_in_html"]))
    return found


def github(text: str) -> Structure:
    """cmark-gfm, GitHub's parser, with raw HTML kept (GitHub then sanitises it)."""
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=CmarkOptions.CMARK_OPT_UNSAFE)
    found = Structure()
    found.feed(html)
    return found


HOSTILE = "@admin [click](https://evil.example/x) ![i](https://evil.example/i.png) <img src=x onerror=alert(1)> <script>alert(1)</script> # Approved | :rocket: #42 www.evil.example ops@evil.example **bold**"


def hostile_repo(tmp_path: Path) -> Path:
    repo = new_repo(tmp_path)
    text = (
        CHAT.replace(
            "description: Test chat model with every section filled in.",
            f"description: {json.dumps(HOSTILE)}",
        )
        .replace("team: fixtures", f"team: {json.dumps('team ' + HOSTILE)}")
        .replace("owner: fixtures-owners", f"owner: {json.dumps(HOSTILE)}")
        .replace("count: 4", "count: 8")
        .replace("allowed: false", "allowed: true")
        .replace("type: h100", f"type: {json.dumps('h100 ' + HOSTILE)}")
    )
    commit(
        repo,
        {
            "specs/chat.modelspec.yaml": text,
            # A spec whose name itself is hostile (invalid, but its name is read).
            "specs/evil.modelspec.yaml": GUARD.replace(
                "name: guard", f"name: {json.dumps(HOSTILE)}"
            ),
            "specs/guard.modelspec.yaml": None,
        },
        "Hostile",
    )
    return repo


@pytest.mark.parametrize("render", [python_markdown, github])
def test_the_markdown_renders_tables_and_collapsible_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], render: Any
) -> None:
    repo = hostile_repo(tmp_path)
    _, out, _ = run(repo, capsys, "--base", "HEAD~1", "--site-url", "https://models.example.com")
    page = render(out)
    # One collapsible section per model, each with its summary.
    assert page.tags.count("details") == 3  # chat, the hostile spec, guard
    assert page.tags.count("summary") == 3
    # The tables: overview (capacity) and each model's fields and capacity.
    assert page.tags.count("table") >= 4
    tables = re.findall(r"<table>.*?</table>", _html(render, out), re.DOTALL)
    for table in tables:
        rows = re.findall(r"<tr>.*?</tr>", table, re.DOTALL)
        assert len({len(re.findall(r"<t[dh][ >]", r)) for r in rows}) == 1, table
    # A value with a | stays in its cell (a broken row would lose what follows the |).
    cells = [cell.replace("\u200b", "") for row in page.rows for cell in row]
    assert f"nvidia h100 {HOSTILE}" in cells
    assert f"team team {HOSTILE}" in cells
    # Hostile values stay text: no link but the model pages, no image, no raw HTML,
    # no heading but the review's own.
    assert all(link.startswith("https://models.example.com/models/") for link in page.links)
    assert "img" not in page.tags
    assert "script" not in page.tags
    assert set(page.headings) <= {
        "ModelSpec review",
        "Governance",
        "Readiness",
        "Capacity",
        "Dependents of removed or moved specs",
        "Problems",
        "Models",
    }
    text = "".join(page.text)
    assert "[click](https:\u200b//evil.example/x)" in text  # shown as written, plus U+200B
    assert "<img src=x onerror=alert(1)>" in text
    # What GitHub would turn into mentions, issue links, e-mail links or emoji is split.
    for pattern in (r"@admin", r"#42", r"www\.evil", r":rocket:", r"ops@evil", r"https://"):
        assert not re.search(pattern, text), pattern


def _html(render: Any, text: str) -> str:
    if render is github:
        return str(
            cmarkgfm.github_flavored_markdown_to_html(text, options=CmarkOptions.CMARK_OPT_UNSAFE)
        )
    return str(markdown.markdown(text, extensions=["tables", "md_in_html"]))


def test_hostile_values_in_the_json_are_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = as_json(hostile_repo(tmp_path), capsys, "--base", "HEAD~1")
    assert HOSTILE in [m["name"] for m in document["models"]]
    chat = model(document, "chat")
    assert chat["governance"][0]["what"] == "PII now allowed"


@pytest.mark.parametrize(
    "value",
    [
        "@octocat please approve",
        "see [docs](javascript:alert(1))",
        "![x](https://e.example/p.png)",
        "<b>bold</b><script>x</script>",
        "# Forged heading",
        "## Approved by security",
        "a | b | c",
        "line one\n\n# heading on a new line",
        "closes #12 and GH-13",
        "www.example.com and https://example.com and a@b.co",
        ":white_check_mark: approved",
        "`code` and *em* and ~~gone~~ and $x^2$",
        "1. not a list",
        "- not a list",
        "\u202eeurt",
    ],
)
def test_gfm_escaping_keeps_values_inert(value: str) -> None:
    expected = " ".join(value.split()).replace("\u202e", "\ufffd")
    for escaped in (gfm(value), gfm_code(value)):
        for render in (github, python_markdown):
            for context in (
                f"| a | b |\n| --- | --- |\n| {escaped} | after |\n",
                f"- {escaped}\n",
                f"text {escaped} text\n",
                f'<details markdown="1">\n<summary>{escaped}</summary>\n\nx\n\n</details>\n',
            ):
                page = render(context)
                assert page.links == []
                assert page.headings == []
                assert {"img", "script", "b", "em", "strong", "del", "ol"}.isdisjoint(page.tags)
                shown = "".join(page.text).replace("\u200b", "")
                assert expected in " ".join(shown.split()), context
                assert not re.search(r"@[a-z]|#[0-9]|:[a-z_]+:|www\.|://", "".join(page.text))
                if page.rows:  # the value keeps its cell, and the next cell its own
                    cell = " ".join(page.rows[1][0].replace("\u200b", "").split())
                    assert (cell, page.rows[1][1]) == (expected, "after")


def test_a_long_review_fits_a_comment(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    many = {f"specs/team/m{i:03d}.modelspec.yaml": spec_text(f"m{i:03d}") for i in range(300)}
    commit(repo, many, "Many models")
    found = review([str(repo / "specs")], "HEAD~1", "HEAD", cwd=str(repo))
    text = to_markdown(found, 20_000)
    assert len(text) <= 20_000
    assert text.count("<details") == text.count("</details>")
    shown = text.count("<details")
    assert 0 < shown < 300
    assert f"*{300 - shown} more model(s) are not shown" in text
    assert len(to_markdown(found, 0)) > 20_000
    assert len(to_json(found)["models"]) == 300


def test_git_runs_a_fixed_number_of_times(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    many = {f"specs/team/m{i:03d}.modelspec.yaml": spec_text(f"m{i:03d}") for i in range(50)}
    commit(repo, many, "Many models")
    calls: list[tuple[list[str], dict[str, Any]]] = []

    def counting(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append((command, kwargs))
        return subprocess.run(command, **kwargs)  # noqa: PLW1510 - check=False is passed

    review([str(repo / "specs")], "HEAD~1", "HEAD", cwd=str(repo), run=counting)
    verbs = [c[2] for c, _ in calls]
    assert verbs == [
        *("rev-parse", "rev-parse", "rev-parse"),
        *("ls-tree", "cat-file"),  # the base
        *("ls-tree", "cat-file"),  # the head: only the files that differ from the base
        "diff",
    ]
    blobs = [len(kwargs["input"].splitlines()) for c, kwargs in calls if c[2] == "cat-file"]
    assert blobs == [3, 50]


def test_without_git(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    with pytest.raises(ReviewError, match="git is not installed"):
        review([str(repo / "specs")], "HEAD", cwd=str(repo), git=str(tmp_path / "no-git"))


# --- the documentation: the demo's review, and the CI recipe run offline -----------------

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
_COMPARING = re.compile(r"^Comparing .*$", re.MULTILINE)


def documented_review() -> str:
    return DOC.split("<!-- review:begin -->\n")[1].split("<!-- review:end -->")[0]


def demo_commit() -> str | None:
    """The demo change in this repository's history (None without the history)."""
    try:
        found = git(ROOT, "log", "-1", "--format=%H", "--grep=^Demo change: ").strip()
        git(ROOT, "cat-file", "-e", f"{found}~1")
    except (subprocess.CalledProcessError, OSError):
        return None
    return found or None


def test_the_docs_show_the_review_of_the_demo_change(capsys: pytest.CaptureFixture[str]) -> None:
    commit = demo_commit()
    if commit is None:
        pytest.skip("this copy of the project has no git history holding the demo change")
    status, out, _ = run(ROOT, capsys, "--base", f"{commit}~1", "--head", commit)
    assert status == 0
    # The revisions are named as given, and a commit's name changes when it is rebased.
    assert _COMPARING.sub("", out).strip() == _COMPARING.sub("", documented_review()).strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("<!-- review excerpt -->\n```markdown\n")[1].split("```")[0]
    lines = [line for line in excerpt.splitlines() if line.strip() and line != "..."]
    assert len(lines) >= 5
    for line in lines:
        assert line in out.splitlines(), line


def workflow() -> dict[str, Any]:
    import yaml

    block = DOC.split("## Post the review on every pull request")[1]
    found: dict[str, Any] = yaml.safe_load(block.split("```yaml\n")[1].split("```")[0])
    return found


_EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def _value(term: str, context: dict[str, str]) -> str:
    term = term.strip()
    return term[1:-1] if term.startswith("'") else context[term]


def _holds(condition: str, context: dict[str, str]) -> bool:
    """The two kinds of `if:` the recipe uses: ``a == b`` and ``a != 'x'``."""
    operator = "!=" if "!=" in condition else "=="
    left, right = condition.split(operator)
    return (_value(left, context) == _value(right, context)) == (operator == "==")


def test_the_ci_recipe_on_a_scripted_pull_request(tmp_path: Path) -> None:
    origin = new_repo(tmp_path)
    git(origin, "checkout", "-q", "-b", "feature")
    flipped = EMBEDDER.replace("allowed: false", "allowed: true")
    commit(origin, {"specs/embedder.modelspec.yaml": flipped}, "Embedder keeps raw queries")
    git(origin, "checkout", "-q", "main")
    commit(origin, {"specs/guard.modelspec.yaml": GUARD.replace("type: t4", "type: l4")}, "On main")
    # The merge commit GitHub makes for pull request 7.
    git(origin, "checkout", "-q", "--detach", "main")
    git(origin, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    git(origin, "update-ref", "refs/pull/7/merge", "HEAD")
    git(origin, "checkout", "-q", "main")
    # What actions/checkout does with fetch-depth: 2.
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    git(work, "fetch", "-q", "--depth=2", f"file://{origin}", "+refs/pull/7/merge:refs/pr")
    git(work, "checkout", "-q", "refs/pr")
    assert git(work, "rev-parse", "--is-shallow-repository").strip() == "true"
    # A stand-in for the GitHub CLI: the first `--edit-last` finds no comment yet.
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "gh").write_text(
        '#!/bin/sh\necho "$*" >> "$GH_LOG"\n'
        'case "$*" in *--edit-last*) echo "no comments found" >&2; exit 1;; esac\n'
        'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$GH_BODY"; shift; done\n'
    )
    (tools / "gh").chmod(0o755)
    files = {name: tmp_path / name for name in ("output", "summary", "gh.log", "body")}
    for path in files.values():
        path.touch()
    context = {
        "github.token": "not-a-token",
        "github.repository": "acme/models",
        "github.event.pull_request.number": "7",
        "github.event.pull_request.head.repo.full_name": "acme/models",
    }
    failed = None
    for step in workflow()["jobs"]["review"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue  # actions/checkout and setup-python: done above; the package: here
        if "if" in step and not _holds(step["if"], context):
            continue
        env = {
            **os.environ,
            "PATH": f"{tools}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(files["output"]),
            "GITHUB_STEP_SUMMARY": str(files["summary"]),
            "GH_LOG": str(files["gh.log"]),
            "GH_BODY": str(files["body"]),
            **{
                k: _EXPRESSION.sub(lambda m: context[m.group(1)], str(v))
                for k, v in step.get("env", {}).items()
            },
        }
        script = _EXPRESSION.sub(lambda m: context[m.group(1)], step["run"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Traceback" not in done.stderr
        for line in files["output"].read_text().splitlines():
            key, _, value = line.partition("=")
            context[f"steps.{step.get('id')}.outputs.{key}"] = value
        if done.returncode != 0:
            failed = done.returncode
            break
    comment = (work / "review.md").read_text(encoding="utf-8")
    assert comment.startswith("### ModelSpec review")
    assert "1 needs governance review: PII now allowed (embedder)" in comment
    assert "New conflict: **chat** forbids PII" in comment
    assert "guard" not in comment  # the base's own change is not the pull request's
    assert files["summary"].read_text(encoding="utf-8") == comment
    assert files["body"].read_text(encoding="utf-8") == comment
    assert files["gh.log"].read_text().splitlines() == [
        "pr comment 7 --edit-last --body-file review.md",
        "pr comment 7 --body-file review.md",
    ]
    assert failed == 1  # the job fails: the change needs a governance review


def test_drift_has_a_place_for_when_observed_data_is_wired_in(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/guard.modelspec.yaml": GUARD.replace("count: 1", "count: 2")}, "x")
    seen: list[str] = []

    def drift(view: Any) -> list[str]:
        seen.append(view.name)
        return [f"{view.name} runs 1 replica; the spec says @oncall 2 <b>x</b>"]

    found = review([str(repo / "specs")], "HEAD~1", "HEAD", cwd=str(repo), drift=drift)
    assert seen == ["guard"]
    assert to_json(found)["driftChecked"] is True
    text = to_markdown(found)
    assert "**Drift against observed data**:" in text
    shown = "".join(github(text).text)
    assert "the spec says @\u200boncall 2 <b>x</b>" in shown  # text, not markup
    without = review([str(repo / "specs")], "HEAD~1", "HEAD", cwd=str(repo))
    assert "Drift" not in to_markdown(without)
    assert to_json(without)["models"][0]["drift"] is None


def test_only_web_addresses_become_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {"specs/guard.modelspec.yaml": GUARD.replace("count: 1", "count: 2")}, "x")
    _, out, _ = run(repo, capsys, "--base", "HEAD~1", "--site-url", "javascript:alert(1)//")
    assert "model page" not in out
    _, out, _ = run(repo, capsys, "--base", "HEAD~1", "--site-url", "https://m.example/(x)")
    assert "[model page](https://m.example/%28x%29/models/guard/)" in out
