"""Start the local servers a command needs, when the settings point at this machine."""

from collections.abc import Callable

from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.local_infra import EnumServerState, stack_status, start_stack

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# Servers in these states are started (or waited for); the others run or are not ours.
_TO_START = (EnumServerState.STOPPED, EnumServerState.STALE, EnumServerState.STARTING)


def uses_local_stack(settings: ModelOnexSettings) -> bool:
    """Whether every server the settings name listens on this machine (the local stack)."""
    hosts = {
        section.host
        for section in (
            settings.kafka,
            settings.postgres,
            settings.valkey,
            settings.consul,
            settings.vault,
        )
    }
    return hosts <= _LOOPBACK


def ensure_local_stack(settings: ModelOnexSettings, say: Callable[[str], None]) -> None:
    """Start the local servers that are not running and wait until they are ready.

    Does nothing when the settings point at other machines (a deployment). Servers that run
    with other settings, or whose port something else holds, are left alone. Raises
    `LocalInfraError` (one line per cause) when a server cannot start.
    """
    if not uses_local_stack(settings):
        return
    rows = stack_status(settings)
    missing = [row.name for row in rows if row.state in _TO_START]
    if not missing:
        say(f"local infrastructure up: {', '.join(row.name for row in rows)}")
        return
    say(
        f"starting local infrastructure: {', '.join(missing)} "
        "(the first start downloads and builds; later ones take seconds)"
    )
    start_stack(settings, say, missing)
    say("local infrastructure ready")
