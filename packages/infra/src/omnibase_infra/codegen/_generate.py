"""Renders the modules of one schema folder: one module per class, plus `__init__.py`."""

from omnibase_core.errors import ContractFieldError

from omnibase_infra.codegen._format import format_sources
from omnibase_infra.codegen._render import (
    HEADER,
    LONG_LINES,
    render_enum,
    render_init,
    render_model,
)
from omnibase_infra.codegen._schemas import SchemaSet
from omnibase_infra.errors import ProtocolConfigurationError


def render(schemas: SchemaSet, *, source: str) -> dict[str, str]:
    """Generate the package for `schemas`: file name -> formatted source."""
    header = HEADER.format(source=source)
    modules = schemas.module_paths()
    files = {"__init__.py": render_init(header, modules)}
    for name, schema in schemas.definitions.items():
        module, class_name = modules[name].rsplit(".", 1)
        try:
            if "enum" in schema:
                text = render_enum(class_name, schema, header)
            else:
                text = render_model(class_name, schema, header, modules)
        except ContractFieldError as exc:
            raise ProtocolConfigurationError(f"{source}/{schemas.files[name]}: {exc}") from exc
        files[f"{module}.py"] = text
    return {name: _allow_long_lines(text) for name, text in format_sources(files).items()}


def _allow_long_lines(text: str) -> str:
    """Mark a file whose formatted lines still pass 100 columns (long regular expressions)."""
    if all(len(line) <= 100 for line in text.splitlines()):
        return text
    header, rest = text.split("\n", 1)
    return f"{header}\n{LONG_LINES}{rest}"
