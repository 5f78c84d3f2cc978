"""Checks across specs: unique names, ``specRef`` resolution, the dependency graph.

Names must be unique (``duplicate-name``) and must not look alike: two names that
differ only in case, spacing, punctuation, Unicode normalisation or invisible
characters, or that would get the same page name, are a warning on each spec
(``look-alike-name``, see :mod:`.names`); a name holding invisible characters is a
warning too (``hidden-characters``).

``specRef`` is a path relative to the spec file that declares it. It must stay inside
one of the specs folders: an absolute path, or one that climbs out with ``..``, is an
error and the path is never opened. A target that is another spec of the catalog links
the two specs (each knows its dependencies and its dependents); a target that does not
exist is a warning, as is a file that exists but is not a spec file.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field

from .diagnostics import Code, Diagnostic, sort_key
from .loading import SpecFile, absolute, is_spec_name
from .names import hidden_characters, name_key, shown, slugify
from .yamlread import Problem


@dataclass(frozen=True, eq=False)
class Link:
    """One declared dependency, resolved as far as it goes."""

    source: SpecFile
    index: int
    """Position of the dependency in ``spec.pipeline.dependencies``."""
    spec_ref: str
    target: SpecFile | None
    """The spec the ``specRef`` points at, when it is in the catalog."""


@dataclass(eq=False)
class Catalog:
    """Every spec file found, with the links between them and every diagnostic."""

    files: list[SpecFile]
    roots: list[str]
    links: dict[SpecFile, list[Link]] = field(default_factory=dict)
    """For each spec, its declared dependencies in order."""
    dependents: dict[SpecFile, list[Link]] = field(default_factory=dict)
    """For each spec, the links that point at it ("used by")."""
    cycles: list[list[SpecFile]] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted((d for f in self.files for d in f.diagnostics), key=sort_key)

    @property
    def valid(self) -> list[SpecFile]:
        return [f for f in self.files if f.valid]

    def by_name(self) -> dict[str, SpecFile]:
        named: dict[str, SpecFile] = {}
        for spec in self.files:
            if spec.name is not None:
                named.setdefault(spec.name, spec)
        return named


def build_catalog(files: Sequence[SpecFile], roots: Sequence[str | os.PathLike[str]]) -> Catalog:
    """Run the cross-spec checks and link the specs; adds diagnostics to the files."""
    catalog = Catalog(files=list(files), roots=[absolute(r) for r in roots])
    _check_names(catalog)
    _check_look_alikes(catalog)
    _resolve_refs(catalog)
    _find_cycles(catalog)
    return catalog


def _check_names(catalog: Catalog) -> None:
    owners: dict[str, list[SpecFile]] = {}
    for spec in catalog.files:
        if spec.name is not None:
            owners.setdefault(spec.name, []).append(spec)
    for name, specs in owners.items():
        if len(specs) < 2:
            continue
        for spec in specs:
            shown = [o for o in specs if o is not spec]
            others = ", ".join(
                f"{o.display}:{o.where(('metadata', 'name')).line}" for o in shown[:3]
            )
            if len(shown) > 3:
                others += f" and {len(shown) - 3} more"
            where = spec.where(("metadata", "name"))
            spec.add(
                Problem(
                    Code.DUPLICATE_NAME,
                    where.line,
                    where.column,
                    f'name "{name}" is also used by {others}',
                    "every spec needs its own metadata.name; rename one of them",
                    ("metadata", "name"),
                )
            )


def _check_look_alikes(catalog: Catalog) -> None:
    """Names a reader could take for one another, and names with hidden characters."""
    named = [(spec, spec.name) for spec in catalog.files if spec.name is not None]
    keys = {spec: (("key", name_key(name)), ("page", slugify(name))) for spec, name in named}
    groups: dict[tuple[str, str], list[SpecFile]] = {}
    for spec, _ in named:
        for group in keys[spec]:
            if group[1]:
                groups.setdefault(group, []).append(spec)
    path = ("metadata", "name")
    for spec, name in named:
        alike = {
            id(other): other
            for group in keys[spec]
            if len(groups.get(group, ())) > 1
            for other in groups[group]
            if other.name != name  # the same name is a duplicate-name error
        }
        hidden = hidden_characters(name)
        if not alike and not hidden:
            continue  # the usual case
        where = spec.where(path)
        if alike:
            others = sorted(alike.values(), key=lambda o: (o.display, o.path))
            listed = ", ".join(
                f"{shown(o.name or '')} ({o.display}:{o.where(path).line})" for o in others[:3]
            )
            if len(others) > 3:
                listed += f" and {len(others) - 3} more"
            spec.add(
                Problem(
                    Code.LOOK_ALIKE_NAME,
                    where.line,
                    where.column,
                    f"name {shown(name)} looks like {listed}",
                    "names that differ only in case, spacing, punctuation, accents or "
                    "invisible characters share a page address and confuse readers; "
                    "rename one of them",
                    path,
                )
            )
        if hidden:
            codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in hidden))
            spec.add(
                Problem(
                    Code.HIDDEN_CHARACTERS,
                    where.line,
                    where.column,
                    f"name {shown(name)} holds characters a reader cannot see ({codes})",
                    "remove them: links by name and searches will not find this model",
                    path,
                )
            )


def _absolute(ref: str) -> bool:
    """Whether ``ref`` is absolute on POSIX or on Windows (a drive, a root, a share)."""
    if ref[:1] not in ("/", "\\") and ref[1:2] != ":":
        return False  # the cheap test: no absolute path of either kind looks like this
    return posixpath.isabs(ref) or ntpath.isabs(ref) or bool(ntpath.splitdrive(ref)[0])


def _resolve_refs(catalog: Catalog) -> None:
    by_path = {spec.path: spec for spec in catalog.files}
    roots = set(catalog.roots)
    inside = tuple(root.rstrip(os.sep) + os.sep for root in catalog.roots)
    for spec in catalog.files:
        catalog.links.setdefault(spec, [])
        catalog.dependents.setdefault(spec, [])
    for spec in catalog.files:
        if not spec.refs:
            continue
        folder = os.path.dirname(spec.path)
        for index, ref in spec.refs:
            target = _resolve(spec, folder, index, ref, by_path=by_path, roots=roots, inside=inside)
            link = Link(spec, index, ref, target)
            catalog.links[spec].append(link)
            if target is not None:
                catalog.dependents[target].append(link)


def ref_target(folder: str, ref: str) -> str:
    """The path a (relative) ``specRef`` written in ``folder`` names.

    Lexical resolution only: the target is never opened, and ``..`` cannot climb out
    of the specs folders through a symbolic link we did not look at.
    """
    return os.path.normpath(os.path.join(folder, ref.replace("\\", "/")))


def _resolve(
    spec: SpecFile,
    folder: str,
    index: int,
    ref: str,
    *,
    by_path: dict[str, SpecFile],
    roots: set[str],
    inside: tuple[str, ...],
) -> SpecFile | None:
    """The spec ``ref`` names; ``roots`` are the specs folders, ``inside`` their prefixes."""
    path = ("spec", "pipeline", "dependencies", index, "specRef")

    def report(code: Code, message: str, hint: str) -> None:
        where = spec.where(path)  # positions cost a second read: only on a problem
        spec.add(Problem(code, where.line, where.column, message, hint, path))

    if not ref.strip():
        report(Code.SPECREF_MISSING, "specRef is empty", "give the path of the dependency's spec")
        return None
    if _absolute(ref):
        report(
            Code.SPECREF_OUTSIDE,
            f"specRef {ref} is an absolute path",
            "write it relative to this file, for example ./embedder.modelspec.yaml",
        )
        return None
    target = ref_target(folder, ref)
    if target not in roots and not target.startswith(inside):
        report(
            Code.SPECREF_OUTSIDE,
            f"specRef {ref} points outside the specs folder",
            "a dependency's spec must live in the specs folder too",
        )
        return None
    found = by_path.get(target)
    if found is not None:
        return found
    if os.path.isfile(target):
        report(
            Code.SPECREF_NOT_A_SPEC,
            f"specRef {ref} is a file but not a spec file",
            "spec files are named *.modelspec.yaml"
            if not is_spec_name(target)
            else "it was not loaded; check the specs folder setting",
        )
    else:
        report(
            Code.SPECREF_MISSING,
            f"specRef {ref} does not exist",
            "check the path: it is relative to this spec file",
        )
    return None


def _find_cycles(catalog: Catalog) -> None:
    """Tarjan's strongly connected components; each cycle is reported once."""
    following = {
        spec: [link.target for link in catalog.links.get(spec, ()) if link.target is not None]
        for spec in catalog.files
    }
    suspects = _leading_to_cycles(catalog, following)
    if not suspects:
        return  # the usual case: no cycle at all
    index_of: dict[SpecFile, int] = {}
    low: dict[SpecFile, int] = {}
    on_stack: set[SpecFile] = set()
    stack: list[SpecFile] = []
    counter = 0

    def successors(spec: SpecFile) -> list[SpecFile]:
        return [target for target in following[spec] if target in suspects]

    for start in catalog.files:
        if start in index_of or start not in suspects:
            continue
        # Iterative depth-first search: a long chain must not hit the recursion limit.
        work: list[tuple[SpecFile, int]] = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            nexts = successors(node)
            if child < len(nexts):
                work.append((node, child + 1))
                succ = nexts[child]
                if succ not in index_of:
                    work.append((succ, 0))
                elif succ in on_stack:
                    low[node] = min(low[node], index_of[succ])
                continue
            if low[node] == index_of[node]:
                component: list[SpecFile] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member is node:
                        break
                if len(component) > 1 or node in successors(node):
                    _report_cycle(catalog, component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])


def _leading_to_cycles(
    catalog: Catalog, following: dict[SpecFile, list[SpecFile]]
) -> set[SpecFile]:
    """The specs from which a cycle can be reached (the cycles' members among them).

    Peels away every spec whose dependencies are all peeled already, starting from
    those with none: what is left is in a cycle or leads to one. With no cycle, nothing
    is left, and the depth-first search has nothing to do.
    """
    left = {spec: len(targets) for spec, targets in following.items()}
    peel = [spec for spec, count in left.items() if count == 0]
    while peel:
        spec = peel.pop()
        del left[spec]
        for link in catalog.dependents.get(spec, ()):
            left[link.source] -= 1
            if left[link.source] == 0:
                peel.append(link.source)
    return set(left)


def _report_cycle(catalog: Catalog, component: list[SpecFile]) -> None:
    members = set(component)
    first = min(component, key=lambda s: s.display)
    # The shortest way round from ``first`` back to itself (breadth-first).
    came_from: dict[SpecFile, Link] = {}
    frontier = [first]
    closing: Link | None = None
    while frontier and closing is None:
        following: list[SpecFile] = []
        for node in frontier:
            for link in catalog.links[node]:
                if link.target is first:
                    closing = link
                    break
                if link.target in members and link.target not in came_from:
                    came_from[link.target] = link
                    following.append(link.target)
            if closing is not None:
                break
        frontier = following
    assert closing is not None  # ``first`` is in a strongly connected component
    order = [closing.source]
    while order[-1] is not first:
        order.append(came_from[order[-1]].source)
    order.reverse()
    catalog.cycles.append(order)
    names = " -> ".join(s.name or s.display for s in [*order, first])
    link = came_from[order[1]] if len(order) > 1 else closing
    path = ("spec", "pipeline", "dependencies", link.index, "specRef")
    where = first.where(path)
    first.add(
        Problem(
            Code.DEPENDENCY_CYCLE,
            where.line,
            where.column,
            f"dependency cycle: {names}",
            "a model cannot depend on itself, even through others",
            path,
        )
    )
