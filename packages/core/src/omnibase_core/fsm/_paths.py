"""Field paths such as `event.payload.node_id` or `state.data.last_sequence`."""

from collections.abc import Mapping

# The attributes of ModelFsmEvent and ModelFsmState a path may start with.
PATH_ROOTS: dict[str, frozenset[str]] = {
    "event": frozenset({"trigger", "payload"}),
    "state": frozenset({"name", "data"}),
}

_MISSING = object()


def check_path(path: str) -> str | None:
    """Return why `path` is not a valid field path, or None when it is."""
    parts = path.split(".")
    root, attrs = parts[0], PATH_ROOTS.get(parts[0])
    if attrs is None:
        return f"path {path!r} must start with 'event.' or 'state.'"
    if len(parts) < 2 or parts[1] not in attrs:
        allowed = ", ".join(f"{root}.{attr}" for attr in sorted(attrs))
        return f"path {path!r} must continue with one of: {allowed}"
    if any(not part for part in parts):
        return f"path {path!r} has an empty segment"
    return None


def resolve(root: object, parts: tuple[str, ...]) -> object:
    """Follow attribute or mapping keys from `root`; a missing step yields None."""
    value = root
    for part in parts:
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        else:
            value = getattr(value, part, _MISSING)
        if value is _MISSING:
            return None
    return value
