"""Find a node's folder (a path or a service name) and import its declarative node class."""

import importlib
import re
import sys
import types
from pathlib import Path

from omnibase_core.nodes import NodeCompute, NodeEffect, NodeOrchestrator, NodeReducer

from omnibase_infra.errors import ProtocolConfigurationError

NodeClass = type[NodeEffect] | type[NodeCompute] | type[NodeReducer] | type[NodeOrchestrator]
_ARCHETYPES = (NodeEffect, NodeCompute, NodeReducer, NodeOrchestrator)
_NEEDED = ("contract.yaml", "node.py")


def resolve_node_dir(target: str | Path, *, search_from: Path | None = None) -> Path:
    """The folder of `target`: a path to a node folder, or a name under `services/`."""
    path = Path(target).expanduser()
    if path.is_dir():
        return _checked(path.resolve())
    start = (search_from or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "services" / str(target)
        if candidate.is_dir():
            return _checked(candidate)
    raise ProtocolConfigurationError(
        f"no node folder or service named {str(target)!r}: give a folder holding "
        f"{' and '.join(_NEEDED)}, or a name from services/ ({_services_near(start)})",
        setting="target",
    )


def load_node_class(node_dir: Path) -> NodeClass:
    """Import `node_dir/node.py` as part of its package and return the node class in it."""
    module = importlib.import_module(f"{_package_for(node_dir)}.node")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, _ARCHETYPES)
        and value not in _ARCHETYPES
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        names = ", ".join(cls.__name__ for cls in found) or "none"
        raise ProtocolConfigurationError(
            f"{node_dir / 'node.py'} must define exactly one node class extending NodeEffect, "
            f"NodeCompute, NodeReducer or NodeOrchestrator (found: {names})",
            setting="node.py",
        )
    return found[0]


def _checked(folder: Path) -> Path:
    # A uv workspace member keeps its node in its package: services/<name>/src/<pkg>/.
    packaged = [
        p.parent for p in folder.glob("src/*/contract.yaml") if (p.parent / "node.py").is_file()
    ]
    if not (folder / "contract.yaml").is_file() and len(packaged) == 1:
        return packaged[0]
    missing = [name for name in _NEEDED if not (folder / name).is_file()]
    if missing:
        raise ProtocolConfigurationError(
            f"{folder} is not a node folder: {' and '.join(missing)} missing",
            setting="target",
        )
    return folder


def _package_for(node_dir: Path) -> str:
    """The dotted package of `node_dir`, importable from here on."""
    parts: list[str] = []
    folder = node_dir
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    if parts:
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
        return ".".join(parts)
    # A bare folder (services/<name>/ may have a dash in its name): make it a package.
    name = "onex_node_" + re.sub(r"\W", "_", node_dir.name)
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(node_dir)]
        sys.modules[name] = package
    return name


def _services_near(start: Path) -> str:
    for folder in (start, *start.parents):
        services = folder / "services"
        if services.is_dir():
            names = sorted(p.name for p in services.iterdir() if _is_service(p))
            return "services: " + (", ".join(names) or "none yet")
    return "no services/ folder found"


def _is_service(folder: Path) -> bool:
    return (folder / "contract.yaml").is_file() or any(folder.glob("src/*/contract.yaml"))
