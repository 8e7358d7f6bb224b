"""The package keeps its plan: reading/ imports no command, no command imports another, no circles."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "tssa"
COMMANDS = ("check", "update", "adopt", "index", "insights", "prefill")
# The core: what every layer may use, and which itself uses no layer above it.
CORE = ("commands", "errors", "git", "interrupts", "records", "regularfiles", "terminal", "workers")
# Beside reading/ and below the commands: writing a file whole, a package all at once. It uses the core only.
WRITING = "writing"


def _module_name(path: Path) -> str:
    parts = ["tssa", *path.relative_to(SOURCE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every tssa module a file imports, at any depth of the file (lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("tssa"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tssa"):
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str:
    """The part of the plan a module belongs to: a command, "reading", or the module's own name in the core."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "tssa"


def _edges() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(SOURCE.rglob("*.py"))}


def test_the_plan_is_the_folders() -> None:
    folders = {path.name for path in SOURCE.iterdir() if (path / "__init__.py").is_file()}
    assert folders == {"reading", WRITING, *COMMANDS}
    loose = {path.stem for path in SOURCE.glob("*.py")} - {"__init__", "__main__", "cli"}
    assert loose == set(CORE)


def _crossings(edges: dict[str, set[str]]) -> list[str]:
    """Imports against the plan: reading, writing or the core into a command, the core or writing into reading,
    the core into writing, reading into writing, a command into another."""
    wrong = []
    for module, targets in edges.items():
        for target in targets:
            source, into = _layer(module), _layer(target)
            if (
                (source in ("reading", WRITING, *CORE) and into in COMMANDS)
                or (source in (WRITING, *CORE) and into == "reading")
                or (source in ("reading", *CORE) and into == WRITING)
                or (source in COMMANDS and into in COMMANDS and into != source)
            ):
                wrong.append(f"{module} imports {target}")
    return wrong


def _circles(edges: dict[str, set[str]]) -> list[str]:
    modules = set(edges)

    def targets(module: str) -> set[str]:
        # `from tssa.reading import files` names a module; `from tssa.reading.files import X` a name in one.
        named = {name if name in modules else name.rpartition(".")[0] for name in edges[module]}
        return named & modules - {module}

    state: dict[str, str] = {}
    circles: list[str] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(targets(module)):
            if state.get(target) == "open":
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    return circles


def test_imports_follow_the_plan() -> None:
    assert _crossings(_edges()) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert _circles(_edges()) == []


def test_the_rules_catch_what_they_forbid() -> None:
    edges = _edges()
    edges["tssa.reading.facts"] = edges["tssa.reading.facts"] | {"tssa.check.lint.lint_findings"}
    edges["tssa.index.build"] = edges["tssa.index.build"] | {"tssa.check.report.FORMATS"}
    edges["tssa.errors"] = edges["tssa.errors"] | {"tssa.reading.outline.DOCUMENTS"}
    edges["tssa.writing.movein"] = edges["tssa.writing.movein"] | {"tssa.reading.textfiles.read_bytes"}
    assert sorted(_crossings(edges)) == [
        "tssa.errors imports tssa.reading.outline.DOCUMENTS",
        "tssa.index.build imports tssa.check.report.FORMATS",
        "tssa.reading.facts imports tssa.check.lint.lint_findings",
        "tssa.writing.movein imports tssa.reading.textfiles.read_bytes",
    ]
    edges["tssa.reading.outline"] = edges["tssa.reading.outline"] | {"tssa.reading.facts.package_facts"}
    assert _circles(edges) != []
