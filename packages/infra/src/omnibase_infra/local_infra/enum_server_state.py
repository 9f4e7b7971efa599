from enum import StrEnum


class EnumServerState(StrEnum):
    """Where one local server stands, as `onex infra status` reports it."""

    READY = "ready"
    STARTING = "starting"
    STOPPED = "stopped"
    OTHER_SETTINGS = "other settings"
    STALE = "stale pid file"
    PORT_TAKEN = "port taken"
