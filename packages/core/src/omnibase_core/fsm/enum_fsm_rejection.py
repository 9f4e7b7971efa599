from enum import StrEnum


class EnumFsmRejection(StrEnum):
    """Why an event did not move the machine (the state is left unchanged)."""

    UNKNOWN_STATE = "unknown_state"  # the given state is not declared
    TERMINAL_STATE = "terminal_state"  # the machine has finished
    UNKNOWN_TRIGGER = "unknown_trigger"  # no transition on this trigger from this state
    GUARD_FAILED = "guard_failed"  # transitions exist but none of their guards held
