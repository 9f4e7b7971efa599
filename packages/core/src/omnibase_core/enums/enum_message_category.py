from enum import StrEnum


class EnumMessageCategory(StrEnum):
    """What a message asks of its reader; the value is its topic segment (evt, cmd, intent)."""

    EVENT = "evt"
    COMMAND = "cmd"
    INTENT = "intent"
