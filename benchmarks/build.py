"""Benchmark: the plugin at scale, in one run.

    python benchmarks/build.py                 # 100, 1,000 and 10,000 specs (about 35 min)
    python benchmarks/build.py --sizes 100 1000 --overhead-at 1000   # quicker
    python benchmarks/build.py --only reload --reload-at 1000 10000  # live reload alone

Prints, each measured in this run on synthetic specs (``benchmarks/synth.py``):

1. plugin overhead: a full ``mkdocs build`` with the plugin against a build of the
   same pages written beforehand by ``modelspec generate`` with the plugin off
   (target: at most 1.10x);
2. growth: build time and site size per model at each size (target: per-model
   figures at 10,000 within 1.3x of those at 1,000);
3. live reload: ``mkdocs serve --dirty`` at each ``--reload-at`` size, the seconds
   from saving an edit to the new page being served (the page polled until it shows
   the new value) and to the rebuild's end, for a leaf model's description, a leaf
   model's replicas, the team of the model with the most dependents (its dependents'
   pages show it) and a handwritten page; then the same leaf edit under plain
   ``mkdocs serve``, which rebuilds everything (targets: under 2 s at 1,000 specs,
   under 10 s at 10,000);
4. memory: peak memory of the largest build, and of ``modelspec validate`` alone on
   the same specs in one process (target for validation: under 500 MB);
5. the browser: the catalog page of the largest site in headless Chromium (Debian's
   ``/usr/bin/chromium`` through Playwright): load, sort by a column, filter by text;
   and the load of its dependency graph page and of the graph's largest group;
6. where MkDocs' own time goes per model page at ``--overhead-at`` specs: Markdown
   conversion, the theme's template, search indexing; with the pages' big raw HTML
   blocks set aside (as the plugin does) and handed to Markdown (as before).

Builds use Material with search, as a real site does; times are wall-clock.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import OVERVIEWS as OVERVIEW_PAGES
from mkdocs_modelspec.views import Sources, model_views

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import generate

BIN = Path(sys.executable).parent
CPU: list[float] = []  # CPU seconds of each command run, in order
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
ROUNDS = 6  # pairs of builds for the overhead figure
OVERVIEWS = ["index", "hardware", "ownership", "governance", "graph", "fields", "problems"]
CONFIG = """site_name: Benchmark
theme:
  name: material
nav:
  - index.md
{overviews}
plugins:
  - search
{plugin}
"""


def project(folder: Path, count: int, *, plugin: bool) -> Path:
    """A site with ``count`` specs; without the plugin, its pages are generated first."""
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n")
    generate(folder / "specs", count)
    overviews = "\n".join(f"  - models/{name}.md" for name in OVERVIEWS)
    if plugin:
        config = CONFIG.format(overviews=overviews, plugin="  - modelspec")
    else:
        run([BIN / "modelspec", "generate", "docs", "--specs", "specs"], folder)
        config = CONFIG.format(overviews=overviews, plugin="")
        config += "extra_css: [assets/modelspec/modelspec.css]\n"
        config += "extra_javascript: [assets/modelspec/modelspec.js]\n"
    (folder / "mkdocs.yml").write_text(config)
    return folder


def run(command: list[str | Path], cwd: Path) -> tuple[float, int, str]:
    """Run a command: (wall seconds, peak memory in MB, output); its CPU time in CPU."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(c) for c in command],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    CPU.append(usage.ru_utime + usage.ru_stime)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss // 1024, output


def build(folder: Path) -> tuple[float, int, float]:
    """(seconds, peak MB, the plugin's own seconds) of one `mkdocs build`."""
    shutil.rmtree(folder / "site", ignore_errors=True)
    seconds, peak, output = run([BIN / "mkdocs", "build"], folder)
    found = re.search(r"plugin time ([\d.]+) s", output)
    return seconds, peak, float(found.group(1)) if found else 0.0


def site_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "site").rglob("*") if p.is_file())


class Server:
    """``mkdocs serve`` on a project, its log lines kept with the time each arrived."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{self.port}", *options],
            cwd=folder,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line))

    def line(self, pattern: str, after: float, timeout: float = 3600) -> tuple[float, str]:
        """The first log line matching ``pattern`` that arrived after ``after``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for when, text in list(self.lines):
                if when >= after and re.search(pattern, text):
                    return when, text
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        tail = "".join(text for _, text in self.lines[-30:])
        sys.exit(f"mkdocs serve: no {pattern!r}:\n{tail}")

    def shows(self, url: str, *texts: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{url}", timeout=30) as r:
                page = r.read().decode("utf-8")
        except (urllib.error.URLError, OSError):
            return False
        return all(text in page for text in texts)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def reload_project(folder: Path, count: int) -> tuple[Path, list[tuple[str, Path, str]]]:
    """A site of ``count`` specs with a handwritten page that links to one and embeds
    another; and the models edited: (what, spec file, page name)."""
    project(folder, count, plugin=True)
    specs = load_roots([folder / "specs"])
    catalog = build_catalog(specs, [folder / "specs"])
    views = {v.spec: v for v in model_views(catalog, Sources())}
    leaf = next(
        s
        for s in specs
        if not catalog.dependents.get(s)
        and not catalog.links.get(s)
        and "maxReplicas:" in (s.source or "")
        and "  description:" in (s.source or "")
    )
    hub = max(specs, key=lambda s: len(catalog.dependents.get(s, [])))
    dependent = views[catalog.dependents[hub][-1].source].slug
    (folder / "docs" / "guide.md").write_text(
        f"# Guide\n\nStart with [the hub model](modelspec:{views[hub].name}).\n\n"
        f"<!-- modelspec:card {views[leaf].name} -->\n"
    )
    config = (
        (folder / "mkdocs.yml")
        .read_text()
        .replace("  - index.md\n", "  - index.md\n  - guide.md\n")
    )
    (folder / "mkdocs.yml").write_text(config)
    return folder, [
        ("leaf", Path(leaf.path), views[leaf].slug),
        ("hub", Path(hub.path), views[hub].slug),
        (f"{len(catalog.dependents[hub])} dependents", Path(hub.path), dependent),
    ]


@dataclass
class Edit:
    """One edit of a file, and the pages that show it once they show ``shown``."""

    label: str
    path: Path
    old: str | re.Pattern[str]
    new: str
    pages: list[str]
    shown: str


def edit_and_wait(server: Server, edit: Edit) -> tuple[float, float, str]:
    """Save an edit, then poll its pages until each shows the new value: (seconds until
    they do, seconds until the rebuild ended, the plugin's log line)."""
    text = edit.path.read_text()
    if isinstance(edit.old, re.Pattern):
        edited = edit.old.sub(edit.new, text, count=1)
    else:
        edited = text.replace(edit.old, edit.new, 1)
    assert edited != text, f"{edit.path}: nothing to edit"
    edit.path.write_text(edited)
    saved = time.monotonic()
    waiting = list(edit.pages)
    while waiting:
        if server.shows(waiting[0], edit.shown):
            waiting.pop(0)
        elif time.monotonic() - saved > 3600:
            sys.exit(f"{edit.pages} did not show {edit.shown!r} within an hour")
        else:
            time.sleep(0.02)
    seen = time.monotonic() - saved
    done, _ = server.line(r"Documentation built in", saved)
    _, stats = server.line(r"plugin time", saved)
    return seen, done - saved, stats.split(": ", 1)[-1].strip()


def live_reload(folder: Path, count: int) -> None:
    """3. The seconds from an edit to its page under ``mkdocs serve --dirty``, and the
    same leaf edit under plain ``mkdocs serve``."""
    folder, edited = reload_project(folder, count)
    (_, leaf, leaf_page), (_, hub, hub_page), (dependents, _, dependent) = edited
    description = re.compile(r"(?m)^  description: .*(\n    .*)*$")
    team = re.compile(r"(?m)^    team: \S+$")
    edits = [
        Edit(
            "leaf model, description",
            leaf,
            description,
            "  description: Edited token-1.",
            [f"models/{leaf_page}/"],
            "token-1",
        ),
        Edit(
            "leaf model, maxReplicas",
            leaf,
            re.compile(r"maxReplicas: \d+"),
            "maxReplicas: 987",
            [f"models/{leaf_page}/"],
            "987",
        ),
        Edit(
            f"model with {dependents}, team",
            hub,
            team,
            "    team: team-edited-2",
            [f"models/{hub_page}/", f"models/{dependent}/"],
            "team-edited-2",
        ),
        Edit(
            "handwritten page",
            folder / "docs" / "guide.md",
            "# Guide\n",
            "# Guide\n\nEdited token-3.\n",
            ["guide/"],
            "token-3",
        ),
    ]
    print(f"3. live reload at {count:,} specs, mkdocs serve --dirty (seconds from saving):")
    server = Server(folder, "--dirty")
    try:
        started = time.monotonic()
        first, _ = server.line(r"Serving on", started)
        print(f"   first build: {first - started:.1f} s")
        for edit in edits:
            seen, done, stats = edit_and_wait(server, edit)
            print(f"   {edit.label:<34} shown {seen:5.2f} s, rebuilt {done:5.2f} s ({stats})")
    finally:
        server.stop()
    server = Server(folder)
    try:
        started = time.monotonic()
        first, _ = server.line(r"Serving on", started)
        again = Edit(
            "leaf", leaf, description, "  description: Edited token-4.", edits[0].pages, "token-4"
        )
        seen, done, stats = edit_and_wait(server, again)
        print(
            f"   plain mkdocs serve (first build {first - started:.1f} s), the same leaf edit: "
            f"shown {seen:.2f} s, rebuilt {done:.2f} s ({stats})"
        )
    finally:
        server.stop()


def breakdown(folder: Path, count: int) -> None:
    """6. Where MkDocs' time goes per model page, in one ``mkdocs build`` of ``count``
    specs run in this process: Markdown conversion, the theme's template, the search
    plugin's indexing (CPU time of this process, which is all of MkDocs' work: the
    plugin renders its pages in worker processes); then the same with the model pages'
    big raw HTML blocks handed to Markdown as they are (``plugin._BLOCKS = ()``), as
    before they were set aside."""
    import jinja2
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]
    from mkdocs.commands import build as building
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page

    from mkdocs_modelspec import plugin as modelspec

    project(folder, count, plugin=True)
    overviews = {"models/" + name for name, _, _ in OVERVIEW_PAGES}
    spent: dict[str, dict[str, float]] = {}
    inside: list[str] = []

    def timed(kind: str, function: Any, page_of: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                uri = page_of(*args, **kwargs)
                if uri is not None:
                    spent.setdefault(uri, {}).setdefault(kind, 0.0)
                    spent[uri][kind] += time.process_time() - started

        return run

    def building_page(page: Any, *args: Any, **kwargs: Any) -> Any:
        inside.append(page.file.src_uri)
        try:
            return original_build_page(page, *args, **kwargs)
        finally:
            inside.pop()

    original_build_page = building._build_page
    patches = [
        (Page, "render", timed("convert", Page.render, lambda page, *a, **k: page.file.src_uri)),
        (
            SearchPlugin,
            "on_page_context",
            timed(
                "index",
                SearchPlugin.on_page_context,
                lambda *a, **k: k["page"].file.src_uri,
            ),
        ),
        (
            jinja2.Template,
            "render",
            timed("theme", jinja2.Template.render, lambda *a, **k: inside[-1] if inside else None),
        ),
        (building, "_build_page", building_page),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    blocks = modelspec._BLOCKS
    rows = []
    try:
        for label, aside in (("blocks set aside", blocks), ("blocks in the Markdown", ())):
            modelspec._BLOCKS = aside
            spent.clear()
            shutil.rmtree(folder / "site", ignore_errors=True)
            config = load_config(str(folder / "mkdocs.yml"))
            config.plugins.on_startup(command="build", dirty=False)
            started, cpu = time.perf_counter(), time.process_time()
            building.build(config)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            models = [
                times
                for uri, times in spent.items()
                if uri.startswith("models/") and uri.count("/") == 1 and uri not in overviews
            ]
            each = {
                kind: 1000 * sum(t.get(kind, 0.0) for t in models) / len(models)
                for kind in ("convert", "theme", "index")
            }
            rows.append((label, wall, cpu, len(models), each))
    finally:
        modelspec._BLOCKS = blocks
        for owner, name, value in saved:
            setattr(owner, name, value)
    print(f"6. where MkDocs' time goes per model page, mkdocs build of {count:,} specs (CPU ms):")
    for label, wall, cpu, pages, each in rows:
        total = sum(each.values())
        print(
            f"   {label:<24} conversion {each['convert']:5.2f}, theme {each['theme']:5.2f}, "
            f"search index {each['index']:5.2f} = {total:5.2f} ms a model page "
            f"({pages:,} pages); whole build {wall:.1f} s, {cpu:.1f} s CPU in this process"
        )


def browse(site: Path, size: int) -> None:
    """5. The largest site in headless Chromium: the catalog (load, sort, filter) and
    the dependency graph page (load)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("5. browser: skipped (playwright is not installed; pip install playwright)")
        return
    if not Path("/usr/bin/chromium").exists():
        print("5. browser: skipped (no /usr/bin/chromium; apt-get install chromium)")
        return
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{server.server_port}/models/")
            page.wait_for_selector(".modelspec-filter")
            loaded = time.perf_counter() - started
            rows = page.locator("table[data-modelspec-sortable] tbody tr").count()
            # Time the page's own work (sort, then filter) inside the browser.
            sort_ms = page.evaluate(
                """() => { const t = performance.now();
                   document.querySelectorAll("table[data-modelspec-sortable] th")[5].click();
                   document.body.offsetHeight; return performance.now() - t; }"""
            )
            filter_ms = page.evaluate(
                """() => new Promise(done => {
                   const input = document.querySelector(".modelspec-filter");
                   const counter = document.querySelector(".modelspec-count");
                   const t = performance.now();
                   input.value = "h100 prod";
                   input.dispatchEvent(new Event("input"));
                   const check = () => counter.textContent.includes(" of ")
                     ? (document.body.offsetHeight, done(performance.now() - t))
                     : requestAnimationFrame(check);
                   check(); })"""
            )
            graph_pages = []  # (URL, MB, seconds to load, drawings)
            for url in ("models/graph/", "models/graph/1/"):
                if not (site / url / "index.html").exists():
                    continue
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{server.server_port}/{url}")
                page.wait_for_load_state("load")
                seconds = time.perf_counter() - started
                drawings = page.locator("svg.modelspec-graph").count()
                megabytes = (site / url / "index.html").stat().st_size / 1e6
                graph_pages.append((url, megabytes, seconds, drawings))
            browser.close()
        print(
            f"5. browser, at {size:,} models: catalog loaded in {loaded:.1f} s "
            f"({rows:,} rows shown, the rest behind a button), sorted in {sort_ms:.0f} ms "
            f"and filtered in {filter_ms:.0f} ms over every row (of which 80 ms wait for "
            "typing to pause); "
            + "; ".join(
                f"{url} ({mb:.1f} MB, {drawings} drawings) loaded in {seconds:.1f} s"
                for url, mb, seconds, drawings in graph_pages
            )
        )
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--overhead-at", type=int, default=1000)
    parser.add_argument("--reload-at", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--only",
        choices=["reload", "breakdown"],
        help="run one part: reload (figure 3) or breakdown (figure 6, at --overhead-at)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="modelspec-build-bench-"))
    try:
        if args.only == "reload":
            for size in args.reload_at:
                live_reload(work / f"reload-{size}", size)
            return
        if args.only == "breakdown":
            breakdown(work / "breakdown", args.overhead_at)
            return
        n = args.overhead_at
        with_plugin = project(work / "plugin", n, plugin=True)
        static = project(work / "static", n, plugin=False)
        # This machine's speed drifts by tens of percent over minutes, which would land
        # on one side of a comparison of two builds taken minutes apart: the builds
        # alternate in pairs (ABBA), and the figure is the median of the pairs' ratios.
        ratios: list[float] = []
        cpu_ratios: list[float] = []
        walls: dict[str, list[float]] = {"plugin": [], "static": []}
        for round_ in range(ROUNDS):
            pair = [("plugin", with_plugin), ("static", static)]
            took: dict[str, float] = {}
            cpu: dict[str, float] = {}
            for name, folder in pair if round_ % 2 == 0 else pair[::-1]:
                took[name] = build(folder)[0]
                cpu[name] = CPU[-1]
                walls[name].append(took[name])
            ratios.append(took["plugin"] / took["static"])
            cpu_ratios.append(cpu["plugin"] / cpu["static"])
        print(
            f"1. plugin overhead at {n:,} specs, median of {ROUNDS} pairs of builds: "
            f"{statistics.median(ratios):.2f}x wall-clock, "
            f"{statistics.median(cpu_ratios):.2f}x CPU (target <= 1.10x); "
            f"with the plugin {statistics.median(walls['plugin']):.1f} s, pre-generated "
            f"pages {statistics.median(walls['static']):.1f} s (medians); pairs: "
            + ", ".join(f"{r:.2f}" for r in ratios)
        )

        print("2. growth (with the plugin):")
        per_model: dict[int, tuple[float, float]] = {}
        peak_build = 0
        for size in args.sizes:
            folder = project(work / f"growth-{size}", size, plugin=True)
            seconds, peak, plugin_seconds = build(folder)
            size_mb = site_size(folder) / 1e6
            per_model[size] = (seconds / size * 1000, size_mb / size * 1000)
            peak_build = max(peak_build, peak)
            print(
                f"   {size:>6,} specs: {seconds:7.1f} s ({per_model[size][0]:.1f} ms/model, "
                f"plugin {plugin_seconds:.1f} s = {plugin_seconds / seconds:.0%}), "
                f"site {size_mb:7.1f} MB ({per_model[size][1]:.1f} KB/model), peak {peak} MB"
            )
            if size not in args.sizes[-2:]:
                shutil.rmtree(folder)
        sizes = sorted(per_model)
        if len(sizes) >= 2:
            small, large = sizes[-2], sizes[-1]
            # The smaller build again, right after the larger one: with the machine's
            # drift, the ratio uses the mean of the builds on either side (A B A).
            again = build(work / f"growth-{small}")[0] / small * 1000
            shutil.rmtree(work / f"growth-{small}")
            reference = (per_model[small][0] + again) / 2
            print(
                f"   per model, {large:,} vs {small:,}: time {per_model[large][0] / reference:.2f}x "
                f"(against the mean of {small:,} built before and after: "
                f"{per_model[small][0]:.1f} and {again:.1f} ms/model), size "
                f"{per_model[large][1] / per_model[small][1]:.2f}x (target <= 1.3x)"
            )

        for size in args.reload_at:
            live_reload(work / f"reload-{size}", size)

        largest = work / f"growth-{sizes[-1]}"
        _, validate_peak, _ = run([BIN / "modelspec", "validate", "--jobs", "1", "specs"], largest)
        print(
            f"4. memory at {sizes[-1]:,} specs: build peak {peak_build} MB, "
            f"validation alone {validate_peak} MB (target < 500 MB)"
        )
        browse(largest / "site", sizes[-1])
        breakdown(work / "breakdown", n)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
