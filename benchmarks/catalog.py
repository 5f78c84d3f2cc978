"""The catalog page at scale, in headless Chromium: how soon its first rows show, how
long a sort and a filter over every model take, and how heavy the page is.

    python benchmarks/catalog.py [--count 10000] [--runs 5]

It generates ``count`` specs (``synth.py``), builds a site holding the catalog page
as the plugin makes it (its Markdown, its data file ``catalog.json`` and the assets),
with Material, and opens it in Debian's chromium (``/usr/bin/chromium``) through
Playwright. Only the catalog page is built: the model pages do not change what the
catalog costs to open. Figures (medians of ``runs`` page loads):

- first rows: from the start of navigation to the first row of the table in the DOM
  and painted (the first contentful paint, and the load of the table's rows);
- ready: until every model is loaded from the data file and the facets are filled;
- sort, facet, text filter: the time a click on the Readiness header, a choice in the
  Team drop-down, and typed text take to show their rows (over every model);
- the page's HTML and the data file, in bytes.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mkdocs_modelspec.catalog import build_catalog
from mkdocs_modelspec.loading import load_roots
from mkdocs_modelspec.pages import Options, Site
from mkdocs_modelspec.rendering import ASSETS
from mkdocs_modelspec.views.index import CATALOG_DATA

from synth import generate

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build_site(root: Path, count: int) -> Path:
    specs = root / "specs"
    generate(specs, count)
    site = Site(build_catalog(load_roots([specs], base=root), [specs]), Options())
    catalog = next(p for p in site.pages() if p.src_uri == "models/index.md")
    docs = root / "docs"
    (docs / "models").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    (docs / "models" / "index.md").write_text(catalog.content)
    files = site.files()
    (docs / "models" / CATALOG_DATA).write_text(files["models/" + CATALOG_DATA])
    shutil.copytree(ASSETS, docs / "assets" / "modelspec")
    (root / "mkdocs.yml").write_text(
        "site_name: Catalog\ntheme:\n  name: material\n  font: false\n"
        "extra_css: [assets/modelspec/modelspec.css]\n"
        "extra_javascript: [assets/modelspec/modelspec.js]\n"
        "markdown_extensions: [tables, attr_list, md_in_html]\n"
    )
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "mkdocs"), "build", "-q"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(done.stderr)
    return root / "site"


def measure(url: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    found: dict[str, list[float]] = {
        k: [] for k in ("paint", "rows", "ready", "sort", "facet", "text")
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_selector("article table tbody tr")
            found["rows"].append(time.perf_counter() - started)
            page.wait_for_selector("select.modelspec-choice[data-facet=team]")
            page.wait_for_function(
                "() => /models$/.test(document.querySelector('.modelspec-count').textContent)"
            )
            found["ready"].append(time.perf_counter() - started)
            found["paint"].append(
                page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
                / 1000
            )
            # Sort: synchronous in the click handler; the rows are laid out after it.
            found["sort"].append(
                page.evaluate(
                    """() => {
                      const th = [...document.querySelectorAll('article thead th')]
                        .find(h => h.textContent.trim() === 'Readiness');
                      const t = performance.now();
                      th.click();
                      document.querySelector('article tbody').getBoundingClientRect();
                      return performance.now() - t;
                    }"""
                )
                / 1000
            )
            found["facet"].append(
                page.evaluate(
                    """() => {
                      const select = document.querySelector('select[data-facet=team]');
                      select.value = select.options[1].value;
                      const t = performance.now();
                      select.dispatchEvent(new Event('change'));
                      document.querySelector('article tbody').getBoundingClientRect();
                      const took = performance.now() - t;
                      select.value = '';
                      select.dispatchEvent(new Event('change'));
                      return took;
                    }"""
                )
                / 1000
            )
            # Typed text: the script waits 80 ms for the next key, then filters.
            found["text"].append(
                page.evaluate(
                    """() => new Promise(done => {
                      const input = document.querySelector('.modelspec-filter');
                      const counter = document.querySelector('.modelspec-count');
                      const t = performance.now();
                      new MutationObserver((_, observer) => {
                        observer.disconnect();
                        document.querySelector('article tbody').getBoundingClientRect();
                        done(performance.now() - t - 80);
                      }).observe(counter, {childList: true, characterData: true, subtree: true});
                      input.value = 'h100';
                      input.dispatchEvent(new Event('input'));
                    })"""
                )
                / 1000
            )
            page.close()
        browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="modelspec-catalog-"))
    try:
        started = time.perf_counter()
        site = build_site(root, args.count)
        print(f"{args.count:,} specs; site built in {time.perf_counter() - started:.1f} s")
        html = (site / "models" / "index.html").stat().st_size
        data = (site / "models" / CATALOG_DATA).stat().st_size
        print(f"catalog page HTML {html / 1e6:.2f} MB; {CATALOG_DATA} {data / 1e6:.2f} MB")
        handler = functools.partial(_Quiet, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/models/"
            found = measure(url, args.runs)
        finally:
            server.shutdown()
        labels = {
            "paint": "first contentful paint",
            "rows": "first rows in the table",
            "ready": "every model loaded, facets filled",
            "sort": "sort by readiness, every model",
            "facet": "filter by a team (drop-down)",
            "text": "filter by typed text (after the 80 ms pause)",
        }
        for key, label in labels.items():
            values = found[key]
            unit, scale = ("ms", 1000) if key in ("sort", "facet", "text") else ("s", 1)
            print(
                f"{label:46} median {statistics.median(values) * scale:8.2f} {unit}"
                f"  (runs: {', '.join(f'{v * scale:.2f}' for v in values)})"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
