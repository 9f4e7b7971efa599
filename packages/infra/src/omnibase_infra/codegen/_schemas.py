"""Reads a folder of message schemas, checks them and links their `$ref`s by file name.

One file is one class: `node_heartbeat.yaml` (an object schema) becomes `ModelNodeHeartbeat`,
`node_health.yaml` (an enum) becomes `EnumNodeHealth`. Schemas refer to each other by file
name (`$ref: node_health.yaml`); inline enums and inline objects are refused so that every
generated class has its own schema file and its own module.
"""

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from omnibase_infra.errors import ProtocolConfigurationError

_STEM = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_DOCSTRING_WIDTH = 88  # leaves room for indentation and quotes within the 100-column limit


@dataclass(frozen=True)
class SchemaSet:
    """The schemas of one folder, keyed by definition name, and their class names."""

    definitions: dict[str, dict[str, object]]
    class_names: dict[str, str]
    files: dict[str, str]  # definition name -> schema file name

    def module_paths(self) -> dict[str, str]:
        """Definition name -> `module.ClassName` of its generated module."""
        return {
            name: f"{_snake(class_name)}.{class_name}"
            for name, class_name in self.class_names.items()
        }


def read_schemas(folder: Path) -> SchemaSet:
    """Load every `*.yaml` schema in `folder`, rewriting `$ref`s between files."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ProtocolConfigurationError(f"{folder}: no *.yaml message schemas found")
    names = {file.name: _definition_name(file) for file in files}
    definitions: dict[str, dict[str, object]] = {}
    class_names: dict[str, str] = {}
    for file in files:
        name = names[file.name]
        schema = _load(file)
        class_names[name] = ("Enum" if "enum" in schema else "Model") + name
        _check_top(file, schema, name)
        prepared = _prepare(file, schema, names, ())
        assert isinstance(prepared, dict)  # a mapping in, a mapping out
        definitions[name] = prepared
    return SchemaSet(definitions, class_names, {name: file for file, name in names.items()})


def _definition_name(file: Path) -> str:
    if not _STEM.match(file.stem):
        raise ProtocolConfigurationError(
            f"{file}: schema file names are snake_case (e.g. node_heartbeat.yaml)"
        )
    return "".join(part.capitalize() for part in file.stem.split("_"))


def _load(file: Path) -> dict[str, object]:
    try:
        schema = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProtocolConfigurationError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(schema, dict):
        raise ProtocolConfigurationError(f"{file}: a schema must be a mapping")
    return schema


def _check_top(file: Path, schema: dict[str, object], name: str) -> None:
    if "enum" not in schema and schema.get("type") != "object":
        raise ProtocolConfigurationError(f"{file}: must be `type: object` or an `enum`")
    title = schema.get("title", name)
    if title != name:
        raise ProtocolConfigurationError(
            f"{file}: title: {title!r} must match the file name ({name!r}) or be left out"
        )
    for key in ("$defs", "definitions"):
        if key in schema:
            raise ProtocolConfigurationError(
                f"{file}: {key}: put each definition in its own file and $ref it by file name"
            )


def _prepare(file: Path, node: object, names: dict[str, str], path: tuple[str, ...]) -> object:
    """A copy of `node` with file `$ref`s pointed at definitions and descriptions wrapped."""
    if isinstance(node, list):
        return [_prepare(file, item, names, (*path, str(i))) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if path and path[-1] not in ("enum", "default", "examples", "const"):
        _refuse_inline_classes(file, node, path)
    prepared: dict[str, object] = {}
    for key, value in node.items():
        if key in ("$schema", "$id"):
            continue
        if key == "$ref":
            prepared[key] = _resolve_ref(file, value, names, path)
        elif key == "description" and isinstance(value, str):
            prepared[key] = textwrap.fill(value, _DOCSTRING_WIDTH)
        else:
            prepared[key] = _prepare(file, value, names, (*path, str(key)))
    return prepared


def _refuse_inline_classes(file: Path, node: dict[str, object], path: tuple[str, ...]) -> None:
    at = ".".join(path)
    if "enum" in node:
        raise ProtocolConfigurationError(
            f"{file}: {at}: inline enum; move it to its own schema file and $ref it by file name"
        )
    if "properties" in node:
        raise ProtocolConfigurationError(
            f"{file}: {at}: inline object; move it to its own schema file and $ref it by file name"
        )


def _resolve_ref(file: Path, ref: object, names: dict[str, str], path: tuple[str, ...]) -> str:
    if not isinstance(ref, str) or ref not in names:
        known = ", ".join(sorted(names))
        raise ProtocolConfigurationError(
            f"{file}: {'.'.join(path)}.$ref: {ref!r} is not a schema file of this folder; "
            f"use one of: {known}"
        )
    return f"#/$defs/{names[ref]}"


def _snake(class_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()
