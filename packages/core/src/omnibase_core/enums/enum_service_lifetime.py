from enum import StrEnum


class EnumServiceLifetime(StrEnum):
    """How often the container runs a registered factory."""

    SINGLETON = "singleton"  # once, then the same instance for everyone
    FACTORY = "factory"  # on every resolve
