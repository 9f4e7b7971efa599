"""A load-time scan of COMPUTE and REDUCER handler modules for clock reads and I/O."""

import ast
import inspect

_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "monotonic_ns"),
    ("time", "perf_counter"),
}
_IO_MODULES = {
    "aiohttp", "aiokafka", "asyncpg", "consul", "http", "httpx", "hvac", "psycopg",
    "redis", "requests", "socket", "sqlite3", "ssl", "subprocess", "urllib",
}  # fmt: skip


def impurities(handler: type) -> list[str]:
    """Clock reads and I/O in the module defining `handler`, as `file:LINE: what` strings."""
    module = inspect.getmodule(handler)
    if module is None:
        return []
    try:
        source, file = inspect.getsource(module), inspect.getfile(module)
    except (OSError, TypeError):
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        what = _clock(node) or _io(node)
        if what:
            found.append(f"{file}:{getattr(node, 'lineno', '?')}: {what}")
    return found


def _clock(node: ast.AST) -> str | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    if (owner_name, node.func.attr) in _CLOCK_CALLS:
        return f"reads the clock ({owner_name}.{node.func.attr})"
    return None


def _io(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
        return "opens a file"
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module]
    else:
        return None
    for name in names:
        if name.split(".")[0] in _IO_MODULES:
            return f"imports {name} (I/O)"
    return None
