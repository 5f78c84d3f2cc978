"""The project's two commands, on a fresh machine with only Python 3.

    python3 scripts/dev.py site    # build the demo site into site/
    python3 scripts/dev.py serve   # serve it at http://127.0.0.1:8000 with live reload
    python3 scripts/dev.py test    # lint, type-check and run the whole test suite

``serve`` rebuilds the whole demo site on each change (about a second): the demo uses
Material's tags plugin, which rebuilds that write only some pages (``--dirty``) cannot
keep right. ``scripts/dev.py serve --dirty`` writes only the pages an edit changes, as
a large catalog needs (see "Live preview of a large catalog" in docs/plugin.md).

Each command first makes sure ``.venv/`` exists and holds the project with its test
and docs dependencies (``pip install -e .[test]``), reinstalling when
``pyproject.toml`` changes. Extra arguments go to the underlying tool
(``scripts/dev.py test -k catalog``). The browser tests drive Debian's chromium
(``/usr/bin/chromium``): ``test`` installs it when it is missing and runs as root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"
CHROMIUM = Path("/usr/bin/chromium")


def run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    done = subprocess.run([str(c) for c in command], cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.exit(done.returncode)


def ensure_environment() -> None:
    """Create ``.venv`` and install the project into it when needed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(wanted)


def site(args: list[str]) -> None:
    run(BIN / "mkdocs", "build", "--strict", *args)
    print(f"built {ROOT / 'site'}; open site/index.html, or run `scripts/dev.py serve`")


def serve(args: list[str]) -> None:
    run(BIN / "mkdocs", "serve", *args)


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium: install it if missing (as root, with
    apt-get), else stop with what to do."""
    if CHROMIUM.exists():
        return
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        os.environ["DEBIAN_FRONTEND"] = "noninteractive"
        run("apt-get", "update")
        run("apt-get", "install", "-y", "--no-install-recommends", "chromium")
        return
    sys.exit(
        f"the browser tests need Debian's chromium at {CHROMIUM}: "
        "install it (`sudo apt-get install chromium`) and run this again"
    )


def test(args: list[str]) -> None:
    ensure_chromium()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    run(BIN / "pytest", *args)


COMMANDS = {"site": site, "serve": serve, "test": test}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
