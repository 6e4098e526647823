"""The layout is the pipeline: no import reaches a later stage, and no module imports itself in a circle.

Stages, earliest first: rules → read → structure → extract → package →
check / export.  `model` and `errors` sit below every stage and import
nothing of ours; `rules` may use `errors` only.  `check` and `export` read the
written package, so they may use `package` but never `extract`,
`structure` or `read`.  The top-level modules (`build`, `cli`, `runner`,
`progress`) chain the stages and may import any of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "plandata"

# What each layer may import (besides itself).
ALLOWED = {
    "root": set(),  # plandata/__init__.py: version and release date only
    "model": set(),
    "errors": set(),
    "rules": {"errors", "root"},
    "read": {"rules", "model", "errors", "root"},
    "structure": {"read", "rules", "model", "errors", "root"},
    "extract": {"structure", "read", "rules", "model", "errors", "root"},
    "package": {"extract", "structure", "read", "rules", "model", "errors", "root"},
    "check": {"package", "rules", "model", "errors", "root"},
    "export": {"package", "check", "rules", "model", "errors", "root"},
}
TOP = {"build", "cli", "runner", "progress", "__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    return "top" if parts[1] in TOP else parts[1]


def imports(path: Path) -> set[str]:
    """Every plandata module `path` imports, at any depth (function bodies and TYPE_CHECKING included)."""
    here = module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("plandata"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("plandata"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(
                    sub
                    if (SRC / sub.replace(".", "/")).with_suffix(".py").exists()
                    or (SRC / sub.replace(".", "/") / "__init__.py").exists()
                    else node.module
                )
    found.discard(here)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_layers_import_only_earlier_stages() -> None:
    modules = graph()
    assert len(modules) > 50  # the walk found the package
    upward = [
        f"{module} ({layer(module)}) imports {target} ({layer(target)})"
        for module, targets in modules.items()
        if layer(module) != "top"
        for target in sorted(targets)
        if layer(target) != layer(module) and layer(target) not in ALLOWED[layer(module)]
    ]
    assert upward == []


def cycles(modules: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, as a path that starts and ends at the same module."""
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append(path[path.index(node) :] + [node])
            return
        if node in done:
            return
        for target in sorted(modules.get(node, ())):
            visit(target, path + [node])
        done.add(node)

    for module in sorted(modules):
        visit(module, [])
    return found


def test_no_import_circles() -> None:
    assert cycles(graph()) == []


def test_checks_catch_an_upward_import_and_a_circle() -> None:
    modules = {"plandata.read.a": {"plandata.package.b"}, "plandata.package.b": {"plandata.read.a"}}
    assert cycles(modules) == [["plandata.package.b", "plandata.read.a", "plandata.package.b"]] or cycles(modules) == [
        ["plandata.read.a", "plandata.package.b", "plandata.read.a"]
    ]
    assert "package" not in ALLOWED[layer("plandata.read.a")]


def test_every_stage_says_what_it_takes_and_gives() -> None:
    for stage in ("read", "structure", "extract", "package", "check", "export"):
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "Takes" in doc and "gives" in doc, stage
