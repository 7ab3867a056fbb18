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


# Layers that import nothing of the bundle outside themselves (docs/design.md: nets/ is the package's base).
SELF_CONTAINED = {"nets"}


def _layer(module: str) -> str:
    """ "bundle.nets.unet" -> "nets"."""
    return module.split(".")[1]


def _imports(source: str, module: str) -> set[str]:
    """Every bundle module that ``source`` (of the module named ``module``) imports, absolute or relative;
    ``from bundle import x`` is read as bundle.x."""
    package = module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            found = ".".join(part for part in (base, node.module) if part)
            names |= {f"{found}.{alias.name}" if found == "bundle" else found for alias in node.names}
    return {name for name in names if name.startswith("bundle.")}


def _module_imports(path: Path) -> set[str]:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    # a package's __init__ imports relative to the package itself
    module = ".".join(parts[:-1]) + "._" if parts[-1] == "__init__" else ".".join(parts)
    return _imports(path.read_text(), module)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(path.relative_to(PACKAGE)) for path in MODULES])
def test_a_module_imports_only_its_own_or_earlier_layers(path):
    if path == PACKAGE / "__init__.py":
        assert not _module_imports(path), "bundle/__init__.py imports nothing: every layer is imported by its own path"
        return
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    assert own in LAYERS, f"{own} is not in the map of docs/design.md"
    later = {name for name in _module_imports(path) if LAYERS.index(_layer(name)) > LAYERS.index(own)}
    assert not later, f"{path.relative_to(PACKAGE)} imports later layers: {sorted(later)}"
    if own in SELF_CONTAINED:
        outside = {name for name in _module_imports(path) if _layer(name) != own}
        assert not outside, f"{path.relative_to(PACKAGE)} imports outside {own}/: {sorted(outside)}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bundle import segmentation", {"bundle.segmentation"}),
        ("from ..engine import phi_sampler", {"bundle.engine"}),
        ("from . import unet", {"bundle.nets"}),
        ("import bundle.engine.resume", {"bundle.engine.resume"}),
        ("from bundle.io import write_atomically", {"bundle.io"}),
        ("import torch", set()),
    ],
)
def test_every_spelling_of_an_import_is_seen(source, expected):
    assert _imports(source, "bundle.nets.probe") == expected
