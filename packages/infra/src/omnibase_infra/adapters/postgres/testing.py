"""An in-memory idempotency store with the PostgreSQL store's interface, for handler unit tests.

It has no transactions: a record stays even if the handler fails afterwards, so tests of
the all-or-nothing behaviour belong against the real store (`PostgresIdempotencyStore`).
"""

from datetime import UTC, datetime
from uuid import UUID


class InMemoryIdempotencyStore:
    """`ProtocolIdempotencyStore` in a dict; `processed` is there for assertions."""

    def __init__(self) -> None:
        self.processed: dict[tuple[str, UUID], datetime] = {}

    async def ensure_schema(self, *, correlation_id: UUID | None = None) -> None:
        """Nothing to create."""

    async def mark_processed(
        self, consumer: str, message_id: UUID, *, correlation_id: UUID | None = None
    ) -> bool:
        """Record `message_id` as processed by `consumer`; False if it already was."""
        if (consumer, message_id) in self.processed:
            return False
        self.processed[(consumer, message_id)] = datetime.now(UTC)
        return True

    async def is_processed(
        self, consumer: str, message_id: UUID, *, correlation_id: UUID | None = None
    ) -> bool:
        """Whether `consumer` has already processed `message_id`."""
        return (consumer, message_id) in self.processed

    async def forget_before(self, cutoff: datetime, *, correlation_id: UUID | None = None) -> int:
        """Drop records processed before `cutoff`; return how many."""
        old = [key for key, when in self.processed.items() if when < cutoff]
        for key in old:
            del self.processed[key]
        return len(old)
