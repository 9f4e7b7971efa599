"""Python annotations for JSON Schema property types, constraints kept inline (`Annotated`)."""

from dataclasses import dataclass, field

from omnibase_core.errors import ContractFieldError

REF_PREFIX = "#/$defs/"
_NOTES = frozenset({"description", "title", "examples", "$comment", "default", "deprecated"})
_KEYWORDS: dict[str, frozenset[str]] = {
    "string": frozenset({"format", "pattern", "minLength", "maxLength"}),
    "integer": frozenset(
        {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    ),
    "boolean": frozenset(),
    "array": frozenset({"items", "minItems", "maxItems"}),
    "object": frozenset(
        {"additionalProperties", "propertyNames", "minProperties", "maxProperties"}
    ),
}
_KEYWORDS["number"] = _KEYWORDS["integer"]
_CONSTRAINTS = {
    "pattern": "pattern",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minimum": "ge",
    "exclusiveMinimum": "gt",
    "maximum": "le",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
    "minItems": "min_length",
    "maxItems": "max_length",
    "minProperties": "min_length",
    "maxProperties": "max_length",
}
_FORMATS = {
    "uuid": ("uuid", "UUID"),
    "date-time": ("pydantic", "AwareDatetime"),
    "date": ("datetime", "date"),
    "duration": ("datetime", "timedelta"),
}
_PRIMITIVES = {"integer": "int", "number": "float", "boolean": "bool"}


def schema_error(where: str, reason: str) -> ContractFieldError:
    """An error at `where` (a dotted path inside one schema file)."""
    return ContractFieldError(tuple(where.split(".")), reason)


@dataclass
class Imports:
    """The names a module imports, by module (relative ones start with a dot)."""

    names: dict[str, set[str]] = field(default_factory=dict)

    def add(self, module: str, name: str) -> str:
        self.names.setdefault(module, set()).add(name)
        return name


def annotation(
    schema: dict[str, object], where: str, imports: Imports, modules: dict[str, str]
) -> str:
    """The annotation of one property schema; `modules` maps definition names to modules."""
    if "$ref" in schema:
        return _ref(schema, where, imports, modules)
    if "const" in schema:
        return f"{imports.add('typing', 'Literal')}[{literal(schema['const'])}]"
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return _union(schema[union], f"{where}.{union}", imports, modules)
    kind, nullable = _kind(schema, where)
    _check_keywords(schema, kind, where)
    text = _base(kind, schema, where, imports, modules)
    constraints = [
        f"{_CONSTRAINTS[key]}={literal(schema[key])}" for key in _CONSTRAINTS if key in schema
    ]
    if constraints:
        imports.add("typing", "Annotated")
        text = f"Annotated[{text}, {imports.add('pydantic', 'Field')}({', '.join(constraints)})]"
    return f"{text} | None" if nullable else text


def literal(value: object) -> str:
    """Python source for a JSON value; regular expressions become raw strings."""
    if isinstance(value, str) and "\\" in value and '"' not in value and not value.endswith("\\"):
        return f'r"{value}"'
    return repr(value)


def _ref(schema: dict[str, object], where: str, imports: Imports, modules: dict[str, str]) -> str:
    extra = set(schema) - {"$ref"} - _NOTES
    if extra:
        raise schema_error(where, f"$ref takes no other keywords ({', '.join(sorted(extra))})")
    name = str(schema["$ref"]).removeprefix(REF_PREFIX)
    module, class_name = modules[name].rsplit(".", 1)
    return imports.add(f".{module}", class_name)


def _union(options: object, where: str, imports: Imports, modules: dict[str, str]) -> str:
    if not isinstance(options, list) or not options:
        raise schema_error(where, "must be a non-empty list of schemas")
    parts = []
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            raise schema_error(f"{where}.{index}", "must be a schema")
        part = (
            "None"
            if option == {"type": "null"}
            else annotation(option, f"{where}.{index}", imports, modules)
        )
        parts.append(part)
    return " | ".join(parts)


def _kind(schema: dict[str, object], where: str) -> tuple[str, bool]:
    kind = schema.get("type")
    nullable = False
    if isinstance(kind, list) and "null" in kind and len(kind) == 2:
        nullable, kind = True, next(k for k in kind if k != "null")
    if kind not in _KEYWORDS:
        shown = "missing" if kind is None else repr(kind)
        raise schema_error(
            where,
            f"type is {shown}; use one of {', '.join(_KEYWORDS)} (or [<type>, 'null']) or a $ref",
        )
    return str(kind), nullable


def _check_keywords(schema: dict[str, object], kind: str, where: str) -> None:
    unknown = set(schema) - {"type"} - _NOTES - _KEYWORDS[kind]
    if unknown:
        supported = ", ".join(sorted(_KEYWORDS[kind])) or "none"
        raise schema_error(
            where,
            f"unsupported keyword(s) {', '.join(sorted(unknown))} for a {kind}"
            f" (supported: {supported})",
        )


def _base(
    kind: str, schema: dict[str, object], where: str, imports: Imports, modules: dict[str, str]
) -> str:
    if kind == "string":
        return _string(schema, where, imports)
    if kind == "array":
        items = schema.get("items")
        if not isinstance(items, dict):
            raise schema_error(where, "an array needs `items` (a schema)")
        return f"list[{annotation(items, f'{where}.items', imports, modules)}]"
    if kind == "object":
        return _map(schema, where, imports, modules)
    return _PRIMITIVES[kind]


def _string(schema: dict[str, object], where: str, imports: Imports) -> str:
    fmt = schema.get("format")
    if fmt is None:
        return "str"
    if fmt not in _FORMATS:
        raise schema_error(where, f"unsupported format {fmt!r} (supported: {', '.join(_FORMATS)})")
    if set(schema) & {"pattern", "minLength", "maxLength"}:
        raise schema_error(where, f"format {fmt!r} takes no pattern or length")
    module, name = _FORMATS[str(fmt)]
    return imports.add(module, name)


def _map(schema: dict[str, object], where: str, imports: Imports, modules: dict[str, str]) -> str:
    values = schema.get("additionalProperties", True)
    if values is True or values == {}:
        value = "object"
    elif isinstance(values, dict):
        value = annotation(values, f"{where}.additionalProperties", imports, modules)
    else:
        raise schema_error(
            where,
            "a map's additionalProperties must be a schema (inline objects need their own file)",
        )
    key = "str"
    names = schema.get("propertyNames")
    if isinstance(names, dict):
        if set(names) - {"pattern", "minLength", "maxLength"} - _NOTES:
            raise schema_error(
                f"{where}.propertyNames", "only pattern, minLength and maxLength are supported"
            )
        key = annotation({"type": "string", **names}, f"{where}.propertyNames", imports, modules)
    return f"dict[{key}, {value}]"
