"""What each page shows, as plain data: pure functions from a catalog to views.

:class:`ModelView` reads one spec leniently, so that a spec with problems still shows
whatever it says correctly; :func:`model_views` gives every spec its page path. The
modules beside this one build the data of each overview page.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..catalog import Catalog
from ..loading import SpecFile
from ..names import is_plain, slugify
from ..yamlread import resolve_plain, written_numbers

__all__ = ["ModelView", "Sources", "by_name", "model_views", "slugify"]

if TYPE_CHECKING:  # both modules read specs with the helpers below
    from ..capacity import Capacity
    from ..readiness import Score
    from .drift import DriftSection

#: Names Windows refuses for a file or folder, whatever the extension.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)}
)
#: Page names the overview pages use: a model whose name would take one gets a suffix.
RESERVED = frozenset(
    {
        "index",
        "hardware",
        "ownership",
        "governance",
        "graph",
        "fields",
        "problems",
        "scorecards",
        "changes",
        "drift",
    }
)


@dataclass(frozen=True)
class Sources:
    """Where a model's team, owner and contact come from (first match wins)."""

    team: Sequence[str] = ("labels.team",)
    owner: Sequence[str] = ("annotations.owner", "governance.compliance.governance.owner")
    contact: Sequence[str] = ("annotations.supportChannel",)


#: Dotted paths split once (the pages of 10,000 models ask about a million times).
_PARTS: dict[str, tuple[str, ...]] = {}


def get(data: Any, path: str) -> Any:
    """The value at a dotted path (``spec.runtime.accelerator.type``), or None."""
    parts = _PARTS.get(path)
    if parts is None:
        parts = tuple(path.split("."))
        if len(_PARTS) < 4096:  # the paths are the code's own: a bound all the same
            _PARTS[path] = parts
    node = data
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def text(data: Any, path: str) -> str | None:
    """A scalar shown as text (a spec with problems may hold a number where text goes)."""
    value = get(data, path)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def number(data: Any, path: str) -> int | float | None:
    """A finite number, never a boolean or text (``.inf`` and ``.nan`` count as none:
    a figure nobody can add up)."""
    value = get(data, path)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def flag(data: Any, path: str) -> bool | None:
    value = get(data, path)
    return value if isinstance(value, bool) else None


def mapping(data: Any, path: str) -> dict[str, str]:
    """A string-to-string map, keeping the entries that are text."""
    value = get(data, path)
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items() if v is not None}


def items(data: Any, path: str) -> list[dict[str, Any]]:
    """The mappings of a list (steps, dependencies)."""
    value = get(data, path)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def dependency(data: Any, index: int) -> dict[str, Any]:
    """The dependency at ``index`` of ``spec.pipeline.dependencies`` (a link's index)."""
    deps = get(data, "spec.pipeline.dependencies")
    found = deps[index] if isinstance(deps, list) and 0 <= index < len(deps) else None
    return found if isinstance(found, dict) else {}


def resolve_source(data: Any, source: str) -> str | None:
    """Read a configured source: ``labels.X``, ``annotations.X``, or a path in the spec."""
    if source.startswith(("labels.", "annotations.")):
        path = "metadata." + source
    elif source.startswith(("metadata.", "spec.")):
        path = source
    else:
        path = "spec." + source
    value = text(data, path)
    return value.strip() or None if value is not None else None


_PLAIN_DECIMAL = re.compile(r"(-?)\+?([0-9]+)(\.[0-9]+)?")


def plain_number(value: float, written: str | None = None) -> str:
    """A number with every digit kept, grouped for reading: ``12,345.678901234``.

    ``written`` is the number as the spec's author wrote it (see
    :func:`~mkdocs_modelspec.yamlread.written_numbers`): a plain decimal is grouped,
    anything else (``1.0e-5``) is shown as written. Without it, the shortest text that
    reads back as the same value, in positional notation (``0.000000001``, never
    ``1e-09``, never rounded).
    """
    if written is not None:
        match = _PLAIN_DECIMAL.fullmatch(written)
        if match is None:
            return written
        sign, whole, fraction = match.groups()
        return f"{sign}{int(whole):,}{fraction or ''}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return repr(value)
    exact = Decimal(repr(value))
    if abs(exact.adjusted()) > _POSITIONAL_UP_TO:
        return repr(value)  # 1e+300: positional notation would be 300 digits long
    return f"{exact:,f}"


#: Powers of ten up to which a number is written out in positional notation.
_POSITIONAL_UP_TO = 24

#: A word of a YAML text that may be a number (as a plain scalar writes one: it never
#: starts inside another word).
_NUMBER_WORD = re.compile(r"(?<![0-9A-Za-z_.:+-])[-+]?[.0-9][0-9A-Za-z_.:+-]*")


def printed_alike(text: str) -> bool:
    """Whether every number a YAML text may hold is written as the pages print it from
    its value anyway (``8080``, ``0.5``; not ``0.50``, ``1e3`` or ``+4``).

    Then the numbers as written (:func:`~mkdocs_modelspec.yamlread.written_numbers`,
    which reads the text again, event by event: half a millisecond a spec) add
    nothing. Every word that could be a number counts, in a string or a comment too:
    one there only sends the text the slow way."""
    return all(_word_alike(word) for word in set(_NUMBER_WORD.findall(text)))


@functools.lru_cache(maxsize=4096)  # the same words come back in spec after spec
def _word_alike(word: str) -> bool:
    value = resolve_plain(word)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True  # not a number
    # A port is shown as written, else as str(value); other numbers by plain_number.
    return word == str(value) and plain_number(value, word) == plain_number(value)


@dataclass(eq=False)
class ModelView:
    """One spec as its pages show it."""

    spec: SpecFile
    slug: str
    """Page name, unique in the catalog (``support-rag-chat``)."""
    team: str | None
    owner: str | None
    contact: str | None
    data: Any = field(repr=False)
    score: Score | None = field(default=None, repr=False)
    """Its readiness, once the site has scored it (see ``readiness.py``)."""
    capacity: Capacity | None = field(default=None, repr=False)
    """Its accelerator memory and weight estimate (see ``capacity.py``)."""
    drift: DriftSection | None = field(default=None, repr=False)
    """What it declares beside what runs, when the site reads observed data."""
    wanted: str = ""
    """The page name its name asks for (``slug`` may differ: see ``model_views``)."""

    @property
    def name(self) -> str:
        return self.spec.name or self.spec.rel

    @functools.cached_property
    def written(self) -> dict[tuple[str | int, ...], str]:
        """Each number of the spec as its author wrote it, by path (``1.0e-5``); empty
        when every number reads as the pages print it from its value anyway."""
        source = self.spec.source
        if not source or printed_alike(source):
            return {}
        return written_numbers(source)

    @property
    def valid(self) -> bool:
        return self.spec.valid

    @property
    def page(self) -> str:
        """Markdown file name of its page, relative to the generated folder."""
        return f"{self.slug}.md"

    def text(self, path: str) -> str | None:
        return text(self.data, path)

    def number(self, path: str) -> int | float | None:
        return number(self.data, path)

    def flag(self, path: str) -> bool | None:
        return flag(self.data, path)

    def figure(self, path: str) -> str | None:
        """The number at a dotted path as the spec writes it, every digit kept and
        grouped (``12,345.678901234``); None when there is no number there."""
        value = self.number(path)
        if value is None:
            return None
        return plain_number(value, self.written.get(tuple(path.split("."))))

    @property
    def environment(self) -> str | None:
        return self.text("metadata.labels.environment")

    @property
    def accelerator_type(self) -> str | None:
        return self.text("spec.runtime.accelerator.type")

    @property
    def accelerator_vendor(self) -> str | None:
        return self.text("spec.runtime.accelerator.vendor")

    @property
    def accelerators(self) -> int | None:
        """Accelerators per replica."""
        count = self.number("spec.runtime.accelerator.count")
        return int(count) if isinstance(count, int | float) else None


def model_views(
    catalog: Catalog, sources: Sources, reserved: frozenset[str] = frozenset()
) -> list[ModelView]:
    """A view of every spec, with unique, stable page names.

    Names come from ``metadata.name`` (or the file name when the spec has none). A
    name whose page name no other spec wants always gets it, whatever other specs
    are added. When several specs want the same page name (the same name, or names
    that differ only in case, spacing, punctuation or invisible characters), it goes
    to the one whose name is written most plainly (see ``_rank``), then to the one
    whose file comes first; the others get ``-2``, ``-3``... The catalog
    checks report each such clash (``look-alike-name``). ``reserved`` page names are
    taken by the site's own files (``models`` beside ``models.json``): a model named so
    gets ``-model`` added, as one named like an overview page does.
    """
    order = sorted(catalog.files, key=lambda s: (s.rel, s.path))
    asked: dict[SpecFile, str] = {}
    wanted: dict[SpecFile, str] = {}
    for spec in order:
        base = slugify(spec.name or "") or slugify(spec.rel.rsplit("/", 1)[-1].split(".")[0])
        asked[spec] = base = base or "model"
        if base in RESERVED or base in WINDOWS_RESERVED or base in reserved:
            base += "-model"
        wanted[spec] = base
    # Each page name wanted goes to one spec first; then the others get a number.
    slugs: dict[SpecFile, str] = {}
    taken: set[str] = set()
    for spec in sorted(order, key=lambda s: (_rank(s), s.rel, s.path)):
        if wanted[spec] not in taken:
            taken.add(wanted[spec])
            slugs[spec] = wanted[spec]
    for spec in order:
        if spec in slugs:
            continue
        base, counter = wanted[spec], 1
        slug = base
        while slug in taken:
            counter += 1
            slug = f"{base}-{counter}"
        taken.add(slug)
        slugs[spec] = slug
    views = []
    for spec in catalog.files:
        data = spec.data if isinstance(spec.data, dict) else {}
        views.append(
            ModelView(
                spec=spec,
                slug=slugs[spec],
                team=_first(data, sources.team),
                owner=_first(data, sources.owner),
                contact=_first(data, sources.contact),
                data=data,
                wanted=asked[spec],
            )
        )
    return views


def _rank(spec: SpecFile) -> int:
    """Which of the specs wanting one page name gets it: a name written as the page
    name itself (``rag-chat``, how most specs are named), then a plainly written name
    (``Rag-Chat``), then a name with hidden characters, odd spacing or letters in
    another form (full-width letters), then a spec with no name."""
    if spec.name is None:
        return 3
    if spec.name == slugify(spec.name):
        return 0
    return 1 if is_plain(spec.name) else 2


def _first(data: Any, sources: Iterable[str]) -> str | None:
    for source in sources:
        value = resolve_source(data, source)
        if value:
            return value
    return None


def by_name(views: Iterable[ModelView]) -> list[ModelView]:
    return sorted(views, key=lambda v: (v.name.lower(), v.slug))
