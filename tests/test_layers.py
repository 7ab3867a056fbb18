"""The package's layers (docs/design.md, "Map of the package"): each imports only the layers before it."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bundle"
LAYERS = [
    "paths",
    "io",
    "cli",
    "nets",
    "flops",
    "data",
    "export",
    "checked_run",
    "engine",
    "perf",
    "pareto",
    "segmentation",
    "registration",
    "benchmark",
]


def _layer(module: str) -> str:
    """ "bundle.nets.unet" -> "nets"."""
    return module.split(".")[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return {name for name in names if name.startswith("bundle.")}


MODULES = sorted(path for path in PACKAGE.rglob("*.py") if path.parent != PACKAGE or path.stem != "__init__")


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(PACKAGE)) for path in MODULES])
def test_a_module_imports_only_its_own_or_earlier_layers(path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    assert own in LAYERS, f"{own} is not in the map of docs/design.md"
    later = {name for name in _imports(path) if LAYERS.index(_layer(name)) > LAYERS.index(own)}
    assert not later, f"{path.relative_to(PACKAGE)} imports later layers: {sorted(later)}"
