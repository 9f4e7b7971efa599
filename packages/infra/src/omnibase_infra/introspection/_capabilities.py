"""Which public methods of a node class count as capabilities, found by reflection.

A method is reported only when it is public, is not a utility (`get_*`, `set_*`,
`initialize*`, `start_*`, `stop_*`), matches none of the node's extra excluded prefixes, and
one of its `_`-separated words is an operation keyword.
"""

import inspect
import re
from collections.abc import Iterable, Mapping
from types import FunctionType

from omnibase_core.models.generated import EnumNodeType

OPERATION_KEYWORDS = frozenset({"execute", "handle", "process", "run", "invoke", "call"})
NODE_TYPE_KEYWORDS: Mapping[EnumNodeType, frozenset[str]] = {
    EnumNodeType.EFFECT: frozenset({"fetch", "send", "store", "write", "read", "query"}),
    EnumNodeType.COMPUTE: frozenset({"compute", "transform", "calculate", "convert", "validate"}),
    EnumNodeType.REDUCER: frozenset({"reduce", "aggregate", "fold", "project"}),
    EnumNodeType.ORCHESTRATOR: frozenset({"orchestrate", "coordinate", "schedule", "dispatch"}),
}
UTILITY_PREFIXES = ("get_", "set_", "initialize", "start_", "stop_")


def public_methods(cls: type, *, skip: frozenset[str]) -> dict[str, str]:
    """Name -> signature of every public method of `cls` (inherited ones too) not in `skip`.

    Signatures show parameter names and the bare names of their types, never module paths.
    """
    found: dict[str, str] = {}
    for name, value in inspect.getmembers_static(cls):
        if name.startswith("_") or name in skip:
            continue
        function = value.__func__ if isinstance(value, staticmethod | classmethod) else value
        if inspect.isfunction(function):
            found[name] = _signature(name, function)
    return found


def select_capabilities(
    names: Iterable[str],
    *,
    node_type: EnumNodeType | None,
    exclude_prefixes: Iterable[str] = (),
) -> list[str]:
    """The sorted names among `names` that pass every filter (see the module docstring)."""
    extra = NODE_TYPE_KEYWORDS[node_type] if node_type is not None else frozenset()
    keywords = OPERATION_KEYWORDS | extra
    refused = (*UTILITY_PREFIXES, *exclude_prefixes)
    return sorted(
        name
        for name in names
        if not name.startswith("_")
        and not name.startswith(refused)
        and not keywords.isdisjoint(name.split("_"))
    )


def _signature(name: str, function: FunctionType) -> str:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return f"{name}(...)"
    params = [
        _annotated(param.name, param.annotation)
        for param in signature.parameters.values()
        if param.name not in ("self", "cls")
    ]
    text = f"{name}({', '.join(params)})"
    if signature.return_annotation is not inspect.Signature.empty:
        text += f" -> {_type_name(signature.return_annotation)}"
    return text


def _annotated(name: str, annotation: object) -> str:
    if annotation is inspect.Parameter.empty:
        return name
    return f"{name}: {_type_name(annotation)}"


_DOTTED = re.compile(r"(?:\w+\.)+(\w+)")


def _type_name(annotation: object) -> str:
    """`NodeInput`, `list[NodeInput] | None`: type names without the modules that hold them."""
    if isinstance(annotation, type):
        text = annotation.__qualname__
    elif isinstance(annotation, str):
        text = annotation
    else:
        text = repr(annotation)
    return _DOTTED.sub(r"\1", text)
