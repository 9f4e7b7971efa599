"""Which messages each consumer has processed, kept in PostgreSQL beside the data they changed."""

from datetime import datetime
from pathlib import Path
from uuid import UUID

from omnibase_infra.adapters.postgres._migrations import apply_migrations
from omnibase_infra.adapters.postgres._pool import PostgresPoolManager

SCHEMA_FOLDER = Path(__file__).parent / "migrations"
SCHEMA_NAMESPACE = "onex_idempotency"


class PostgresIdempotencyStore:
    """`ProtocolIdempotencyStore` on the table `onex_processed_messages`.

    Call it inside the handler's `async with db.transaction():` so the processed-message
    record commits or rolls back with the handler's own writes:

        async with db.transaction():
            if await store.mark_processed("registration-reducer", envelope.message_id):
                await projections.upsert(...)

    A concurrent duplicate waits for the first transaction and then sees it as processed.
    """

    def __init__(self, db: PostgresPoolManager) -> None:
        self._db = db

    async def ensure_schema(self, *, correlation_id: UUID | None = None) -> None:
        """Create the table if needed (a migration; safe to call from every replica at start)."""
        await apply_migrations(
            self._db, SCHEMA_FOLDER, namespace=SCHEMA_NAMESPACE, correlation_id=correlation_id
        )

    async def mark_processed(
        self, consumer: str, message_id: UUID, *, correlation_id: UUID | None = None
    ) -> bool:
        """Record `message_id` as processed by `consumer`; False if it already was."""
        inserted = await self._db.fetchval(
            "INSERT INTO onex_processed_messages (consumer, message_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING true",
            consumer,
            message_id,
            correlation_id=correlation_id,
        )
        return inserted is True

    async def is_processed(
        self, consumer: str, message_id: UUID, *, correlation_id: UUID | None = None
    ) -> bool:
        """Whether `consumer` has already processed `message_id`."""
        found = await self._db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM onex_processed_messages "
            "WHERE consumer = $1 AND message_id = $2)",
            consumer,
            message_id,
            correlation_id=correlation_id,
        )
        return found is True

    async def forget_before(self, cutoff: datetime, *, correlation_id: UUID | None = None) -> int:
        """Drop records processed before `cutoff` (older than any possible redelivery)."""
        status = await self._db.execute(
            "DELETE FROM onex_processed_messages WHERE processed_at < $1",
            cutoff,
            correlation_id=correlation_id,
        )
        return int(status.split()[-1])
