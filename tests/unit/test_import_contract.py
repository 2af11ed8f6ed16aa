"""The import contract of the tree (design.md): extraction is pure, spiders never reach the
database, pipelines never parse HTML, and no module imports itself back through others.

Read from the source with `ast`, imports inside functions included (that is where cycles hide),
imports under `if TYPE_CHECKING:` left out (they never run). Reachability follows what Python
runs: importing a module runs its packages' __init__ first.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.support.crawl import ROOT

PACKAGES = ("crawler", "spiders", "pipelines")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool):
    """(imported module or module.attribute, line, inside a function) for every import that
    can run; `from package import name` gives package.name (a submodule or an attribute)."""

    def visit(node: ast.AST, in_function: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from visit(other, in_function)
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - child.level + 1]
                    prefix = ".".join(base + ([child.module] if child.module else []))
                else:
                    prefix = child.module or ""
                for alias in child.names:
                    yield f"{prefix}.{alias.name}", child.lineno, in_function
            else:
                yield from visit(child, inner)

    yield from visit(tree, False)


@cache
def project() -> dict[str, tuple[Path, list[tuple[str, int, bool]]]]:
    """Every project module: its file and its imports."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = _module_name(path)
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            modules[name] = (path, list(_imports(tree, name, path.name == "__init__.py")))
    return modules


def _resolve(name: str, modules) -> str | None:
    """The project module an imported name runs (a module, or the module an attribute is taken
    from), or None for a third party."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def graph(include_packages: bool) -> dict[str, set[str]]:
    """module -> project modules it imports. With include_packages, also the packages whose
    __init__ runs first (what a real import executes)."""
    modules = project()
    edges: dict[str, set[str]] = {}
    for name, (_path, imports) in modules.items():
        targets = set()
        for imported, _line, _inner in imports:
            target = _resolve(imported, modules)
            if target is None or target == name:
                continue
            targets.add(target)
            if include_packages:
                parts = target.split(".")
                targets.update(p for p in (".".join(parts[:i]) for i in range(1, len(parts)))
                               if p in modules and p != name)
        edges[name] = targets
    return edges


def third_party(name: str) -> set[str]:
    """Top-level names of everything outside the project the module imports itself."""
    _path, imports = project()[name]
    return {i.split(".")[0] for i, _l, _f in imports} - set(PACKAGES)


def reachable(start: str, edges: dict[str, set[str]]) -> dict[str, str]:
    """Modules `start` runs, each with the module that imported it (to print the chain)."""
    via, todo = {start: ""}, [start]
    while todo:
        current = todo.pop()
        for nxt in edges.get(current, ()):
            if nxt not in via:
                via[nxt] = current
                todo.append(nxt)
    return via


def chain(target: str, via: dict[str, str]) -> str:
    steps = [target]
    while via.get(steps[-1]):
        steps.append(via[steps[-1]])
    return " -> ".join(reversed(steps))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_no_import_cycles():
    # Package __init__ edges left out: a package re-exporting its own submodules is no cycle.
    assert cycles(graph(include_packages=False)) == []


@pytest.mark.parametrize("source, forbidden, why", [
    ("crawler.extract", ("scrapy", "pymongo"), "extraction is pure: no crawler, no database"),
    ("spiders", ("pymongo", "crawler.storage"), "spiders never touch the database"),
    ("pipelines", ("crawler.extract",), "pipelines never parse HTML"),
])
def test_forbidden_imports(source, forbidden, why):
    edges = graph(include_packages=True)
    problems = []
    for start in (m for m in project() if _within(m, source)):
        via = reachable(start, edges)
        for module in via:
            hits = [f for f in forbidden if "." in f and _within(module, f)
                    and not _within(via[module], f)]  # where the chain enters the package
            hits += [f for f in forbidden if "." not in f and f in third_party(module)]
            problems += [f"{chain(module, via)} imports {f}" for f in hits]
    assert not problems, f"{why}:\n" + "\n".join(sorted(set(problems)))


def test_imports_inside_functions_say_why():
    """An import inside a function hides a dependency (and once hid cycles); one that stays
    there says why on its line or in a comment just above its block (optional dependency,
    start-up cost)."""
    unexplained = []
    for _name, (path, imports) in project().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _imported, line, inner in imports:
            if not inner:
                continue
            row = line - 1
            while row > 0 and lines[row - 1].strip().startswith(("import ", "from ")):
                row -= 1  # the first import of the block
            if "#" not in lines[line - 1] and not lines[row - 1].strip().startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{line}: {lines[line - 1].strip()}")
    assert not sorted(set(unexplained)), "\n".join(sorted(set(unexplained)))


@pytest.mark.parametrize("folder, forbidden", [("benchmarks", "tests"), ("tests", "benchmarks")])
def test_benchmarks_and_tests_stay_apart(folder, forbidden):
    """Benchmarks measure the product and tests check it: what both need (generated sites, the
    timestamps corpus) lives in the package, so neither reaches into the other's internals."""
    offenders = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names
                          if n == forbidden or n.startswith(forbidden + ".")]
    assert not offenders, offenders


def test_an_extraction_worker_loads_neither_scrapy_nor_twisted():
    """A worker imports extraction, and unpickles the page's profile (crawler.sites): none of it
    needs the crawler's framework, which cost every worker (started anew every
    CRAWLER_EXTRACT_RECYCLE_AFTER pages) about 0.2 s of imports and 20 MB."""
    code = ("import sys, crawler.extraction_workers, crawler.extract, crawler.sites; "
            "print(sorted(m for m in ('scrapy', 'twisted', 'pymongo') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
