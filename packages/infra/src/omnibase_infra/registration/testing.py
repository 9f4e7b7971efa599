"""Test doubles for the registry: an in-memory store that reads and claims like the real one."""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from omnibase_infra.registration.enum_registration_state import EnumRegistrationState
from omnibase_infra.registration.model_claimed_timeout import ModelClaimedTimeout
from omnibase_infra.registration.model_node_registration import ModelNodeRegistration

_Deadline = Callable[[ModelNodeRegistration], datetime | None]


class InMemoryRegistrationStore:
    """A fake of `PostgresRegistrationStore` for handler tests: rows in a dict.

    Implements `ProtocolProjectionReader[ModelNodeRegistration]` and `ProtocolTimeoutClaimer`
    with the same rules (claim markers, reclaim after a while, liveness judged against the
    heartbeat watermark); `put` and `set_watermark` arrange the state a test needs.
    """

    def __init__(self, *, reclaim_after: timedelta = timedelta(seconds=60)) -> None:
        self.rows: dict[UUID, ModelNodeRegistration] = {}
        self.heartbeat_watermark: datetime | None = None
        self._reclaim_after = reclaim_after

    def put(self, registration: ModelNodeRegistration) -> None:
        """Store (or replace) one row."""
        self.rows[registration.node_id] = registration

    def set_watermark(self, watermark: datetime) -> None:
        """Set the heartbeat watermark (the newest heartbeat time applied)."""
        self.heartbeat_watermark = watermark

    async def get(self, entity_id: str) -> ModelNodeRegistration | None:
        try:
            return self.rows.get(UUID(entity_id))
        except ValueError:
            return None

    async def list_all(self, *, limit: int = 1000) -> Sequence[ModelNodeRegistration]:
        rows = sorted(self.rows.values(), key=lambda row: (row.name or "\uffff", row.node_id))
        return rows[:limit]

    async def claim_ack_timeouts(
        self, now: datetime, *, limit: int
    ) -> Sequence[ModelClaimedTimeout]:
        return self._claim(
            EnumRegistrationState.AWAITING_ACK,
            judged_at=now,
            now=now,
            limit=limit,
            deadline=lambda row: row.ack_deadline,
            marker="ack_timeout_emitted_at",
        )

    async def claim_liveness_expiries(
        self, now: datetime, *, limit: int
    ) -> Sequence[ModelClaimedTimeout]:
        if self.heartbeat_watermark is None:
            return []
        return self._claim(
            EnumRegistrationState.ACTIVE,
            judged_at=min(self.heartbeat_watermark, now),
            now=now,
            limit=limit,
            deadline=lambda row: row.liveness_deadline,
            marker="liveness_timeout_emitted_at",
        )

    def _claim(
        self,
        state: EnumRegistrationState,
        *,
        judged_at: datetime,
        now: datetime,
        limit: int,
        deadline: _Deadline,
        marker: str,
    ) -> list[ModelClaimedTimeout]:
        due = []
        for row in self.rows.values():
            when = deadline(row)
            claimed_at: datetime | None = getattr(row, marker)
            free = claimed_at is None or claimed_at < now - self._reclaim_after
            if row.state is state and when is not None and when < judged_at and free:
                due.append((when, row))
        due.sort(key=lambda item: item[0])
        claimed = []
        for when, row in due[:limit]:
            self.rows[row.node_id] = row.model_copy(update={marker: now})
            claimed.append(
                ModelClaimedTimeout(node_id=row.node_id, deadline=when, judged_at=judged_at)
            )
        return claimed
