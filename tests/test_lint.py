"""The code gates, run with the suite so that `.ci/run` (the README's test command) enforces them.

ruff and mypy come with the `test` extra and are configured in pyproject.toml; they run on the whole
tree, not on a list of files that would silently miss new ones.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "pbdocs"
MAX_FUNCTION_LINES = 80
# Only the shell reads the environment; everything below it is handed paths and options.
# pbdocs/shell.py resolves locations for both cli.py and the web module: it is shell code too.
SHELL = [PACKAGE / "cli.py", PACKAGE / "shell.py", PACKAGE / "web"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def _package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_ruff_check_passes():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_the_package():
    result = _run("mypy", "pbdocs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_in_the_package_is_over_80_lines():
    too_long = []
    for module in _package_modules():
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{module.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)")
    assert not too_long, "\n".join(too_long)


def test_only_the_shell_reads_the_environment():
    reads = re.compile(r"\bos\.(?:environ|getenv)\b|\bfrom os import\b[^\n]*\b(?:environ|getenv)\b")
    offenders = [
        f"{module.relative_to(REPO)}:{text.count(chr(10), 0, match.start()) + 1}"
        for module in _package_modules()
        if not any(module == shell or shell in module.parents for shell in SHELL)
        for text in [module.read_text(encoding="utf-8")]
        for match in reads.finditer(text)
    ]
    assert not offenders, "\n".join(offenders)


# Imports go one way, from the bottom of this table to the top; a module may use its own package
# and anything on a lower layer. The longest matching prefix decides a module's layer.
LAYERS = {
    "pbdocs._version": 0, "pbdocs.errors": 0, "pbdocs.files": 0, "pbdocs.normalize": 0, "pbdocs.domain": 0,
    "pbdocs.messages": 0,
    "pbdocs.models": 1, "pbdocs.legal": 1, "pbdocs.extract": 1, "pbdocs.executor": 1,
    "pbdocs.rules": 2, "pbdocs.search": 2,
    "pbdocs.present": 3, "pbdocs.screen": 3,
    "pbdocs.deliver": 4, "pbdocs.office": 4,
    "pbdocs": 5, "pbdocs.shell": 5,
    "pbdocs.cli": 6, "pbdocs.web": 6, "pbdocs.__main__": 7,
}


def _layer(module: str) -> tuple[str, int]:
    prefix = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return prefix, LAYERS[prefix]


def _imported_modules(path: Path, package: str):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            # `from . import x` may name a module; `from .mod import name` names the module itself.
            yield node.lineno, [f"{target}.{a.name}" for a in node.names] if node.module is None else [target]


def test_imports_go_one_way():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module if path.name == "__init__.py" else ".".join(parts[:-1])
        home, layer = _layer(module)
        for lineno, targets in _imported_modules(path, package):
            for target in targets:
                if not target.startswith("pbdocs"):
                    continue
                prefix, target_layer = _layer(target)
                if target_layer > layer and prefix != home and not target.startswith(home + "."):
                    offenders.append(f"{path.relative_to(REPO)}:{lineno}: {module} imports {target}")
    assert not offenders, "\n".join(offenders)
