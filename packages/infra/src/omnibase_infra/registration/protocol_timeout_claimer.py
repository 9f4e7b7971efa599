from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from omnibase_infra.registration.model_claimed_timeout import ModelClaimedTimeout


@runtime_checkable
class ProtocolTimeoutClaimer(Protocol):
    """Claims due registration timeouts so that exactly one caller emits each of them."""

    async def claim_ack_timeouts(
        self, now: datetime, *, limit: int
    ) -> Sequence[ModelClaimedTimeout]:
        """Mark and return accepted nodes whose ack deadline passed before `now`."""
        ...

    async def claim_liveness_expiries(
        self, now: datetime, *, limit: int
    ) -> Sequence[ModelClaimedTimeout]:
        """Mark and return active nodes whose liveness deadline passed the heartbeat watermark
        (never judged later than `now`)."""
        ...
