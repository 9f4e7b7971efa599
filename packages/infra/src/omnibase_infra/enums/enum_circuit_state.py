from enum import StrEnum


class EnumCircuitState(StrEnum):
    """Where a circuit breaker stands: letting calls through, refusing them, or probing."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"
