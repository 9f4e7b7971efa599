from enum import StrEnum


class EnumNodeOutputType(StrEnum):
    """The kinds of output a handler may return; each archetype allows only some of them."""

    EVENT = "event"
    COMMAND = "command"
    INTENT = "intent"
    PROJECTION = "projection"
    RESULT = "result"
