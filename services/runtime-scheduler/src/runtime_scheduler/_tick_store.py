"""Clocks' state in PostgreSQL: one row per clock, fenced by a leader epoch."""

from datetime import datetime
from pathlib import Path

from omnibase_core.models.generated import ModelRuntimeTick
from omnibase_infra.adapters.postgres import PostgresPoolManager, apply_migrations

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_NAMESPACE = "runtime-scheduler"

_CLAIM = """
INSERT INTO onex_runtime_ticks (name, epoch, holder) VALUES ($1, 1, $2)
ON CONFLICT (name) DO UPDATE SET epoch = onex_runtime_ticks.epoch + 1, holder = EXCLUDED.holder
RETURNING epoch
"""
# GREATEST skips NULL, so the first tick takes `now` as it is.
_ADVANCE = """
UPDATE onex_runtime_ticks SET issued = issued + 1, last_now = GREATEST(last_now, $3)
WHERE name = $1 AND epoch = $2
RETURNING issued - 1 AS sequence, last_now
"""


class PostgresTickStore:
    """`ProtocolTickStore` on PostgreSQL (table `onex_runtime_ticks`).

    `claim` bumps the clock's epoch; `advance` issues a tick only while the row still
    carries the caller's epoch, in one UPDATE, so a replica fenced out by a successor gets
    None and can never issue a repeated sequence or an earlier time. Commits are durable,
    so the sequence and the last time survive restarts of every replica and of the server.
    """

    def __init__(self, db: PostgresPoolManager) -> None:
        self._db = db

    async def migrate(self) -> None:
        """Create or update the table (safe to run from every replica at start)."""
        await apply_migrations(self._db, MIGRATIONS, namespace=MIGRATION_NAMESPACE)

    async def claim(self, name: str, owner: str) -> int:
        """Make `owner` the only issuer of clock `name`; returns its new epoch."""
        epoch = await self._db.fetchval(_CLAIM, name, owner)
        assert isinstance(epoch, int)  # RETURNING of a bigint NOT NULL column
        return epoch

    async def advance(
        self, name: str, owner: str, epoch: int, now: datetime
    ) -> ModelRuntimeTick | None:
        """The next tick, or None when a later claim has fenced `epoch` out."""
        row = await self._db.fetchrow(_ADVANCE, name, epoch, now)
        if row is None:
            return None
        return ModelRuntimeTick(sequence=row["sequence"], now=row["last_now"], scheduler_id=owner)
