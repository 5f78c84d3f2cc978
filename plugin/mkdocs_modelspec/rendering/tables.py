"""Tables with a row per model, built here as HTML, and the data file of a large page.

The overview pages (hardware, ownership, governance, scorecards) have tables with a
row per model. As Markdown, 10,000 rows cost MkDocs seconds on every rebuild (Python-
Markdown reads each cell for links and emphasis, then MkDocs' search indexes every
row), and a browser seconds to lay out. Built here, each table is one line of HTML
that Markdown never reads (the plugin sets it aside, as it does a source listing).
A model page's "Declared vs running" table is built here too (:func:`drift_table`).

A template places a table with a function of this module (``{{ pii_table(page) }}``);
:meth:`Tables.finish` then writes them into the page. A page of up to
:data:`INLINE_ROWS` rows in all has every row in its HTML, and reads the same without
JavaScript; a larger one has the first rows of each table in its HTML and the others
in the page's data file, which the site's script adds to the tables (sorted and
filtered with the rest).

Cells are text escaped by :func:`~.escape.md`, which is also HTML text (every
character that means something to HTML becomes a character reference), so that one
cell serves both forms: a table in HTML, or, for ``modelspec generate`` (pages that
another tool turns into HTML, each resolving links its own way), a Markdown table with
Markdown links, as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import jinja2

from ..capacity import parameters_text
from ..views import ModelView, plain_number
from . import autolink, gb, table_tools
from .escape import Md, code, html, md

#: Pages with up to this many rows in all their tables have every row in the HTML.
INLINE_ROWS = 500
#: Rows of each table in the HTML of a larger page: at least these, and more when the
#: page has few tables (:func:`first_rows`).
FIRST_ROWS = 20
#: The marker of a table's line in a page's Markdown (see the plugin's ``_BLOCKS``).
BLOCK = '<div class="modelspec-rows">'
_SLOT = "\x00modelspec-table-{}\x00"

Href = Callable[[ModelView], str]


@dataclass(frozen=True)
class Table:
    """Column titles (a title starting with ``>`` is aligned right: numbers), and each
    row's cells as HTML."""

    columns: Sequence[str]
    rows: list[list[str]]
    placeholder: str = "Filter the table"


class Tables:
    """The tables of one page, as its template places them.

    ``href`` gives the address of a model's page from this page; ``data`` the address
    of the page's data file from this page (None: every row in the HTML, as in an
    embed). With ``markdown`` the tables are Markdown, every row, and ``href`` gives
    the path of a model's Markdown file from this page's.
    """

    def __init__(self, href: Href, data: str | None = None, *, markdown: bool = False) -> None:
        self.href = href
        self.data = None if markdown else data
        self.markdown = markdown
        self.placed: list[Table] = []

    def place(self, table: Table) -> Md:
        self.placed.append(table)
        return Md(_SLOT.format(len(self.placed) - 1))

    def finish(self, text: str) -> tuple[str, str | None]:
        """The page with its tables in it, and its data file (None: not needed)."""
        total = sum(len(t.rows) for t in self.placed)
        first = None if self.data is None or total <= INLINE_ROWS else first_rows(len(self.placed))
        rest: list[list[list[str]]] = []
        for number, table in enumerate(self.placed):
            shown = table.rows if first is None else table.rows[:first]
            more = len(table.rows) - len(shown)
            made = _markdown(table) if self.markdown else _html(table, shown, more, self, number)
            text = text.replace(_SLOT.format(number), made, 1)
            rest.append(table.rows[len(shown) :])
        if not any(rest):
            return text, None
        # Compact: the file is read by the page's script.
        return text, json.dumps({"tables": rest}, ensure_ascii=False, separators=(",", ":"))


def first_rows(tables: int) -> int:
    """Rows of each of a page's ``tables`` in the HTML of a page past
    :data:`INLINE_ROWS` rows: about half as many in all (the first screens; MkDocs
    converts and indexes each row on every build of the page)."""
    return max(FIRST_ROWS, INLINE_ROWS // (2 * tables))


def _markdown(table: Table) -> str:
    """The marker, then the table as Markdown."""
    titles = [md(c.lstrip(">")) for c in table.columns]
    rules = ["---:" if c.startswith(">") else "---" for c in table.columns]
    rows: list[Sequence[str]] = [titles, rules, *table.rows]
    lines = [f"| {' | '.join(row)} |" for row in rows]
    return f"{table_tools(table.placeholder, rows=len(table.rows))}\n\n" + "\n".join(lines)


def _html(table: Table, shown: list[list[str]], more: int, tables: Tables, number: int) -> str:
    """The table-tools marker (the site's script: sort, filter) on one line, then the
    table on the next: two blocks, as the Markdown tables were."""
    total = len(table.rows)
    marker = table_tools(
        table.placeholder,
        rows=total,
        rows_from=(tables.data, number, total) if more else None,
    )
    note = (
        f'<p class="modelspec-rows-note">The first {len(shown):,} of {total:,} rows; the '
        "page's script adds the others.</p>"
        if more
        else ""
    )
    return f"{marker}\n\n{BLOCK}{_table(table.columns, shown)}{note}</div>"


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A ``<table>`` on one line: column titles (``>`` first: aligned right) as text,
    cells as HTML. A space between cells and rows (a browser shows none): the search
    index reads the page's text, and cells joined without one made one word of two."""
    align = [' style="text-align: right;"' if c.startswith(">") else "" for c in columns]
    head = " ".join(f"<th{a}>{md(c.lstrip('>'))}</th>" for a, c in zip(align, columns, strict=True))
    body = " ".join(
        "<tr>"
        + " ".join(f"<td{a}>{cell}</td>" for a, cell in zip(align, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead> <tbody>{body}</tbody></table>"


# --- cells ---------------------------------------------------------------------------


def text(value: Any, missing: str = "—") -> str:
    """A value from a spec, or ``missing`` when there is none."""
    return missing if value is None or value == "" else md(value)


def em(words: str) -> str:
    """The page's own words in italics (``not declared``)."""
    return f"<em>{words}</em>"


def model(tables: Tables, view: ModelView, fragment: str = "") -> str:
    """A link to a model's page (to a section of it)."""
    target = tables.href(view) + (f"#{fragment}" if fragment else "")
    if tables.markdown:
        return f"[{md(view.name)}]({target})"
    return f'<a href="{html(target)}">{md(view.name)}</a>'


def models(tables: Tables, views: Iterable[ModelView], fragment: str = "") -> str:
    return ", ".join(model(tables, v, fragment) for v in views)


def number(value: Any, unit: str = "", missing: str | None = None) -> str:
    """Every digit, grouped, with a unit; "not declared" (or ``missing``) for none."""
    if value is None:
        return em("not declared") if missing is None else missing
    return md(f"{plain_number(value)} {unit}".strip())


def contact(value: Any) -> str:
    """A contact: a link when it is a web address (only http and https), else text."""
    return autolink(value) if value else "—"


def codes(values: Iterable[Any]) -> str:
    return ", ".join(code(v) for v in values)


# --- the tables of the overview pages ------------------------------------------------


def _tables(context: Any) -> Tables:
    return context["tables"]  # type: ignore[no-any-return]


@jinja2.pass_context
def hardware_table(context: Any, rows: Sequence[Any]) -> Md:
    """One accelerator type's models (``views/hardware.py``'s rows)."""
    t = _tables(context)
    return t.place(
        Table(
            (
                "Model",
                "Team",
                ">Per replica",
                ">Min replicas",
                ">Max replicas",
                ">At minimum",
                ">At maximum",
                ">Memory per replica",
                ">Memory at maximum",
                ">Max batch",
                ">Max sequence",
            ),
            [
                [
                    model(t, r.view, "hardware"),
                    text(r.view.team),
                    number(r.per_replica),
                    number(r.min_replicas),
                    number(r.max_replicas),
                    number(r.at_min, missing="unknown"),
                    number(r.at_max, missing="unknown"),
                    gb(r.memory_per_replica, "unknown"),
                    gb(r.memory_at_max, "unknown"),
                    number(r.batch),
                    number(r.sequence),
                ]
                for r in rows
            ],
        )
    )


def _verdict(c: Any) -> str:
    if c.verdict == "does not fit":
        return "<strong>does not fit</strong>"
    return md(c.verdict or c.estimate_note or "no estimate")


@jinja2.pass_context
def estimates_table(context: Any, rows: Sequence[Any]) -> Md:
    """Weight estimates of the models that annotate their parameter count."""
    t = _tables(context)
    return t.place(
        Table(
            (
                "Model",
                ">Parameters",
                "Precision",
                ">Weights (estimate)",
                ">Memory per replica",
                ">Share",
                "Verdict",
            ),
            [
                [
                    model(t, r.view, "hardware"),
                    md(parameters_text(c.parameters) if c.parameters else c.parameters_text),
                    text(c.precision),
                    gb(c.weights_gb),
                    gb(c.per_replica_gb, "unknown"),
                    f"{c.share:.0%}" if c.share is not None else "—",
                    _verdict(c),
                ]
                for r in rows
                for c in (r.capacity,)
            ],
        )
    )


@jinja2.pass_context
def gaps_table(context: Any, views: Sequence[ModelView]) -> Md:
    """Models with no team or no owner."""
    t = _tables(context)
    return t.place(
        Table(
            ("Model", "Team", "Owner", "Contact", "Environment"),
            [
                [
                    model(t, v, "ownership"),
                    text(v.team, em("no team")),
                    text(v.owner, em("no owner")),
                    contact(v.contact),
                    text(v.environment),
                ]
                for v in views
            ],
        )
    )


@jinja2.pass_context
def team_table(context: Any, views: Sequence[ModelView]) -> Md:
    """One team's models: owner, contact, change approval, environment."""
    t = _tables(context)
    return t.place(
        Table(
            ("Model", "Owner", "Contact", "Change approval", "Environment"),
            [
                [
                    model(t, v, "ownership"),
                    text(v.owner),
                    contact(v.contact),
                    text(v.text("spec.governance.compliance.governance.changeApproval")),
                    text(v.environment),
                ]
                for v in views
            ],
        )
    )


@jinja2.pass_context
def conflicts_table(context: Any, conflicts: Sequence[Any]) -> Md:
    t = _tables(context)
    return t.place(
        Table(
            ("Model", "Depends on", "Conflict"),
            [
                [model(t, c.source, "governance"), model(t, c.target, "governance"), md(c.what)]
                for c in conflicts
            ],
        )
    )


@jinja2.pass_context
def pii_table(context: Any, page: Any) -> Md:
    """Every model: whether it allows personal data, and its policy."""
    t = _tables(context)
    groups = (
        ("allowed", page.pii_allowed),
        ("forbidden", page.pii_forbidden),
        ("not declared", page.pii_undeclared),
    )
    return t.place(
        Table(
            ("Model", "Team", "PII", "Policy"),
            [
                [
                    model(t, v, "governance"),
                    text(v.team),
                    title,
                    text(v.text("spec.governance.compliance.pii.policy")),
                ]
                for title, views in groups
                for v in views
            ],
        )
    )


@jinja2.pass_context
def retention_table(context: Any, views: Sequence[ModelView]) -> Md:
    t = _tables(context)
    days = "spec.governance.compliance.retention."
    return t.place(
        Table(
            ("Model", "Team", ">Logs", ">Artifacts"),
            [
                [
                    model(t, v, "governance"),
                    text(v.team),
                    number(v.number(days + "logsDays"), "days"),
                    number(v.number(days + "artifactsDays"), "days"),
                ]
                for v in views
            ],
        )
    )


def _spot(value: bool | None) -> str:
    return "yes" if value else ("no" if value is False else "—")


@jinja2.pass_context
def cost_table(context: Any, views: Sequence[ModelView]) -> Md:
    t = _tables(context)
    cost = "spec.governance.cost."
    rows = []
    for v in views:
        target = v.figure(cost + "targetCostPer1kTokensUsd")
        rows.append(
            [
                model(t, v, "governance"),
                em("not declared") if target is None else md(f"${target}"),
                text(v.text(cost + "pricingHints.cloudProvider")),
                text(v.text(cost + "pricingHints.instanceType")),
                _spot(v.flag(cost + "pricingHints.spotAllowed")),
            ]
        )
    return t.place(
        Table(
            ("Model", ">Target per 1,000 tokens", "Cloud", "Instance type", "Spot allowed"),
            rows,
        )
    )


@jinja2.pass_context
def below_table(context: Any, views: Sequence[ModelView]) -> Md:
    """Models below the readiness level their environment requires."""
    t = _tables(context)
    return t.place(
        Table(
            ("Model", "Team", "Environment", "Level", "Required", "Failing checks"),
            [
                [
                    model(t, v, "readiness"),
                    text(v.team),
                    text(v.environment),
                    md(score.level_name),
                    md(score.required.name),
                    codes(r.check.id for r in score.missing_for(score.required)),
                ]
                for v in views
                for score in (_score(v),)
            ],
        )
    )


@jinja2.pass_context
def exempt_table(context: Any, exempt: Sequence[tuple[ModelView, Sequence[Any]]]) -> Md:
    """The checks each spec marks as not applicable, with its reason."""
    t = _tables(context)
    rows = []
    for v, results in exempt:
        for reason, group in groupby(results, key=lambda r: r.verdict.note):
            rows.append(
                [
                    model(t, v, "readiness"),
                    text(v.team),
                    codes(r.check.id for r in group),
                    text(reason),
                ]
            )
    return t.place(Table(("Model", "Team", "Checks", "Why"), rows))


def _score(view: ModelView) -> Any:
    """The readiness of a model the scorecards list (every one has a score)."""
    assert view.score is not None
    return view.score


def _next(score: Any) -> str:
    if not score.next_level:
        return "—"
    steps = score.next_steps
    shown = md(score.next_level.name) + ": " + codes(r.check.id for r in steps[:3])
    return shown + (f" and {len(steps) - 3} more" if len(steps) > 3 else "")


@jinja2.pass_context
def levels_table(context: Any, views: Sequence[ModelView]) -> Md:
    """Every model's readiness level, its checks, and what the next level needs."""
    t = _tables(context)
    return t.place(
        Table(
            ("Model", "Team", "Environment", "Level", ">Passed", ">Failed", "Next level"),
            [
                [
                    model(t, v, "readiness"),
                    text(v.team),
                    text(v.environment),
                    md(score.level_name),
                    f"{score.count('pass'):,}",
                    f"{score.count('fail'):,}",
                    _next(score),
                ]
                for v in views
                for score in (_score(v),)
            ],
            "Filter models: name, team, level...",
        )
    )


@jinja2.pass_context
def team_models_table(context: Any, views: Sequence[ModelView], fragment: str = "") -> Md:
    """Models and their teams (a list of models that lack something: every one of them,
    light at any size)."""
    t = _tables(context)
    rows = [[model(t, v, fragment), text(v.team)] for v in views]
    return t.place(Table(("Model", "Team"), rows, "Filter models: name, team..."))


@jinja2.pass_context
def model_links(context: Any, views: Sequence[ModelView], fragment: str = "") -> Md:
    """Links to models, as a block of its own: every one, folded past a few (a list of
    thousands as Markdown links cost seconds)."""
    t = _tables(context)
    links = models(t, views, fragment)
    if t.markdown:
        return Md(links)
    if len(views) > 12:
        links = (
            f'<details class="modelspec-list"><summary>{len(views):,} models</summary>'
            f"{links}</details>"
        )
    return Md(f"{BLOCK}<p>{links}</p></div>")


_DRIFT_COLUMNS = ("Field", "Verdict", "Declared", "Running", "Source · confidence")


def drift_table(workload: Any) -> Md:
    """One workload's compared fields on a model page ("Declared vs running"), as one
    line of HTML that Markdown never reads: a table of about fourteen rows on every
    model page of a site with observed data, which MkDocs converted cell by cell.

    ``workload`` is a :class:`~..views.drift.WorkloadSection`. No cell links anywhere,
    so the same HTML serves every tool that builds the pages."""
    file = (workload.workload.where or "").rsplit(":", 1)[0]
    rows = []
    for row in workload.rows:
        found = row.evidence
        verdict = "<strong>drift</strong>" if row.verdict == "drift" else str(md(row.verdict))
        declared = str(md(row.declared)) if row.declared is not None else em("not declared")
        running = str(md(row.observed)) if row.observed is not None else "—"
        if row.note:
            running += f" ({md(row.note)})"
        source = "no fact"
        if found.origin:
            source = str(code(found.origin))
            if found.where and file and found.where.startswith(file + ":"):
                source += f", line {md(found.where[len(file) + 1 :].split(':')[0])}"
            elif found.where:
                source += f" at {code(found.where)}"
            source += f" · {md(found.confidence)}"
            if found.observed:
                source += f" · {md(found.observed)}"
            if found.stale:
                source += " · <strong>stale</strong>"
        rows.append([str(md(row.label)), verdict, declared, running, source])
    return Md(f"{BLOCK}{_table(_DRIFT_COLUMNS, rows)}</div>")


GLOBALS = {
    function.__name__: function
    for function in (
        drift_table,
        hardware_table,
        estimates_table,
        gaps_table,
        team_table,
        conflicts_table,
        pii_table,
        retention_table,
        cost_table,
        below_table,
        exempt_table,
        levels_table,
        team_models_table,
        model_links,
    )
}
