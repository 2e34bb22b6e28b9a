"""Imports inside pbdocs/ go one way: no module reaches back into one that depends on it (lazy imports
inside functions count; ``if TYPE_CHECKING:`` blocks do not), and no module borrows another's
private names."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pbdocs"


def _modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = (path, path.name == "__init__.py")
    return modules


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def _imports(name: str, path: Path, is_package: bool) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = name if is_package else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(0, node.level - 1)):
                base = base.rsplit(".", 1)[0]
            module = (base + ("." + node.module if node.module else "")) if node.level else (node.module or "")
            found.append((module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        for module, names in _imports(name, path, is_package):
            for target in [module, *(f"{module}.{n}" for n in names)]:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), leaving out a package that only
    re-exports its own submodules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            rooms = [m for m in group if not any(o.startswith(m + ".") for o in group)]
            if len(rooms) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycle_inside_pbdocs():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_sees_a_cycle():
    graph = {"pbdocs.a": {"pbdocs.b"}, "pbdocs.b": {"pbdocs.c"}, "pbdocs.c": {"pbdocs.a"}, "pbdocs.d": {"pbdocs.a"}}
    assert _cycles(graph) == [["pbdocs.a", "pbdocs.b", "pbdocs.c"]]


def test_the_graph_sees_lazy_imports():
    # pbdocs.rules imports its engine inside check(); a graph missing it would miss cycles made that way.
    assert "pbdocs.rules.engine" in _graph()["pbdocs.rules"]


def test_no_private_name_is_imported_from_another_module():
    borrowed = []
    for name, (path, is_package) in _modules().items():
        for module, names in _imports(name, path, is_package):
            if module.split(".")[0] != "pbdocs":
                continue
            borrowed += [f"{name} imports {module}.{n}" for n in names if n.startswith("_") and n != "__version__"]
    assert borrowed == []
