"""Read a model page as a reader does, and compare it with the spec it shows.

:func:`check` takes a spec's YAML text and the HTML of its model page, and returns
what a reader would find wrong: a declared value not shown as written (a number
rounded, a line break lost, a default not marked), or a field the spec leaves out
that the page does not name as "not declared".

How the page is read: its visible text (tags stripped, entities unescaped, ``<br>``
and block elements as line breaks, runs of spaces as one, as a browser shows them).
A value is looked for where a reader looks for it: in its section (the ``h2`` the
format's field belongs under), in the row of its label (a two-column table of
fields), in its column and row (a list of steps or dependencies), or in the row of
its key (labels, annotations, variables). Digit grouping (``12,345``) is allowed; any
other change to a number is not. The source listing and the history are not read:
they show the YAML itself.

How a number "as written" is known: from the YAML's own scalar text
(``yaml.compose``), independently of the project's reader.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import yaml

from mkdocs_modelspec.views.layout import FIELD_SECTIONS, LABELS, section_of, tree

#: Elements whose start or end breaks a line of visible text.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "details",
        "summary",
        "article",
        "section",
        "header",
        "footer",
        "nav",
        "blockquote",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
    ]
)
_VOID = frozenset(
    ["br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source"]
)
_SKIP = frozenset({"script", "style", "svg", "template"})


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The visible text: block boundaries and ``<br>`` as line breaks, runs of
        spaces as one space. Blank lines between blocks are dropped; a ``<br>`` after a
        ``<br>`` is a blank line, as a browser shows it."""
        out: list[str] = []
        self._text(out)
        lines = []
        for block in "".join(out).split("\n"):
            if block.strip(" \x01"):
                lines += [" ".join(line.split()) for line in block.split("\x01")]
        return "\n".join(lines)

    def _text(self, out: list[str]) -> None:
        if self.tag in _SKIP or "headerlink" in self.attrs.get("class", ""):
            return
        if self.tag == "br":
            out.append("\x01")
            return
        block = self.tag in _BLOCKS
        if block:
            out.append("\n")
        for child in self.children:
            if isinstance(child, str):
                out.append(child.replace("\n", " "))
            else:
                child._text(out)
        if block:
            out.append("\n")

    def lines(self) -> list[str]:
        return self.text().split("\n") if self.text() else []

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find(self, tag: str, **attrs: str) -> Node | None:
        return next(
            (
                n
                for n in self.iter()
                if n.tag == tag and all(a in n.attrs.get(k, "").split() for k, a in attrs.items())
            ),
            None,
        )


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(source: str) -> Node:
    builder = _Builder()
    builder.feed(source)
    builder.close()
    return builder.root


def content(page: Node) -> Node:
    """The article of a built page (Material: ``article``; other themes: main)."""
    return page.find("article") or page.find("div", role="main") or page


# --- the page's parts --------------------------------------------------------------


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Node]]

    def column(self, label: str) -> int | None:
        return self.header.index(label) if label in self.header else None


@dataclass
class Part:
    """A section of the page (from one h2 to the next), or the page's top."""

    anchor: str
    nodes: list[Node]
    tables: list[Table]

    def text(self) -> str:
        return "\n".join(n.text() for n in self.nodes)

    def fields(self) -> dict[str, Node]:
        """The two-column table of fields: label -> value cell."""
        found: dict[str, Node] = {}
        for table in self.tables:
            if table.header == ["Field", "Value"]:
                for row in table.rows:
                    found.setdefault(row[0].text(), row[1])
        return found

    def table(self, title: str) -> Table | None:
        return next((t for t in self.tables if t.title == title), None)


def _table(node: Node, title: str) -> Table:
    header = [th.text() for th in node.iter() if th.tag == "th"]
    rows = []
    for tr in node.iter():
        if tr.tag == "tr":
            cells = [c for c in tr.children if isinstance(c, Node) and c.tag == "td"]
            if cells:
                rows.append(cells)
    return Table(title, header, rows)


def parts(article: Node) -> dict[str, Part]:
    """The page cut at its h2 headings (by their ids); the top is ``""``."""
    found: dict[str, Part] = {}
    current = found[""] = Part("", [], [])
    title = ""
    blocks = [c for c in article.children if isinstance(c, Node)]
    # Some themes wrap the content once more.
    while len(blocks) == 1 and blocks[0].tag in ("div", "section"):
        blocks = [c for c in blocks[0].children if isinstance(c, Node)]
    for node in blocks:
        if node.tag == "h2":
            current = found[node.attrs.get("id", "")] = Part(node.attrs.get("id", ""), [], [])
            title = ""
            continue
        current.nodes.append(node)
        if node.tag == "div" and not node.text():
            continue  # a marker (modelspec-compact): the title before it still holds
        tables = [node] if node.tag == "table" else [t for t in node.iter() if t.tag == "table"]
        for table in tables:
            current.tables.append(_table(table, title))
        text = node.text()
        strong = node.find("strong")
        title = text if node.tag == "p" and strong is not None and strong.text() == text else ""
    return found


# --- what the spec says --------------------------------------------------------------

Path = tuple[str | int, ...]


def written(source: str) -> dict[Path, str]:
    """Each plain scalar's text as written in the YAML, by path (yaml.compose)."""
    found: dict[Path, str] = {}

    def walk(node: yaml.Node, path: Path) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif isinstance(node, yaml.ScalarNode) and not node.style:
            found[path] = node.value

    root = yaml.compose(source, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return found


def schema_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += "[]"
        else:
            out += ("." if out else "") + part
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def _ungroup(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _lines(value: str) -> list[str]:
    return [_norm(line) for line in value.rstrip("\n").split("\n")]


@dataclass
class Result:
    values: int = 0
    values_ok: int = 0
    gaps: int = 0
    gaps_ok: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Result) -> None:
        self.values += other.values
        self.values_ok += other.values_ok
        self.gaps += other.gaps
        self.gaps_ok += other.gaps_ok
        self.failures += other.failures


class _Checker:
    def __init__(self, name: str, data: dict[str, Any], source: str, page: Node) -> None:
        self.name = name
        self.data = data
        self.numbers = written(source)
        article = content(page)
        self.parts = parts(article)
        self.result = Result()
        self.nodes = tree()

    # -- values --------------------------------------------------------------------

    def value(self, path: Path, value: Any) -> None:
        self.result.values += 1
        problem = self._value(path, value)
        if problem is None:
            self.result.values_ok += 1
        else:
            self.result.failures.append(f"{self.name}: {'.'.join(map(str, path))}: {problem}")

    def _value(self, path: Path, value: Any) -> str | None:
        where = schema_path(path)
        top = self.parts[""]
        if where == "metadata.name":
            h1 = next((n for n in top.nodes if n.tag == "h1"), None)
            shown = h1.text() if h1 is not None else ""
            return None if shown == _norm(value) else f"title {shown!r}"
        if where == "metadata.description":
            return self._description(value)
        if where == "metadata.version":
            found = re.search(r"^version (.*)$", top.text(), re.MULTILINE)
            if found is None:
                return "no 'version ...' in the page's header"
            wanted = _norm(value) or ("empty text" if value == "" else "blank text")
            return None if found.group(1) == wanted else f"shows {found.group(1)!r}"
        if where in ("apiVersion", "kind"):
            found = re.search(r" · format (.*)$", top.text(), re.MULTILINE)
            wanted = _norm(f"{self.data.get('apiVersion')} {self.data.get('kind')}")
            if found is None or found.group(1) != wanted:
                return f"format shows {found.group(1) if found else None!r}, not {wanted!r}"
            return None
        cell = self.cell(path)
        if isinstance(cell, str):
            return cell
        return self._compare(cell, path, value)

    def _description(self, value: str) -> str | None:
        blank_lines = r"\n(?:[ \t]*\n)+"
        wanted = [_lines(p) for p in re.split(blank_lines, value.strip()) if p.strip()]
        nodes = self.parts[""].nodes
        start = next((i for i, n in enumerate(nodes) if n.tag == "h1"), 0) + 1
        if not wanted:
            return None if "The description is empty." in nodes[start].text() else "empty"
        shown = [n.lines() for n in nodes[start : start + len(wanted)] if n.tag == "p"]
        return None if shown == wanted else f"paragraphs {shown!r}, not {wanted!r}"

    def _compare(self, cell: Node, path: Path, value: Any) -> str | None:
        lines = cell.lines()
        text = "\n".join(lines)
        if isinstance(value, bool):
            wanted = "yes" if value else "no"
            return None if text == wanted else f"shows {text!r} for {value}"
        if isinstance(value, int | float):
            raw = self.numbers.get(path, repr(value))
            pattern = r"\$?" + re.escape(raw) + r"( .*)?"
            shown = _ungroup(text)
            return None if re.fullmatch(pattern, shown) else f"shows {text!r}, written {raw!r}"
        if not value.strip():
            wanted_text = "empty text" if value == "" else "blank text"
            return None if text == wanted_text else f"shows {text!r} for {value!r}"
        wanted = _lines(value)
        if schema_path(path).endswith(".specRef"):
            return None if wanted[0] in text else f"shows {text!r}, not the path {value!r}"
        return None if lines == wanted else f"shows {lines!r}, written {wanted!r}"

    def cell(self, path: Path) -> Node | str:
        """The cell that shows ``path``, or what is wrong."""
        where = schema_path(path)
        section = section_of(where)
        part = self.parts.get(section or "")
        if part is None:
            return f"no section {section!r}"
        # A value in a list (steps, dependencies): its row and column.
        index = next((i for i, p in enumerate(path) if isinstance(p, int)), None)
        if index is not None:
            list_path = schema_path(path[:index])
            table = part.table(self._title(list_path, section))
            if table is None:
                return f"no table {LABELS[list_path].text!r}"
            column = table.column(LABELS[where].text)
            row = path[index]
            if column is None or not isinstance(row, int) or row >= len(table.rows):
                return f"no cell {LABELS[where].text!r} in row {row}"
            return table.rows[row][column]
        # A value of a map (labels, annotations, variables): the row of its key.
        for cut in range(len(path) - 1, 0, -1):
            map_path = schema_path(path[:cut])
            if map_path in self.nodes and self.nodes[map_path].kind == "map":
                table = part.table(self._title(map_path, section))
                if table is None:
                    return f"no table {LABELS[map_path].text!r}"
                key = str(path[cut])
                row = next((r for r in table.rows if r[0].text() == _norm(key)), None)
                return row[1] if row else f"no row for key {key!r}"
        cell = part.fields().get(LABELS[where].text)
        return cell if cell is not None else f"no row {LABELS[where].text!r}"

    def _title(self, path: str, section: str | None) -> str:
        title = LABELS[path].text
        anchors = {"dependencies": "Dependencies"}
        return "" if anchors.get(section or "") == title else title

    # -- gaps ----------------------------------------------------------------------

    def gap(self, where: str, path: Path) -> None:
        self.result.gaps += 1
        problem = self._gap(where, path)
        if problem is None:
            self.result.gaps_ok += 1
        else:
            self.result.failures.append(f"{self.name}: {where} left out: {problem}")

    def _gap(self, where: str, path: Path) -> str | None:
        top = self.parts[""].text()
        if where == "metadata.description":
            return None if "does not declare a description" in top else "no note"
        if where == "metadata.version":
            return None if "version not declared" in top else "no note"
        feeds = _feeds(where)
        if feeds:  # a whole part of the format: each section it feeds says so, in one line
            for anchor in feeds:
                if "does not declare" not in self.parts.get(anchor, Part("", [], [])).text():
                    return f"section {anchor} does not say so"
            return None
        node = self.nodes[where]
        section = section_of(where) or ""
        wanted = "not declared"
        if node.default is not None:
            wanted = f"{'yes' if node.default is True else node.default} (default)"
        index = next((i for i, p in enumerate(path) if isinstance(p, int)), None)
        if index is not None:  # in a list: its cells, in the row of the item
            table = self.parts[section].table(self._title(schema_path(path[:index]), section))
            row = path[index]
            if table is None or not isinstance(row, int) or row >= len(table.rows):
                return "no table or row"
            for column in (n for n in self.nodes if n == where or n.startswith(where + ".")):
                if self.nodes[column].kind == "object":
                    continue
                at = table.column(LABELS[column].text)
                if at is None:
                    return f"no column {LABELS[column].text!r}"
                if table.rows[row][at].text() != wanted:
                    return f"cell {LABELS[column].text!r} shows {table.rows[row][at].text()!r}"
            return None
        cell = self.parts[section].fields().get(LABELS[where].text)
        if cell is None:
            return f"no row {LABELS[where].text!r}"
        return None if cell.text() == wanted else f"row shows {cell.text()!r}"

    def empty(self, where: str, path: Path) -> None:
        """A list, map or block declared empty: "declared empty" in its row."""
        self.result.values += 1
        section = section_of(where)
        cell = self.parts[section].fields().get(LABELS[where].text) if section else None
        if cell is not None and cell.text() == "declared empty":
            self.result.values_ok += 1
        else:
            shown = cell.text() if cell is not None else None
            self.result.failures.append(f"{self.name}: {where} declared empty: shows {shown!r}")

    # -- the walk ------------------------------------------------------------------

    def run(self) -> Result:
        self.walk("", self.data, ())
        return self.result

    def walk(self, where: str, value: Any, path: Path) -> None:
        node = self.nodes.get(where) if where else None
        if node is not None and node.kind == "scalar":
            self.value(path, value)
            return
        if node is not None and node.kind == "map":
            if not value:
                self.empty(where, path)
            for key, item in value.items():
                self.value((*path, key), item)
            return
        if isinstance(value, list):
            if not value:
                self.empty(where, path)
            for index, item in enumerate(value):
                self.walk(where + "[]", item, (*path, index))
            return
        if isinstance(value, dict):
            children = [n for n in self.nodes.values() if _parent(n.path) == where]
            # An empty block is "declared empty" in its row; an empty block in a list,
            # or one above the sections (operations: {}), leaves each field a gap.
            if not value and where and "[]" not in where and not _above_sections(where):
                self.empty(where, path)
                return
            for child in children:  # (an empty block in a list: each field a gap)
                if child.key in value:
                    self.walk(child.path, value[child.key], (*path, child.key))
                elif not child.required:
                    self.gap(child.path, (*path, child.key))


def _feeds(where: str) -> list[str]:
    """The sections a part of the format feeds (itself a section's root, or above)."""
    return sorted(
        {
            anchor
            for anchor, _, roots in FIELD_SECTIONS
            for root in roots
            if root == where or root.startswith(where + ".")
        }
    )


def _above_sections(where: str) -> bool:
    roots = {root for _, _, section_roots in FIELD_SECTIONS for root in section_roots}
    return bool(_feeds(where)) and where not in roots


def _parent(path: str) -> str:
    if "." not in path:
        return ""
    return path.rsplit(".", 1)[0]


def check(name: str, source: str, page_html: str) -> Result:
    """What a reader of ``page_html`` would find missing or changed from ``source``."""
    data = yaml.safe_load(source)
    return _Checker(name, data, source, parse(page_html)).run()


def unrendered_markdown(page_html: str) -> list[str]:
    """Markdown syntax left in the visible text of a page (tables, emphasis, links)."""
    article = content(parse(page_html))
    for node in article.iter():
        if node.tag in ("pre", "code"):
            node.children = []
    text = html.unescape(article.text())
    found = []
    for pattern in (
        r"\|\s*:?-{3,}:?\s*\|",
        r"^\s*\|.*\|\s*$",
        r"\*\*[^*\n]+\*\*",
        r"\]\([^)\s]+\)",
    ):
        found += [m.group(0) for m in re.finditer(pattern, text, re.MULTILINE)]
    return found
