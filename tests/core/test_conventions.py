"""RULES.md conventions, checked on every Python file under packages/ and services/."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("packages", "services")
ARCHETYPES = ("Effect", "Compute", "Reducer", "Orchestrator")
# Exception bases that mark a class as an error (ours all derive from ModelOnexError).
ERROR_BASES = re.compile(r"(Error|Exception)$")


def python_files() -> list[Path]:
    files = [
        path
        for folder in SCANNED
        if (ROOT / folder).exists()
        for path in (ROOT / folder).rglob("*.py")
        if ".venv" not in path.parts and "__pycache__" not in path.parts
    ]
    return sorted(files)


FILES = python_files()


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def top_classes(module: ast.Module) -> list[ast.ClassDef]:
    return [node for node in module.body if isinstance(node, ast.ClassDef)]


def base_names(cls: ast.ClassDef) -> list[str]:
    names = []
    for base in cls.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Attribute):
            names.append(target.attr)
    return names


def any_uses(module: ast.Module) -> Iterator[int]:
    typing_modules = ("typing", "typing_extensions")
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module in typing_modules:
            if any(alias.name == "Any" for alias in node.names):
                yield node.lineno
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "Any"
            and isinstance(node.value, ast.Name)
            and node.value.id in (*typing_modules, "t")
        ):
            yield node.lineno


def test_the_scan_sees_our_packages() -> None:
    names = {rel(path) for path in FILES}
    assert "packages/core/src/omnibase_core/models/events/model_event_envelope.py" in names


def test_no_any_anywhere() -> None:
    found = [f"{rel(path)}:{line}" for path in FILES for line in any_uses(tree(path))]
    assert found == [], "typing.Any is forbidden (use object): " + ", ".join(found)


def expected_name(path: Path, prefix: str) -> str:
    return prefix + path.stem.removeprefix(prefix.lower() + "_").replace("_", "").lower()


@pytest.mark.parametrize("prefix", ["Model", "Enum", "Protocol", "Mixin"])
def test_kind_files_define_their_kind(prefix: str) -> None:
    problems = []
    for path in FILES:
        if not path.name.startswith(prefix.lower() + "_"):
            continue
        classes = [cls.name for cls in top_classes(tree(path))]
        of_kind = [name for name in classes if name.startswith(prefix)]
        wanted = expected_name(path, prefix)
        if prefix == "Model" and len(of_kind) != 1:
            problems.append(f"{rel(path)}: holds {len(of_kind)} Model classes {of_kind}, not 1")
        if not any(name.lower() == wanted.lower() for name in of_kind):
            problems.append(f"{rel(path)}: defines no class named like {wanted!r} ({classes})")
    assert problems == []


def test_errors_live_in_errors_folders_and_end_with_error() -> None:
    problems = []
    for path in FILES:
        in_errors = "errors" in path.parts
        for cls in top_classes(tree(path)):
            is_error = any(ERROR_BASES.search(base) for base in base_names(cls))
            if is_error and not in_errors and not cls.name.startswith("_"):
                problems.append(f"{rel(path)}: error class {cls.name} is outside errors/")
            if in_errors and is_error and not cls.name.endswith("Error"):
                problems.append(f"{rel(path)}: {cls.name} in errors/ does not end with Error")
    assert problems == []


def test_node_modules_define_node_name_type_classes() -> None:
    problems = []
    for path in FILES:
        if path.name != "node.py":
            continue
        for cls in top_classes(tree(path)):
            archetype = next(
                (b for b in base_names(cls) if b.removeprefix("Node") in ARCHETYPES), None
            )
            if archetype is None:
                continue
            kind = archetype.removeprefix("Node")
            if not re.fullmatch(rf"Node[A-Z]\w*{kind}", cls.name):
                problems.append(f"{rel(path)}: {cls.name} should be named Node<Name>{kind}")
    assert problems == []


def test_the_checks_catch_violations(tmp_path: Path) -> None:
    bad = tmp_path / "model_thing.py"
    bad.write_text("from typing import Any\nclass ModelThing: ...\nclass ModelOther: ...\n")
    module = tree(bad)
    assert list(any_uses(module)) == [1]
    assert [cls.name for cls in top_classes(module) if cls.name.startswith("Model")] == [
        "ModelThing",
        "ModelOther",
    ]
    assert expected_name(bad, "Model") == "Modelthing"
