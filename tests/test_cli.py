"""The ``modelspec`` command: output format, exit status, JSON, schema, parallel loading."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_modelspec.cli import main
from mkdocs_modelspec.format import json_schema
from mkdocs_modelspec.loading import PARALLEL_FROM

from conftest import FIXTURES, ROOT, spec_text

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (error|warning): \[[a-z0-9-]+\] .+$"
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_demo_catalog_is_clean(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    status, out, _ = run(capsys, "validate")  # the default folder is specs/
    assert status == 0
    count = len(list((ROOT / "specs").rglob("*.modelspec.yaml")))
    assert 12 <= count <= 20
    assert out == f"{count} specs: {count} valid, 0 invalid; 0 errors, 0 warnings\n"


def test_errors_print_one_line_each_and_exit_1(capsys, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    status, out, _ = run(capsys, "validate", "invalid")
    lines = out.splitlines()
    assert status == 1
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert "invalid/count-as-text.modelspec.yaml:16:14: error: [wrong-type] " in out
    files = len(list((FIXTURES / "invalid").iterdir()))
    assert (
        lines[-1] == f"{files} specs: 0 valid, {files} invalid; {len(lines) - 1} errors, 0 warnings"
    )


def test_warnings_pass_unless_strict(capsys, write_spec, tmp_path) -> None:
    text = spec_text("chat", ("framework: onnxruntime", "framework: vllm"))
    write_spec("chat.modelspec.yaml", text)
    status, out, _ = run(capsys, "validate", str(tmp_path / "specs"))
    assert status == 0
    assert "warning: [vllm-sequence-length]" in out
    assert out.endswith("1 spec: 1 valid, 0 invalid; 0 errors, 1 warning\n")
    assert run(capsys, "validate", "--strict", str(tmp_path / "specs"))[0] == 1


def test_json_output(capsys, monkeypatch) -> None:
    monkeypatch.chdir(FIXTURES)
    status, out, _ = run(capsys, "validate", "--format", "json", "invalid/kind.modelspec.yaml")
    assert status == 1
    document = json.loads(out)
    assert document["specs"] == 1
    assert document["errors"] == 1
    [diagnostic] = document["diagnostics"]
    assert diagnostic["file"] == "invalid/kind.modelspec.yaml"
    assert (diagnostic["line"], diagnostic["column"]) == (2, 7)
    assert (diagnostic["severity"], diagnostic["code"]) == ("error", "kind")
    assert diagnostic["path"] == "kind"
    assert "ModelCard" in diagnostic["message"]


@pytest.mark.parametrize(
    "args",
    [["validate", "no/such/folder"], ["validate", "--jobs", "0"], ["frobnicate"], []],
)
def test_usage_errors_exit_2(capsys, args) -> None:
    try:
        status = main(args)
    except SystemExit as stopped:  # argparse's own errors
        status = stopped.code
    assert status == 2
    assert "usage: modelspec" in capsys.readouterr().err


def test_schema_prints_the_generated_schema(capsys) -> None:
    status, out, _ = run(capsys, "schema")
    assert status == 0
    assert json.loads(out) == json_schema()


def test_parallel_loading_reports_exactly_what_one_process_reports(capsys, tmp_path) -> None:
    root = tmp_path / "specs"
    root.mkdir()
    for i in range(PARALLEL_FROM + 50):
        text = spec_text(f"model-{i}")
        if i % 97 == 0:
            text = text.replace("count: 1", 'count: "1"')
        if i % 89 == 0:
            text = text.replace(f"name: model-{i}", "name: model-1")
        (root / f"m{i:04d}.modelspec.yaml").write_text(text)
    one = run(capsys, "validate", "--jobs", "1", str(root))
    two = run(capsys, "validate", "--jobs", "2", str(root))
    assert one == two
    assert one[0] == 1
    assert "[wrong-type]" in one[1]
    assert "[duplicate-name]" in one[1]


CONSOLE = [sys.executable, "-m", "mkdocs_modelspec.cli", "validate"]


def console(folder: Path) -> subprocess.CompletedProcess[str]:
    """`modelspec validate FOLDER` in a process of its own, as a shell runs it."""
    return subprocess.run([*CONSOLE, str(folder)], capture_output=True, text=True, check=False)


def test_the_console_script_runs() -> None:
    done = console(FIXTURES / "valid")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 specs: 2 valid, 0 invalid; 0 errors, 0 warnings"


def test_the_console_script_exits_with_the_status_after_all_its_output() -> None:
    done = console(FIXTURES / "invalid")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) > 10
    assert all(": error: [" in line or ": warning: [" in line for line in lines[:-1])
    assert lines[-1].endswith("warnings") or lines[-1].endswith("warning")
    assert done.stderr == ""


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    for i in range(3000):  # more output than a pipe holds
        (tmp_path / f"m{i:04d}.modelspec.yaml").write_text("kind: [")
    command = [*CONSOLE, str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # as `modelspec validate | head -1` does
        errors = process.stderr.read()
        process.wait(timeout=120)
    assert b"[yaml-syntax]" in first
    assert errors == b""
    assert process.returncode in (0, 1)


ONLY_VALIDATE = """
import sys
from mkdocs_modelspec.cli import main
status = main(["validate", sys.argv[1]])
print(sorted(m for m in sys.modules if m.split(".")[0] in ("jinja2", "markdown", "mkdocs")
             or m.startswith(("mkdocs_modelspec.readiness", "mkdocs_modelspec.pages",
                              "mkdocs_modelspec.views", "mkdocs_modelspec.history"))))
"""


def test_validate_does_not_load_what_only_the_site_needs() -> None:
    """Start-up is most of a small validation: page generation stays out of it."""
    done = subprocess.run(
        [sys.executable, "-c", ONLY_VALIDATE, str(FIXTURES / "valid")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[]"


BOMB_LIMITS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: a blow-up fails here
from mkdocs_modelspec.cli import main
sys.exit(main(["validate", sys.argv[1]]))
"""


def test_an_alias_bomb_fails_fast_without_growing_memory(tmp_path: Path) -> None:
    bomb = "apiVersion: piqc.ai/v1alpha1\nkind: ModelSpec\nmetadata:\n  name: b\n  labels:\n"
    bomb += '    a: &a "lol"\n' + "".join(
        f"    {chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(20)
    )
    path = tmp_path / "bomb.modelspec.yaml"
    path.write_text(bomb)
    done = subprocess.run(
        [sys.executable, "-c", BOMB_LIMITS, str(path)],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard, not a speed target: the benchmark measures speed
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert ":6:8: error: [yaml-alias] YAML anchor &a is not supported" in done.stdout
