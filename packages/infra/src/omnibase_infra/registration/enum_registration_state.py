from enum import StrEnum


class EnumRegistrationState(StrEnum):
    """Where a node is in its registration lifecycle (the reducer FSM's states)."""

    UNREGISTERED = "unregistered"
    AWAITING_ACK = "awaiting_ack"
    ACTIVE = "active"
    ACK_TIMED_OUT = "ack_timed_out"
    LIVENESS_EXPIRED = "liveness_expired"
    DEREGISTERED = "deregistered"

    @property
    def is_live(self) -> bool:
        """True while the node is registered (accepted or active)."""
        return self in (EnumRegistrationState.AWAITING_ACK, EnumRegistrationState.ACTIVE)
