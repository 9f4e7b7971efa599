"""Layering: core imports nothing of ours, spi only core, infra core and spi, nobody a service."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each library and the libraries of ours it may import (services may import all three).
ALLOWED = {
    "omnibase_core": frozenset[str](),
    "omnibase_spi": frozenset({"omnibase_core"}),
    "omnibase_infra": frozenset({"omnibase_core", "omnibase_spi"}),
}


def _absolute_imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every absolute import in a file, including ones inside functions."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _service_packages(root: Path) -> dict[str, Path]:
    """Import name -> folder of every Python package under services/ (flat or src layout)."""
    found = {}
    for service in sorted((root / "services").glob("*/")):
        for init in [*service.glob("src/*/__init__.py"), *service.glob("*/__init__.py")]:
            found[init.parent.name] = init.parent
    return found


def _library_packages(root: Path) -> dict[str, Path]:
    return {init.parent.name: init.parent for init in root.glob("packages/*/src/*/__init__.py")}


def layering_violations(root: Path) -> list[str]:
    """One line per forbidden import: file:line, what it imports, and the rule it breaks."""
    services = _service_packages(root)
    ours = set(ALLOWED) | set(services)
    violations = []
    for package, folder in {**_library_packages(root), **services}.items():
        allowed = ALLOWED.get(package, frozenset(ALLOWED))
        rule = f"{package} may import {', '.join(sorted(allowed)) or 'nothing of ours'}" + (
            "" if package in ALLOWED else " (a service imports no other service)"
        )
        for path in sorted(folder.rglob("*.py")):
            for line, module in _absolute_imports(path):
                top = module.partition(".")[0]
                if top in ours and top != package and top not in allowed:
                    where = path.relative_to(root)
                    violations.append(f"{where}:{line} imports {module}: {rule}")
    return violations


def test_packages_import_only_the_layers_below_them() -> None:
    violations = layering_violations(ROOT)
    assert not violations, "layering broken:\n" + "\n".join(violations)


def test_every_library_is_scanned() -> None:
    assert set(_library_packages(ROOT)) >= set(ALLOWED)


def test_a_core_module_importing_infra_is_named_with_file_and_line(tmp_path: Path) -> None:
    core = tmp_path / "packages" / "core" / "src" / "omnibase_core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "leak.py").write_text("import json\n\n\ndef f():\n    from omnibase_infra import x\n")

    assert layering_violations(tmp_path) == [
        "packages/core/src/omnibase_core/leak.py:5 imports omnibase_infra: "
        "omnibase_core may import nothing of ours"
    ]


def test_importing_a_service_is_named_for_libraries_and_other_services(tmp_path: Path) -> None:
    spi = tmp_path / "packages" / "spi" / "src" / "omnibase_spi"
    spi.mkdir(parents=True)
    (spi / "__init__.py").write_text("import node_a.handlers\n")
    for name, source in [
        ("node_a", "from omnibase_infra import y\n"),
        ("node_b", "import node_a\n"),
    ]:
        package = tmp_path / "services" / name.replace("_", "-") / "src" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(source)

    assert layering_violations(tmp_path) == [
        "packages/spi/src/omnibase_spi/__init__.py:1 imports node_a.handlers: "
        "omnibase_spi may import omnibase_core",
        "services/node-b/src/node_b/__init__.py:1 imports node_a: node_b may import "
        "omnibase_core, omnibase_infra, omnibase_spi (a service imports no other service)",
    ]
