"""The package itself: cheap imports, lazy public names, the import graph."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dnacnn

PACKAGE = Path(dnacnn.__file__).resolve().parent
# Modules that must import without TensorFlow, Keras or scikeras (and
# without pyplot): everything but the estimators.
LIGHT_MODULES = (
    "dnacnn",
    "dnacnn.preprocessing",
    "dnacnn.datasets",
    "dnacnn.models",
    "dnacnn.interpret",
    "dnacnn.motifs",
    "dnacnn.plotting",
    "dnacnn.cli",
)


def test_light_modules_import_neither_tensorflow_nor_pyplot():
    code = (
        "import importlib, sys\n"
        f"for name in {LIGHT_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "import dnacnn\n"
        "dnacnn.DNAOneHotTransformer, dnacnn.make_motif_dataset, dnacnn.Motif\n"
        "heavy = ('tensorflow', 'keras', 'scikeras', 'matplotlib.pyplot')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves_and_is_in_the_api_reference():
    api = (PACKAGE.parent / "docs" / "api.rst").read_text()
    for name in dnacnn.__all__:
        assert getattr(dnacnn, name) is not None
        if name != "__version__":
            assert f"dnacnn.{name}\n" in api, f"{name} is not in docs/api.rst"
    assert set(dnacnn.__all__) <= set(dir(dnacnn))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'DNACNN'"):
        dnacnn.DNACNN  # noqa: B018


# --------------------------------------------------------------------------
# the import graph, read from the code (imports inside functions included)
# --------------------------------------------------------------------------
def _module_name(path: Path) -> str:
    parts = ["dnacnn", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str):
    """``(imported module, imported name or None, line)`` of every import."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dnacnn"):
                    yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("dnacnn"):
                continue
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if submodule in MODULES:  # `from . import x` of a module
                    yield submodule, None, node.lineno
                else:
                    yield module, alias.name, node.lineno


def test_the_import_graph_has_no_cycle():
    graph = {
        name: {module for module, _, _ in _imports(name) if module != name}
        for name in MODULES
    }
    for module, targets in graph.items():
        assert targets <= set(MODULES), f"{module} imports unknown {targets}"
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module, path):
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [module])


def test_no_module_imports_another_modules_private_names():
    borrowed = [
        f"{MODULES[name].relative_to(PACKAGE.parent)}:{line} imports "
        f"{imported}.{attribute}"
        for name in MODULES
        for imported, attribute, line in _imports(name)
        if attribute
        and attribute.startswith("_")
        and not attribute.startswith("__")
        and imported != name
    ]
    assert borrowed == []
