"""The ``modelspec`` command: validate specs in CI, export the catalog, generate pages,
check readiness, review a change, compare specs with what runs.

Exit status: 0 when there is no error, 1 when there is one (or a warning under
``--strict``, or a model below its readiness level for ``check``, or a change that
crosses a ``--fail-on`` line for ``review``, or a field that drifts for ``drift``, or
a file that could not be written), 2 on a usage error, 130 when interrupted (Ctrl-C).
Each failure is one line on stderr, never a traceback.

``check``, ``drift``, ``export``, ``generate`` and ``review`` read the plugin's options from ``mkdocs.yml``
(``--config``; by default the ``mkdocs.yml`` of the working folder, when there is
one), so that they score, size and publish the catalog as the site does.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .diagnostics import printable

if TYPE_CHECKING:
    from .catalog import Catalog
    from .diagnostics import Diagnostic
    from .pages import Options, Site

# Everything else is imported inside the functions, once `main` has started: a Ctrl-C
# from then on ends the command with one line (exit status 130), not a traceback.

#: The readiness levels, lowest first, as ``readiness.LEVEL_NAMES`` names them (a test
#: keeps the two equal): importing the readiness checks only to list four names cost
#: 15 ms of the start-up of `modelspec validate`.
LEVEL_NAMES = ("declared", "servable", "operable", "production-ready")

# Page generation (Jinja, the views) is imported by the commands that need it: it
# would add a third to the start-up of `modelspec validate`, which CI runs often.

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    from .loading import DEFAULT_MAX_FILE_SIZE, default_jobs

    parser = argparse.ArgumentParser(
        prog="modelspec",
        description="Validate ModelSpec files and print the format's JSON Schema.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate",
        help="check spec files and the links between them",
        description=(
            "Check every *.modelspec.yaml under each folder (and each file named), "
            "then the links between them. Prints path:line:col: severity: [code] message."
        ),
    )
    _specs_arguments(validate, "spec folders or files (default: specs/)")
    validate.add_argument(
        "--strict", action="store_true", help="fail on warnings too (exit status 1)"
    )
    validate.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help=(
            "text (default): one line per problem; json: a JSON document; sarif: a "
            "SARIF 2.1.0 log (code scanning); github: GitHub workflow commands, an "
            "annotation on the file and line of each problem"
        ),
    )
    validate.add_argument(
        "--jobs",
        type=int,
        default=default_jobs(),
        metavar="N",
        help=(
            "processes that read large catalogs (default: the CPU count, at most 4; "
            "never more than the cores this process may use)"
        ),
    )
    validate.add_argument(
        "--max-file-size",
        type=int,
        default=DEFAULT_MAX_FILE_SIZE,
        metavar="BYTES",
        help=f"largest spec file read, in bytes (default {DEFAULT_MAX_FILE_SIZE})",
    )
    export = commands.add_parser(
        "export",
        help="write the catalog as JSON (the site's models.json), CSV or Backstage entities",
        description=(
            "Write the catalog for the tools around the site: json (the site's "
            "models.json: every spec, its problems and its links), csv (one row per "
            "model, the catalog's columns) or backstage (Backstage catalog entities, "
            "one per spec, as a YAML stream)."
        ),
    )
    _specs_arguments(export)
    _config_option(export)
    export.add_argument(
        "--format",
        choices=("json", "csv", "backstage"),
        default="json",
        help="json (default), csv or backstage",
    )
    export.add_argument(
        "--site-url",
        metavar="URL",
        help="the site's address, for the links to model pages (default: site_url in "
        "mkdocs.yml; without one, links are relative to the site root)",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    generate = commands.add_parser(
        "generate",
        help="write the generated pages as Markdown, for any static site tool",
        description=(
            "Write the pages the plugin would add (and models.json, the schema, the "
            "specs as YAML and JSON, the CSS and JavaScript) under OUT_DIR, at the "
            "paths the plugin gives them relative to the docs folder."
        ),
    )
    generate.add_argument(
        "out_dir",
        metavar="OUT_DIR",
        help=(
            "usually your docs folder; files there that generate did not write are "
            "never changed (see .modelspec-generated.json there)"
        ),
    )
    _specs_arguments(generate)
    _config_option(generate)
    generate.add_argument(
        "--prefix",
        default=None,
        help="folder of the pages in OUT_DIR (default: the plugin's prefix, models/)",
    )
    generate.add_argument(
        "--no-directory-urls",
        action="store_true",
        help="the site serves pages as name.html rather than name/",
    )
    check = commands.add_parser(
        "check",
        help="check that every model reaches its required readiness level",
        description=(
            "Score every spec with the readiness checks and print one line per model "
            "below its required level: the level --min-level names, or else the level "
            "mkdocs.yml requires of its environment (readiness: required:). "
            "Exit status 1 when a model falls short."
        ),
    )
    _specs_arguments(check)
    _config_option(check)
    check.add_argument(
        "--min-level",
        choices=LEVEL_NAMES,
        metavar="LEVEL",
        help=f"the level every model must reach: {', '.join(LEVEL_NAMES)}",
    )
    review = commands.add_parser(
        "review",
        help="review a change to the specs: governance, readiness, capacity, problems",
        description=(
            "Compare the specs at two git revisions and print what a reviewer needs: "
            "governance changes first, then readiness, capacity, broken dependencies, "
            "problems, and each model's field changes. Markdown made for a pull request "
            "comment or a CI job summary, or JSON for bots."
        ),
    )
    _specs_arguments(review, "specs folders (default: the site's specs_dir, or specs/)")
    review.add_argument("--base", required=True, metavar="REF", help="the revision before")
    review.add_argument(
        "--head", metavar="REF", help="the revision after (default: the working tree)"
    )
    review.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="markdown (default): for a pull request comment; json: for bots",
    )
    review.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="LINE",
        help="exit status 1 when the change crosses LINE: governance (a governance "
        "change or a new conflict), readiness (a model's level falls, or falls below "
        "its required level), problems (a problem introduced); repeat or separate "
        "with commas",
    )
    review.add_argument(
        "--site-url",
        metavar="URL",
        help="link each model to its page on the site (default: site_url in mkdocs.yml)",
    )
    review.add_argument(
        "--max-chars",
        type=int,
        default=60_000,
        metavar="N",
        help="longest Markdown printed (default 60000: a pull request comment holds "
        "65536 characters); 0 for no limit",
    )
    _config_option(review)
    drift = commands.add_parser(
        "drift",
        help="compare what each spec declares with what runs",
        description=(
            "Compare each spec with the workloads that run it, read from piqc facts "
            "bundles and Kubernetes manifests. Prints one line per field that drifts "
            "(spec-file:line:col: drift: [FIELD] declared X, running Y (source)), one "
            "per workload no spec declares, then a summary. Exit status 1 when a field "
            "drifts or an observed file cannot be read."
        ),
    )
    _specs_arguments(drift)
    drift.add_argument(
        "--observed",
        type=Path,
        action="append",
        metavar="PATH",
        help=(
            "a piqc bundle, a manifest file or a folder of them (repeat for several; "
            "default: the observed option of mkdocs.yml)"
        ),
    )
    drift.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default): one line per drifting field; json: as in models.json",
    )
    _config_option(drift)
    commands.add_parser(
        "schema",
        help="print the JSON Schema of the format",
        description="Print the JSON Schema (draft 2020-12) generated from the format's models.",
    )
    return parser


def _specs_arguments(
    parser: argparse.ArgumentParser,
    text: str = "spec folders (default: the site's specs_dir in mkdocs.yml, else specs/)",
) -> None:
    """Every command takes its spec folders the same way: as arguments, or each after
    ``--specs`` (the older spelling, kept); :func:`main` joins the two in ``specs``."""
    parser.add_argument("spec_paths", nargs="*", type=Path, metavar="SPECS", help=text)
    parser.add_argument(
        "--specs",
        dest="specs_option",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a spec folder, as an argument would name it (repeat for several)",
    )


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the site's mkdocs.yml, for the plugin's options (default: ./mkdocs.yml if any)",
    )


def load_catalog(
    paths: Sequence[Path],
    max_file_size: int | None = None,
    jobs: int = 1,
    *,
    compact: bool = False,
    publish: bool = False,
) -> Catalog:
    """Load the folders and files named on the command line (default ``specs/``).

    ``max_file_size``: default ``loading.DEFAULT_MAX_FILE_SIZE``; ``compact``: keep
    only what checking the catalog needs (see ``load_roots``); ``publish``: for pages
    and exports, where a spec outside the working folder is shown relative to its
    repository, not by its path on this machine (``loading.published``).
    """
    from .catalog import build_catalog
    from .loading import DEFAULT_MAX_FILE_SIZE, load_roots, published

    paths = list(paths) or [Path("specs")]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    folders = [p for p in paths if p.is_dir()]
    files = [p for p in paths if not p.is_dir()]
    roots = folders + [f.parent for f in files]  # a file named alone is its own root
    loaded = load_roots(
        folders,
        base=Path.cwd(),
        files=files,
        max_file_size=max_file_size or DEFAULT_MAX_FILE_SIZE,
        jobs=jobs,
        compact=compact,
    )
    if publish:
        published(loaded)
    return build_catalog(loaded, roots)


def _summary(catalog: Catalog, diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    errors = sum(1 for d in diagnostics if d.is_error)
    valid = len(catalog.valid)
    return {
        "specs": len(catalog.files),
        "valid": valid,
        "invalid": len(catalog.files) - valid,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _validate(args: argparse.Namespace) -> int:
    if args.max_file_size < 1:
        raise UsageError("--max-file-size must be a positive number of bytes")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    from .loading import usable_cores

    jobs = min(args.jobs, usable_cores())
    catalog = load_catalog(args.specs or [], args.max_file_size, jobs, compact=True)
    diagnostics = catalog.diagnostics
    summary = _summary(catalog, diagnostics)
    if args.format == "json":
        document = {**summary, "diagnostics": [d.to_json() for d in diagnostics]}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    elif args.format == "sarif":
        from .ci import sarif

        print(json.dumps(sarif(diagnostics), indent=2, ensure_ascii=False))
    else:
        if args.format == "github":
            from .ci import github

            lines = github(diagnostics)
        else:
            lines = [diagnostic.format() for diagnostic in diagnostics]
        for line in lines:
            print(line)
        print(
            f"{_plural(summary['specs'], 'spec')}: {summary['valid']} valid, "
            f"{summary['invalid']} invalid; {_plural(summary['errors'], 'error')}, "
            f"{_plural(summary['warnings'], 'warning')}"
        )
    failed = summary["errors"] > 0 or (args.strict and summary["warnings"] > 0)
    return EXIT_PROBLEMS if failed else EXIT_OK


def plugin_options(path: Path | None, *, default: bool = True) -> tuple[Any, Path | None]:
    """The plugin's validated options from ``path`` (``./mkdocs.yml`` when None, it
    exists and ``default``), and the file read; the defaults when there is no file."""
    from .config import ModelSpecConfig  # MkDocs is imported only when needed

    explicit = path is not None
    path = path if path is not None else Path("mkdocs.yml")
    options: Any = {}
    if path.is_file() and (explicit or default):
        options = _plugin_entry(path)
    elif explicit:
        raise UsageError(f"no such file: {path}")
    else:
        path = None
    config = ModelSpecConfig(config_file_path=str(path) if path else None)
    config.load_dict(options if isinstance(options, dict) else {})
    failed, _ = config.validate()
    if failed:
        key, error = failed[0]
        raise UsageError(f"{path}: modelspec: {key}: {error}")
    return config, path


def _plugin_entry(path: Path) -> Any:
    """The options under ``plugins: - modelspec:`` in an mkdocs.yml."""
    document = _mkdocs_yml(path)
    plugins = document.get("plugins") if isinstance(document, dict) else None
    entries: Iterable[tuple[Any, Any]] = plugins.items() if isinstance(plugins, dict) else ()
    if isinstance(plugins, list):
        entries = [next(iter(p.items())) if isinstance(p, dict) and p else (p, {}) for p in plugins]
    for name, options in entries:
        if name == "modelspec":
            return options or {}
    return {}


def _mkdocs_yml(path: Path) -> Any:
    """The document of an mkdocs.yml."""
    import yaml

    class Loader(yaml.SafeLoader):
        """Reads any tag (``!ENV``, ``!!python/name:``) as nothing: only our options matter."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    except (OSError, UnicodeError, yaml.YAMLError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None


def _site(
    args: argparse.Namespace,
    *,
    history: bool = False,
    min_level: str | None = None,
    need_observed: bool = False,
) -> Site:
    """The site of the specs the command names, with the options of ``mkdocs.yml``."""
    return build_site(
        specs=args.specs,
        config=getattr(args, "config", None),
        prefix=getattr(args, "prefix", None),
        directory_urls=not getattr(args, "no_directory_urls", False),
        observed=getattr(args, "observed", None),
        history=history,
        min_level=min_level,
        need_observed=need_observed,
    )


def build_site(
    *,
    specs: Sequence[Path] | None,
    config: Path | None,
    prefix: str | None = None,
    directory_urls: bool = True,
    observed: Sequence[Path] | None = None,
    history: bool = False,
    min_level: str | None = None,
    need_observed: bool = False,
    default_config: bool = True,
) -> Site:
    """The site of ``specs`` (default: the configuration's ``specs_dir``) with the
    plugin's options from ``config`` (``./mkdocs.yml`` when None and it exists), as
    ``modelspec generate`` and the Markdown extension make it.

    What runs is read from ``observed`` (``drift``), else from the configuration's
    ``observed`` option, as the plugin does; ``need_observed``: one of them must say.
    ``default_config``: False to read no configuration when ``config`` is None.
    Raises :class:`UsageError` with the reason when an input is missing.
    """
    from .history import History, not_read, read_history
    from .observed import read_observed
    from .pages import Site, normalise_prefix

    options, path = plugin_options(config, default=default_config)
    base = path.parent if path is not None else Path()
    folders = list(specs or [base / d for d in options.specs_dir])
    for folder in folders:
        if not folder.exists():
            raise UsageError(f"no such file or folder: {folder}")
    found_observed = None
    given = list(observed or [])
    if given:
        missing = [str(p) for p in given if not p.exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
    elif options.observed is not None:
        given = [base / p for p in options.observed]
    elif need_observed:
        raise UsageError(
            "no observed data: give --observed PATH (a piqc bundle, a manifest, or a "
            "folder of them), or set `observed:` under the plugin in mkdocs.yml"
        )
    if given:
        found_observed = read_observed(
            [str(p) for p in given],
            base=str(Path.cwd()),
            link_key=options.drift.label,
            max_file_size=options.drift.max_file_size,
        )
    catalog = load_catalog(folders, options.max_file_size, publish=True)
    prefix = prefix or options.prefix
    try:
        normalise_prefix(prefix)
    except ValueError as error:
        raise UsageError(str(error)) from None
    found: History | None = None
    if history:
        found = (
            read_history(catalog.files, [str(f) for f in folders], limit=options.history_limit)
            if options.history
            else not_read("History is turned off in this site's configuration (history: false).")
        )
    settings = site_options(
        options, prefix, directory_urls, str(path) if path is not None else None
    )
    # The pages made here are built by another tool (generate, the Markdown extension).
    settings.markdown_links = True
    if path is not None:
        from .pages import commit_url_of

        document = _mkdocs_yml(path)
        if isinstance(document, dict):
            settings.commit_url = commit_url_of(document.get("repo_url"))
    return Site(catalog, settings, found, min_level=min_level, observed=found_observed)


def site_options(
    config: Any, prefix: str, directory_urls: bool = True, config_file: str | None = None
) -> Options:
    """The options of the pages, from the plugin's validated ``config`` (read from
    ``config_file``)."""
    from .config import drift_settings
    from .pages import Options
    from .readiness import Settings
    from .views import Sources

    return Options(
        prefix=prefix,
        sources=Sources(team=config.team, owner=config.owner, contact=config.contact),
        custom_templates=config.custom_templates,
        directory_urls=directory_urls,
        graph_split_at=config.graph_split_at,
        readiness=Settings(
            disabled=frozenset(config.readiness.disabled_checks),
            required=dict(config.readiness.required),
        ),
        accelerators=config.accelerators,
        drift=drift_settings(config, config_file),
    )


def _site_url(path: Path | None) -> str | None:
    """``site_url`` of the mkdocs.yml at ``path``, when it has one."""
    document = _mkdocs_yml(path) if path is not None else {}
    found = document.get("site_url") if isinstance(document, dict) else None
    return found if isinstance(found, str) and found else None


def _export(args: argparse.Namespace) -> int:
    from .exports import backstage, catalog_csv, to_json
    from .pages import save

    output = None
    if args.output is not None:
        if not args.output:
            raise UsageError("-o names no file: give the file to write, or leave -o out for stdout")
        output = Path(args.output)
        if output.is_dir():
            name = {"json": "models.json", "csv": "models.csv"}.get(
                args.format, "catalog-info.yaml"
            )
            raise UsageError(f"{output} is a folder: give a file name, such as {output / name}")
    site = _site(args)
    if args.format == "csv":
        text = catalog_csv(site)
    elif args.format == "backstage":
        site_url = args.site_url or _site_url(plugin_options(args.config)[1])
        if not site_url:
            print(
                "modelspec: warning: no site URL (--site-url, or site_url in mkdocs.yml): "
                "the links to model pages are relative to the site root",
                file=sys.stderr,
            )
        text = backstage(site, site_url)
    else:
        text = to_json(site.export(), indent=2)
    if output is None:
        sys.stdout.write(text)
    else:
        save(output, text.encode("utf-8"))
    return EXIT_OK


def _out_dir(given: str) -> Path:
    """The output folder of ``generate``, or a usage error saying why not."""
    if not given.strip():
        raise UsageError(
            "OUT_DIR is empty: name the folder to write into (usually your docs folder)"
        )
    out_dir = Path(given)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"OUT_DIR {given} is a file, not a folder: name the folder to write into")
    real = os.path.realpath(out_dir)
    if os.path.dirname(real) == real:
        raise UsageError(f"refusing to write into {given}, the root of the file system")
    if real == os.path.realpath(Path.home()):
        raise UsageError(f"refusing to write into {given}, your home folder: name your docs folder")
    return out_dir


def _generate(args: argparse.Namespace) -> int:
    from .pages import ASSET_FOLDER, write

    out_dir = _out_dir(args.out_dir)
    site = _site(args, history=True)
    for notice in site.notices:
        print(f"modelspec: warning: {printable(notice)}", file=sys.stderr)
    done = write(site, out_dir, _inputs(args, out_dir))
    for src_uri, reason in done.kept:
        print(
            f"modelspec: warning: {printable(str(out_dir / src_uri))} kept as it is ({reason}): "
            "the generated file was not written; move yours away to get it",
            file=sys.stderr,
        )
    problems = len(site.catalog.diagnostics)
    removed = f", removed {_plural(len(done.removed), 'file')} of deleted specs"
    kept = f", kept {_plural(len(done.kept), 'file')} of yours" if done.kept else ""
    removed = removed if done.removed else ""
    print(
        f"wrote {len(done.written)} files under {printable(str(out_dir))}{removed}{kept} "
        f"({len(site.views)} models, {problems} problems); add "
        f"{ASSET_FOLDER}modelspec.css and {ASSET_FOLDER}modelspec.js to your site's "
        "stylesheets and scripts"
    )
    return EXIT_OK


def _inputs(args: argparse.Namespace, out_dir: Path) -> dict[str, Any]:
    """What ``generate`` made the site from, each path relative to ``out_dir``: the
    Markdown extension makes the same site again from them (``markdown.py``)."""

    def path(given: Path) -> str:
        try:
            return Path(os.path.relpath(given.absolute(), out_dir.absolute())).as_posix()
        except ValueError:  # another drive (Windows): no relative path exists
            return given.absolute().as_posix()

    config = args.config if args.config is not None else Path("mkdocs.yml")
    return {
        "specs": [path(p) for p in args.specs] if args.specs else None,
        "config": path(config) if config.is_file() else None,
        "prefix": args.prefix,
        "directoryUrls": not args.no_directory_urls,
    }


def _check(args: argparse.Namespace) -> int:
    from .views.scorecards import shortfalls

    site = _site(args, min_level=args.min_level)
    scores = [v.score for v in site.views if v.score is not None]
    if args.min_level is None and not site.options.readiness.required:
        raise UsageError(
            "no level to check against: give --min-level, or require levels in "
            "mkdocs.yml (plugins: - modelspec: readiness: required: {prod: operable})"
        )
    lines = shortfalls(site.views)
    for line in lines:
        print(printable(line))
    judged = [s for s in scores if s.required is not None]
    print(
        f"{_plural(len(scores), 'model')}: {len(judged) - len(lines)} at or above their "
        f"required level, {len(lines)} below, {len(scores) - len(judged)} with no requirement"
    )
    return EXIT_PROBLEMS if lines else EXIT_OK


def _review(args: argparse.Namespace) -> int:
    from .pages import normalise_prefix
    from .review import LINES, ReviewError, review, to_json, to_markdown

    lines = [line.strip() for given in args.fail_on for line in given.split(",") if line.strip()]
    unknown = [line for line in lines if line not in LINES]
    if unknown:
        raise UsageError(f"--fail-on {unknown[0]}: one of {', '.join(LINES)}")
    if args.max_chars < 0:
        raise UsageError("--max-chars must be 0 (no limit) or more")
    config, path = plugin_options(args.config)
    base = path.parent if path is not None else Path()
    folders = args.specs or [base / d for d in config.specs_dir]
    files = [str(f) for f in folders if f.is_file()]
    if files:
        raise UsageError(f"{files[0]} is a file: give specs folders")
    document = _mkdocs_yml(path) if path is not None else {}
    settings = document if isinstance(document, dict) else {}
    site_url = args.site_url or _site_url(path)
    try:
        normalise_prefix(config.prefix)
    except ValueError as error:
        raise UsageError(str(error)) from None
    directory_urls = settings.get("use_directory_urls", True) is not False
    try:
        found = review(
            [str(f) for f in folders],
            args.base,
            args.head,
            options=site_options(config, config.prefix, directory_urls),
            cwd=str(base.resolve()),
            max_file_size=config.max_file_size,
            site_url=site_url,
        )
    except ReviewError as error:
        raise UsageError(str(error)) from None
    if args.format == "json":
        print(json.dumps(to_json(found), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(to_markdown(found, args.max_chars))
    crossed = set(found.crossed())
    return EXIT_PROBLEMS if crossed.intersection(lines) else EXIT_OK


def _drift(args: argparse.Namespace) -> int:
    from .drift import model_json, source_text, workload_json

    site = _site(args, need_observed=True)
    report = site.drift
    assert report is not None
    rows = []
    for view in sorted(site.views, key=lambda v: v.spec.display):
        section = view.drift
        for row in section.model.drifts if section is not None else []:
            where = view.spec.where(tuple(row.field.path.split(".")))
            rows.append(
                f"{view.spec.display}:{where.line}:{where.column}: drift: [{row.field.id}] "
                f"declared {row.declared}, running {row.observed} "
                f"({source_text(row.fact, row.workload)}{', stale' if row.stale else ''})"
            )
    statuses = [v.drift.status for v in site.views if v.drift is not None]
    errors = [d for d in report.diagnostics if d.is_error]
    summary = {
        "specs": len(site.views),
        "drift": statuses.count("drift"),
        "driftingFields": len(rows),
        "match": statuses.count("match"),
        "notSeen": statuses.count("not seen"),
        "unmatched": len(report.unmatched),
        "workloads": len(report.observations.workloads),
        "files": len(report.observations.files),
        "problems": len(report.diagnostics),
    }
    if args.format == "json":
        document = {
            "models": [
                {
                    "name": v.name,
                    "source": v.spec.rel,
                    "file": v.spec.display,
                    "observed": model_json(v.drift.model) if v.drift is not None else None,
                }
                for v in sorted(site.views, key=lambda v: v.spec.display)
            ],
            "unmatched": [workload_json(w) for w in report.unmatched],
            "diagnostics": [d.to_json() for d in report.diagnostics],
            "summary": summary,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for diagnostic in report.diagnostics:
            print(diagnostic.format())
        for line in rows:
            print(line)
        for w in report.unmatched:
            engine = w.value("engine") or "engine unknown"
            print(
                f"{w.file}:{w.line}:{w.column}: not declared: {w.id} runs in {w.context} "
                f"({engine}) and no spec declares it"
            )
        print(
            f"{_plural(summary['specs'], 'spec')}: {summary['drift']} with drift "
            f"({_plural(len(rows), 'field')}), {summary['match']} running as declared, "
            f"{summary['notSeen']} not seen running; "
            f"{_plural(summary['unmatched'], 'workload')} running, not declared; "
            f"{_plural(summary['workloads'], 'workload')} read from "
            f"{_plural(summary['files'], 'file')}"
            + (f", {_plural(len(report.diagnostics), 'problem')}" if report.diagnostics else "")
        )
    return EXIT_PROBLEMS if rows or errors else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``modelspec`` console script."""
    # A short-lived command over acyclic data: the cyclic garbage collector would
    # only rescan the whole catalog again and again (a third of the run at 10,000
    # specs); memory is returned when the command exits.
    gc.disable()
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        if hasattr(args, "spec_paths"):
            args.specs = [*args.spec_paths, *args.specs_option] or None
    except KeyboardInterrupt:
        print("modelspec: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "export":
            return _export(args)
        if args.command == "generate":
            return _generate(args)
        if args.command == "check":
            return _check(args)
        if args.command == "review":
            return _review(args)
        if args.command == "drift":
            return _drift(args)
        from .format import json_schema

        print(json.dumps(json_schema(), indent=2))
        return EXIT_OK
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"modelspec: error: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `modelspec validate | head` is not a failure
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C: the workers are gone already (in_workers)
        print("modelspec: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:  # a file or the output could not be written (a full disk)
        print(f"modelspec: error: {_failure(error)}", file=sys.stderr)
        return EXIT_PROBLEMS


def run() -> None:
    """The ``modelspec`` command: :func:`main`, then exit without tearing down.

    Freeing every record of a large catalog one by one at exit took longer than
    printing them (40-50 ms at 10,000 specs); the operating system takes the memory
    back at once. Output is flushed first; nothing else waits for the exit.
    """
    code = EXIT_OK
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:  # after the command's work: while its output is written
        print("modelspec: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:  # `| head`: what was wanted was read
        pass
    except OSError as error:  # a full disk: say so, and fail
        print(f"modelspec: error: {_failure(error)}", file=sys.stderr)
        code = code or EXIT_PROBLEMS
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def _failure(error: OSError) -> str:
    """One line for a failed write: the message of a ``pages.WriteError`` (which names
    the file), or what the system said about the output."""
    if error.strerror is None:
        return printable(str(error))
    return f"cannot write the output: {error.strerror}"


if __name__ == "__main__":  # pragma: no cover
    run()
