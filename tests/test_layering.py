"""The package's folders are layers: a module imports only from its own folder and the folders
before it in `tsr_news.LAYERS`, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tsr_news

PACKAGE = Path(tsr_news.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path) -> set[str]:
    """Every tsr_news module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from tsr_news.corpus import loader` imports the module tsr_news.corpus.loader
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in found if name in MODULES}


IMPORTS = {name: imported_modules(path) for name, path in MODULES.items()}


def folder(module: str) -> str | None:
    """The layer a module belongs to (None for the package's own __init__ and __main__)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in tsr_news.LAYERS else None


def test_every_folder_of_the_package_is_a_layer():
    folders = {p.parent.name for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE}
    assert folders == set(tsr_news.LAYERS)


def test_no_module_imports_from_a_later_layer():
    rank = {name: i for i, name in enumerate(tsr_news.LAYERS)}
    upward = [
        (source, target)
        for source, targets in IMPORTS.items()
        if folder(source) is not None
        for target in targets
        if folder(target) is not None and rank[folder(target)] > rank[folder(source)]
    ]
    assert upward == []


@pytest.mark.parametrize("a, b", [("release", "labelstudio")])
def test_sibling_layers_do_not_import_each_other(a, b):
    crossing = [
        (source, target)
        for source, targets in IMPORTS.items()
        for target in targets
        if {folder(source), folder(target)} == {a, b}
    ]
    assert crossing == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, or with a self-import
    (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other_in_a_circle():
    # a package's __init__ is imported before any module in it: the edge is real
    graph = {name: set(targets) for name, targets in IMPORTS.items()}
    for name in graph:
        if "." in name and name.rsplit(".", 1)[0] in graph:
            graph[name].add(name.rsplit(".", 1)[0])
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"], ["e"]]


def test_the_import_scan_sees_imports_inside_functions():
    assert "tsr_news.cli.labelstudio" in IMPORTS["tsr_news.cli.main"]
    assert "tsr_news.release.build" in IMPORTS["tsr_news.cli.main"]
