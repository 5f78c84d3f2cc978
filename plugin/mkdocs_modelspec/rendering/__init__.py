"""Views -> Markdown: the Jinja environment, and the HTML fragments built in Python.

Templates are Markdown (``*.md.jinja``) and every ``{{ value }}`` in them is escaped
for Markdown text unless it is already :class:`~.escape.Md` (see ``escape.py``), so a
template cannot forget to escape. Fragments that must be HTML (the spec's source
listing, the problems box, graphs) are built here with HTML escaping, on one line,
so that Markdown passes them through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2

from ..capacity import gigabytes, parameters_text
from ..diagnostics import Diagnostic
from ..markdown import MARKDOWN_HREF
from ..readiness import AREA_TITLES, EXEMPT_ANNOTATION
from ..views import plain_number
from ..views.index import CATALOG_DATA, accelerator_text
from . import svg
from .escape import Md, code, escape_html, front_matter, href, html, md

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"


def environment(custom_templates: str | Path | None = None) -> jinja2.Environment:
    """The template environment; files in ``custom_templates`` override packaged ones."""
    loaders: list[jinja2.BaseLoader] = []
    if custom_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(custom_templates)))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - HTML escaping is wrong for Markdown; finalize=md escapes
        finalize=md,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=md,
        code=code,
        html=html,
        front_matter=front_matter,
        number=number,
        raw=Md,  # for a template's own literals only, never for values from a spec
        plain_number=plain_number,
        gb=gb,
        parameter_count=parameters_text,
        autolink=autolink,
        readiness_row=readiness_row,
        value=value,
        paragraphs=paragraphs,
    )
    env.globals.update(
        link=link,
        diagnostics_box=diagnostics_box,
        source_listing=source_listing,
        graph_block=graph_block,
        chart=chart,
        table_tools=table_tools,
        badges=badges,
        header_block=header_block,
        accelerator_text=accelerator_text,
        catalog_data=CATALOG_DATA,
        area_title=AREA_TITLES.get,
        exempt_annotation=EXEMPT_ANNOTATION,
        details_table=details_table,
        number=number,
        plural=plural,
        counted=counted,
        per_type=per_type,
        commit=commit,
        models_list=models_list,
        scale=scale,
        not_counted=not_counted,
    )
    from .tables import GLOBALS  # tables builds on this module's helpers

    env.globals.update(GLOBALS)
    return env


def gb(value: float | None, missing: str = "—") -> Md:
    """Memory in GB (``320 GB``), or ``missing`` when it is unknown."""
    shown = gigabytes(value)
    return md(shown if shown is not None else missing)


def number(value: Any, unit: str = "", missing: str | None = None) -> Md:
    """A number with every digit, grouped (and a unit); ``missing`` (by default "not
    declared", in italics) when there is none."""
    if value is None:
        return Md("*not declared*") if missing is None else md(missing)
    return md(f"{plain_number(value)} {unit}".strip())


def plural(count: int, word: str, words: str | None = None) -> Md:
    """``1 model``, ``3 models`` (``words``: the plural, when it is not word + s)."""
    return md(f"{count:,} {word if count == 1 else words or word + 's'}")


def counted(part: int, whole: int, word: str = "model") -> Md:
    """``over 2 of 3 models`` (``over all 3 models`` when nothing is left out)."""
    if part == whole:
        return md(f"over all {plural(whole, word)}" if whole != 1 else f"over its 1 {word}")
    return md(f"over {part:,} of {plural(whole, word)}")


def scale(total: int | None, missing: int, models: int, where: str, field: str) -> Md:
    """``**12** at maximum scale (over 2 of 3 models; 1 declares no maxReplicas)``."""
    if total is None:
        return md(f"unknown at {where} scale (no model declares {field})")
    shown = f"**{total:,}** at {where} scale"
    if missing:
        declares = "declares" if missing == 1 else "declare"
        shown += f" ({counted(models - missing, models)}; {missing:,} {declares} no {md(field)})"
    return Md(shown)


@jinja2.pass_context
def models_list(
    context: Any,
    views: Sequence[Any],
    fragment: str = "",
    inline: int = 3,
    at_most: int | None = None,
) -> Md:
    """Links to models, for a table cell: a few in a row; more as a count that opens on
    click (``12 models``), so a long list never stretches its row. With ``at_most``, the
    first of them and how many more (a page that listed each of 10,000 models under
    each of a hundred rows weighed 70 MB)."""
    shown = views if at_most is None else views[:at_most]
    links = ", ".join(link(context, v.name, v.page, fragment) for v in shown)
    if len(views) <= inline:
        return Md(links or "—")
    if len(shown) < len(views):
        links += f" and {len(views) - len(shown):,} more"
    return Md(
        f'<details class="modelspec-list"><summary>{len(views):,} models</summary>{links}</details>'
    )


@jinja2.pass_context
def commit(context: Any, hash_: str | None) -> Md:
    """A commit's short hash, a link to the commit where the site knows its
    repository (``repo_url``)."""
    if not hash_:
        return Md("")
    shown = code(hash_[:10])
    address = context.get("commit_url")
    if not address or not all(c in "0123456789abcdef" for c in hash_):
        return shown
    return Md(f'<a href="{html(address.format(hash_))}">{shown}</a>')


def per_type(counts: dict[str, int]) -> Md:
    """Accelerators by type, never added across types: ``8 × h100, 2 × l4``."""
    if not counts:
        return Md("unknown")
    return Md("<br>".join(f"{n:,} × {md(kind)}" for kind, n in counts.items()))


@jinja2.pass_context
def not_counted(context: Any, total: Any, fragment: str = "hardware") -> Md:
    """What a total could not count, and which models: ``no maxReplicas: a, b``."""
    parts = [
        f"{md(reason)}: " + models_list(context, views, fragment, at_most=100)
        for reason, views in total.not_counted
    ]
    return Md("; ".join(parts) if parts else "—")


@jinja2.pass_context
def link(context: Any, text: Any, target: str | None, fragment: str = "") -> Md:
    """A Markdown link to a generated page (``target`` is ours, never a spec's).

    ``target`` is relative to the folder of the generated pages; a page elsewhere
    (an embed in a design doc) renders with ``base``, the way from there to that
    folder.
    """
    if target is None:
        return md(text)
    base = context.get("base", "")
    return Md(f"[{md(text)}]({base}{target}{'#' + fragment if fragment else ''})")


def autolink(value: Any, as_code: bool = False) -> Md:
    """A value from a spec, as a link when it is a web address (a contact page, a model
    card); text otherwise. Only http and https become links, percent-encoded
    (:func:`escape.href`): ``javascript:``, ``data:``, ``s3://`` and the rest stay text.
    """
    text = code(value) if as_code else md(value)
    target = href(value)
    # An HTML link, not a Markdown one: the address is HTML-escaped, so no "&" from a
    # spec reaches Python-Markdown's HTML parser raw (see ``escape.code``).
    return Md(f'<a href="{html(target)}">{text}</a>') if target is not None else text


@jinja2.pass_context
def value(context: Any, shown: Any) -> Md:
    """A value of a spec as a page shows it (a :class:`~..views.model.Shown`): every
    digit of a number, every line of a text, and what is absent, empty or a default."""
    kind, text = shown.kind, shown.text
    if kind in ("text", "code", "uri", "link", "model") and not text.strip():
        return Md("*empty text*" if text == "" else "*blank text*")
    if kind == "absent":
        return Md("*not declared*")
    if kind == "empty":
        return Md("*declared empty*")
    if kind == "flag":
        return Md(f"{text} *(default)*" if shown.default else text)
    if kind in ("number", "money"):
        number = f"${text}" if kind == "money" else text
        return md(f"{number} {shown.unit}".strip())
    if kind == "model":
        # The path under the model's name, broken only where a path may be (after "/"
        # or "-"): in a narrow column a code span otherwise breaks between letters.
        path = f'<span class="modelspec-ref">{code(text)}</span>'
        if shown.target is None:
            return Md(f"{path} (not in the catalog)")
        return Md(f"{link(context, shown.target.name, shown.target.page)}<br>{path}")
    lines = text.rstrip("\n").split("\n") if "\n" in text.rstrip("\n") else [text]
    if kind == "code":
        return Md("<br>".join(code(line) for line in lines))
    if kind in ("uri", "link") and len(lines) == 1:
        return autolink(text, as_code=kind == "uri")
    return Md("<br>".join(md(line) if line else Md("") for line in lines))


def paragraphs(lines: Sequence[Sequence[str]]) -> Md:
    """Paragraphs of text from a spec, each line kept: ``[["a", "b"], ["c"]]``."""
    return Md("\n\n".join("<br>\n".join(md(line) for line in p) for p in lines))


def _inline(shown: Any) -> str:
    """A value of a spec (:class:`~..views.model.Shown`) in raw HTML, on one line."""
    if shown.kind == "absent":
        return "<em>not declared</em>"
    if not shown.text.strip():
        return "<em>empty text</em>" if shown.text == "" else "<em>blank text</em>"
    return str(html(shown.text))


def header_block(page: Any, link_to: Any, markdown_links: bool = False) -> Md:
    """The top of a model page: who owns it, where it runs, what it runs on at minimum
    and maximum scale, how ready it is, its problems and its links. Material's grid
    cards (a plain list in other themes), raw HTML on one line: ``link_to(page,
    fragment, query)`` gives the address of another generated page from this one.

    With ``markdown_links`` (``modelspec generate``: another tool builds the page),
    a link to another generated page also names its Markdown file, in
    ``data-modelspec-md``. No address in raw HTML works in every tool: MkDocs keeps it
    as written, an address from the page's own; Zensical reads it as a file relative to
    the Markdown file, one folder up with directory URLs. The Markdown extension keeps
    the one the tool building the page needs (see ``markdown.py``)."""
    h = page.header
    view = page.view

    def value(text: Any) -> str:
        return f"<strong>{html(text)}</strong>" if text is not None else "<em>not declared</em>"

    def link(text: Any, url: str | None) -> str:
        return f'<a href="{html(url)}">{html(text)}</a>' if url else str(html(text))

    def page_link(text: Any, target: str, query: dict[str, str]) -> str:
        url = link_to(target, query=query)
        if not markdown_links:
            return link(text, url)
        markdown_file = f"{target}?{urlencode(query)}"
        return f'<a href="{html(url)}" {MARKDOWN_HREF}="{html(markdown_file)}">{html(text)}</a>'

    def web(text: str) -> str:
        target = href(text)
        return link(text, target) if target is not None else str(html(text))

    def card(title: str, lines: list[str], anchor: str = "") -> str:
        ident = f' id="{anchor}"' if anchor else ""
        body = "<br>".join(line for line in lines if line)
        return f'<li{ident}><p class="modelspec-card-title">{title}</p><p>{body}</p></li>'

    owner = [
        value(h.owner) if h.owner is None else f"<strong>{web(h.owner)}</strong>",
        "team " + page_link(h.team, "index.md", {"team": h.team})
        if h.team
        else "team <em>not declared</em>",
        "contact " + web(h.contact) if h.contact else "contact <em>not declared</em>",
        "on call " + web(h.on_call) if h.on_call else "",
    ]
    runs = [
        (value(h.environment) if h.environment else "environment <em>not declared</em>")
        + (f" · tier {html(h.tier)}" if h.tier else ""),
        "version " + _inline(page.version),
    ]
    unit = view.accelerator_type or "accelerators"

    def at(label: str, end: Any, field: str) -> str:
        if end.replicas is None:
            return f"at {label}: unknown (no {field})"
        count = f"{end.accelerators:,} × {html(unit)}" if end.accelerators is not None else "?"
        memory = f", {html(gigabytes(end.memory_gb))}" if end.memory_gb is not None else ""
        return f"at {label} ({end.replicas:,} replicas): {count}{memory}"

    per_replica = gigabytes(h.memory_per_replica_gb)
    hardware = [
        (value(h.accelerator) + " per replica" + (f" ({html(per_replica)})" if per_replica else ""))
        if h.accelerator
        else value(None),
        at("minimum", h.low, "minReplicas"),
        at("maximum", h.high, "maxReplicas"),
    ]
    readiness = ["<em>not scored</em>"]
    if h.level is not None:
        readiness = [link(h.level, "#readiness").join(("<strong>", "</strong>"))]
        if h.required:
            verdict = "met" if h.meets else "<strong>not met</strong>"
            readiness.append(f"required: {html(h.required)}, {verdict}")
        if h.next_level:
            steps = ", ".join(f"<code>{html(f)}</code>" for f in h.next_steps)
            more = f" and {h.more_steps} more" if h.more_steps else ""
            readiness.append(f"next, {html(h.next_level)}: {steps}{more}")
        if h.exempt:
            readiness.append(f"{h.exempt} check{'s' * (h.exempt != 1)} marked not applicable")
    problems = []
    if h.errors or h.warnings:
        parts = [
            f"{n} {word}{'s' * (n != 1)}"
            for n, word in ((h.errors, "error"), (h.warnings, "warning"))
            if n
        ]
        problems.append(link(", ".join(parts), "#source").join(("<strong>", "</strong>")))
    else:
        problems.append("none")
    drift = getattr(view, "drift", None)
    if drift is not None:
        problems.append("running: " + link(drift.label, "#declared-vs-running"))
    cards = [
        card("Owner", owner, "ownership"),
        card("Runs in", runs),
        card("Accelerators", hardware),
        card("Readiness", readiness),
        card("Problems", problems),
    ]
    if h.links:
        cards.append(card("Links", [link(key, href(url)) for key, url in h.links]))
    return block(f'<div class="grid cards modelspec-header"><ul>{"".join(cards)}</ul></div>')


def readiness_row(result: Any) -> list[str]:
    """A passing (or not applicable) check, as a row of the folded readiness table."""
    status = "passes" if result.status == "pass" else "does not apply"
    return [AREA_TITLES[result.check.area], result.check.title, status, result.level.name]


def details_table(summary: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Md:
    """A table folded away under ``summary`` (open on click): raw HTML, cells escaped
    unless already :class:`Md`, so that it needs no Markdown extension."""
    head = "".join(f"<th>{html(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{c if isinstance(c, Md) else html(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return block(
        f'<details class="modelspec-fold"><summary>{html(summary)}</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def badges(pairs: Sequence[tuple[str, Any]]) -> Md:
    """A row of badges (label: value), as a raw HTML block."""
    spans = "".join(
        f'<span class="modelspec-badge" title="{html(label)}">'
        f'<span class="modelspec-badge-label">{html(label)}</span> {html(value)}</span> '
        for label, value in pairs
    )
    return block(f'<div class="modelspec-badges">{spans}</div>')


def block(fragment: str) -> Md:
    """Raw HTML that Markdown must pass through untouched.

    Only a fragment that starts with a block-level tag (a ``div``) on its own line is
    a raw HTML block; anything else (``<svg>``, ``<span>``) is inline HTML, and the
    text between its tags would be read as Markdown.
    """
    if not fragment.startswith("<div"):
        fragment = f"<div>{fragment}</div>"
    assert "\n" not in fragment  # a blank line would end the block
    return Md(fragment)


def chart(rows: Sequence[tuple[str, float | None, str]], title: str, unit: str) -> Md:
    drawing = svg.bar_chart(rows, title, unit)
    return block(f'<div class="modelspec-chart-box">{drawing}</div>') if drawing else Md("")


def table_tools(
    placeholder: str = "Filter the table",
    rows: int | None = None,
    choices: str | None = None,
    *,
    catalog: str | None = None,
    total: int | None = None,
    help: str | None = None,
    rows_from: tuple[str | None, int, int] | None = None,
) -> Md:
    """A marker the site's script turns into sortable headers and, for tables of more
    than a few rows (or when ``rows`` is not given), a filter box. ``choices`` names a
    column whose values the script offers in a drop-down list (``Running``).
    ``catalog`` is the address of the catalog's data file (``views/index.py``): the
    script then sorts and filters every one of the ``total`` models from it, with a
    drop-down per facet, and keeps the view in the page's address. ``rows_from``
    (address, table number, rows): the table's other rows are in the page's data file
    (``rendering/tables.py``), which the script adds."""
    show = "1" if rows is None or rows > FILTER_FROM else "0"
    pick = f' data-choices="{html(choices)}"' if choices else ""
    data = f' data-catalog="{html(catalog)}" data-total="{total or 0}"' if catalog else ""
    # How to use the controls the script adds (said by the script: without it there
    # are none).
    data += f' data-help="{html(help)}"' if help else ""
    if rows_from is not None:
        address, number, count = rows_from
        data += f' data-rows="{html(address)}" data-table="{number}" data-total="{count}"'

    return block(
        f'<div class="modelspec-table-tools" data-filter="{show}"{pick}{data} '
        f'data-placeholder="{html(placeholder)}"></div>'
    )


#: Tables with more rows than this get a filter box.
FILTER_FROM = 8


def diagnostics_box(diagnostics: Sequence[Diagnostic], link_lines: bool = True) -> Md:
    """An admonition listing each diagnostic, each linked to its line in the listing."""
    if not diagnostics:
        return Md("")
    errors = sum(1 for d in diagnostics if d.is_error)
    kind = "danger" if errors else "warning"
    title = (
        f"This spec has {errors} error{'s' * (errors != 1)}"
        if errors
        else f"This spec has {len(diagnostics)} warning{'s' * (len(diagnostics) != 1)}"
    )
    entries = []
    for d in diagnostics:
        where = html(d.location())
        if link_lines and d.line > 0:
            where = Md(f'<a href="#L{d.line}">{where}</a>')
        entries.append(
            f"<li><code>{where}</code> <strong>{html(d.severity.value)}</strong> "
            f"<code>{html(d.code.value)}</code> {html(d.text())}</li>"
        )
    return block(
        f'<div class="admonition {kind}"><p class="admonition-title">{html(title)}</p>'
        f'<ul class="modelspec-diagnostics">{"".join(entries)}</ul></div>'
    )


# A key never starts with "- " (that is one more list item): without the lookahead, a
# line of many "- " took time quadratic in its length to fail (minutes at 200 KB).
_KEY = re.compile(r"^(\s*(?:-\s+)*)((?!-\s)[^\s#'\"][^:#]*?|'[^']*'|\"[^\"]*\")(:)(?=\s|$)")


def _comment_start(line: str) -> int:
    """Where a comment starts (outside quotes), or -1."""
    if "#" not in line:
        return -1
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return -1


def _highlight(line: str) -> str:
    """A line with its key (and its comment, if any) wrapped: values stay plain text."""
    cut = _comment_start(line)
    body, comment = (line, "") if cut < 0 else (line[:cut], line[cut:])
    match = _KEY.match(body)
    if match:
        indent, key, colon = match.groups()
        out = (
            f'{escape_html(indent)}<span class="k">{escape_html(key)}</span>{colon}'
            f"{escape_html(body[match.end() :])}"
        )
    else:
        out = escape_html(body)
    if comment:
        out += f'<span class="c">{escape_html(comment)}</span>'
    return out


def source_listing(lines: Sequence[str], path: str, marked: Iterable[int] = ()) -> Md:
    """The spec as written: its path, a gutter of line numbers, and the text.

    Keys are highlighted. The lines in ``marked`` (those with a problem) get an anchor
    (``#L12``) and a highlight. The numbers sit in their own column, so copying the
    text copies no number, and the page stays light: one element per line at most,
    which matters to Markdown and search indexing at thousands of pages.
    """
    marked = set(marked)
    rows = []
    for number, line in enumerate(lines, start=1):
        text = _highlight(line)
        if number in marked:
            text = f'<mark id="L{number}">{text or " "}</mark>'
        rows.append(text)
    gutter = "&#10;".join(str(n) for n in range(1, len(lines) + 1))
    # Folded away unless a line is marked: a reader with a problem to fix needs the
    # listing; one who reads the page needs the sections above it.
    count = f"{len(lines):,} line{'s' * (len(lines) != 1)}"
    # Out of the search index (Material's data-search-exclude): every value is in the
    # page's tables already, and the listings were a third of the index.
    return block(
        f'<div data-search-exclude><details class="modelspec-source"{" open" if marked else ""}>'
        f'<summary class="modelspec-source-path">{html(path)} ({count})</summary>'
        f'<div class="modelspec-listing"><pre class="modelspec-gutter" aria-hidden="true">'
        f"{gutter}</pre>"
        # One wrapper span: Material lays out code blocks as a grid of their children.
        f'<pre><code><span class="modelspec-lines">{"&#10;".join(rows)}</span></code></pre>'
        "</div></details></div>"
    )


def graph_block(graph: Any) -> Md:
    """A graph drawn as SVG, its team legend, and its Mermaid source (collapsed)."""
    if not graph.nodes:
        return Md("")
    drawing = svg.graph(graph.nodes, graph.edges, graph.title)
    source = html(svg.mermaid(graph.nodes, graph.edges)).replace("\n", "&#10;")
    # Out of the search index: the drawing's names are the page's links already.
    return block(
        f'<div class="modelspec-graph-block" data-search-exclude>'
        f'<div class="modelspec-graph-box">{drawing}</div>'
        f"{svg.legend(graph.groups)}"
        f'<details class="modelspec-mermaid"><summary>Mermaid source</summary>'
        f'<pre><code><span class="modelspec-lines">{source}</span></code></pre></details></div>'
    )


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)
