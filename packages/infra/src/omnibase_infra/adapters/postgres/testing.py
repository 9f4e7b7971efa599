"""Test support: an in-memory idempotency store, and throwaway databases on a real server.

The in-memory store has no transactions: a record stays even if the handler fails
afterwards, so tests of the all-or-nothing behaviour belong against the real store
(`PostgresIdempotencyStore`).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import UUID, uuid4

from omnibase_infra.adapters.postgres._pool import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings


@asynccontextmanager
async def scratch_database(settings: ModelOnexSettings, prefix: str) -> AsyncIterator[str]:
    """The name of a new, empty database `<prefix>_<random>`, dropped (sessions and all) after."""
    name = f"{prefix}_{uuid4().hex[:12]}"
    async with PostgresPoolManager.from_settings(settings) as admin:
        await admin.execute(f"CREATE DATABASE {name}")
        try:
            yield name
        finally:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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
