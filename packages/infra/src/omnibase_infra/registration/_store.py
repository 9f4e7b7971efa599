"""The `node_registrations` projection in PostgreSQL: reads, fenced writes, heartbeats, claims."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.events import ModelIntent

from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.adapters.postgres import apply_migrations as _apply_migrations
from omnibase_infra.registration import _sql
from omnibase_infra.registration._rows import (
    DATA_COLUMNS,
    HEARTBEAT_COLUMNS,
    INTENTS,
    column_arrays,
    registration_from,
    state_from,
)
from omnibase_infra.registration.model_claimed_timeout import ModelClaimedTimeout
from omnibase_infra.registration.model_node_registration import ModelNodeRegistration
from omnibase_infra.registration.model_projection_write import ModelProjectionWrite

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATIONS_NAMESPACE = "node_registrations"


class PostgresRegistrationStore:
    """Reads and writes the node registry in PostgreSQL.

    A `ProtocolProjectionReader[ModelNodeRegistration]` for the orchestrator and the registry
    query, a `ProtocolProjectionWriter[ModelFsmState]` for the reducer (every write carries a
    version above the stored one, or changes nothing) and a `ProtocolTimeoutClaimer`.
    Deadlines only move forward: a write never makes `liveness_deadline`,
    `last_heartbeat_at` or `heartbeat_sequence` smaller than stored.

    Calls made inside `async with db.transaction():` join that transaction.
    """

    def __init__(
        self, db: PostgresPoolManager, *, reclaim_after: timedelta = timedelta(seconds=60)
    ) -> None:
        self._db = db
        self._reclaim_after = reclaim_after.total_seconds()

    @property
    def target_name(self) -> str:
        """The database the registry lives in (for `/ready`)."""
        return self._db.target_name

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when PostgreSQL answers (the node is ready only then)."""
        await self._db.ping(correlation_id=correlation_id)

    async def ensure_schema(self, *, correlation_id: UUID | None = None) -> None:
        """Create or migrate the registry tables and the processed-message table."""
        await _apply_migrations(
            self._db, MIGRATIONS, namespace=MIGRATIONS_NAMESPACE, correlation_id=correlation_id
        )
        await PostgresIdempotencyStore(self._db).ensure_schema(correlation_id=correlation_id)

    async def get(self, entity_id: str) -> ModelNodeRegistration | None:
        """The registration of one node (by node id), or None."""
        node_id = _node_id(entity_id)
        if node_id is None:
            return None
        record = await self._db.fetchrow(_sql.SELECT_ONE, node_id)
        return registration_from(record) if record is not None else None

    async def list_all(self, *, limit: int = 1000) -> Sequence[ModelNodeRegistration]:
        """Up to `limit` registrations, by node name then node id."""
        return [
            registration_from(record) for record in await self._db.fetch(_sql.SELECT_ALL, limit)
        ]

    async def load_states(
        self,
        node_ids: Iterable[UUID],
        *,
        for_update: bool = False,
        only: Iterable[str] | None = None,
    ) -> dict[UUID, tuple[ModelFsmState, int]]:
        """The FSM state and version of each stored node among `node_ids`.

        With `for_update` the rows stay locked until the enclosing transaction ends (in node
        id order, so two batches never deadlock); `only` limits the data keys loaded.
        """
        columns = tuple(DATA_COLUMNS if only is None else sorted(set(only) & DATA_COLUMNS.keys()))
        query = _sql.select_states(columns, for_update=for_update)
        records = await self._db.fetch(query, list(set(node_ids)))  # the SQL orders the locks
        return {record[0]: (state_from(record, columns), record[2]) for record in records}

    async def mark_and_load_states(
        self, consumer: str, message_ids: Sequence[UUID], node_ids: Iterable[UUID]
    ) -> tuple[set[UUID], dict[UUID, tuple[ModelFsmState, int]]]:
        """In one statement: record `message_ids` as processed by `consumer` (in
        `PostgresIdempotencyStore`'s table) and `load_states(node_ids, for_update=True)`;
        the ids newly recorded and the states."""
        columns = tuple(DATA_COLUMNS)
        query = _sql.mark_and_select_states(columns)
        records = await self._db.fetch(query, list(set(node_ids)), consumer, list(message_ids))
        fresh = set(records[0][-1] or ())
        rows = [record for record in records if record[0] is not None]
        return fresh, {row[0]: (state_from(row, columns), row[2]) for row in rows}

    async def upsert(self, entity_id: str, projection: ModelFsmState, *, version: int) -> bool:
        """Store one node's state if `version` is above the stored one; True if written."""
        write = ModelProjectionWrite(node_id=UUID(entity_id), state=projection, version=version)
        return bool(await self.upsert_many([write]))

    async def upsert_many(
        self,
        writes: Sequence[ModelProjectionWrite],
        *,
        outbox: tuple[str, Sequence[tuple[UUID, Sequence[ModelIntent]]]] | None = None,
    ) -> set[UUID]:
        """Store many states in one statement; return the node ids actually written.

        With `outbox` (consumer, entries) the same statement does `record_outbox`.
        """
        consumer, entries = outbox or ("", ())
        if not writes:
            await self.record_outbox(consumer, entries)
            return set()
        states = [write.state for write in writes]
        arrays: list[object] = [
            [write.node_id for write in writes],
            [state.name for state in states],
            *column_arrays([state.data for state in states]),
            [write.message_id for write in writes],
            [write.version for write in writes],
        ]
        if not entries:
            return await self._written(_sql.UPSERT, arrays)
        kept = [consumer, *_outbox(entries)]
        return await self._written(_sql.UPSERT_KEEPING_OUTBOX, [*arrays, *kept])

    async def apply_heartbeats(self, writes: Sequence[ModelProjectionWrite]) -> set[UUID]:
        """Store the heartbeat fields of active nodes in one UPDATE; return the ids written.

        Only `heartbeat_sequence`, `last_heartbeat_at` and `health` are taken from each state;
        a row changes only if it is active, `version` is above its own and the sequence above
        the stored one. The liveness deadline becomes the later of the stored one and the
        heartbeat time (at most the database's now) plus the node's liveness timeout.
        """
        if not writes:
            return set()
        arrays: list[object] = [
            [write.node_id for write in writes],
            *column_arrays([write.state.data for write in writes], HEARTBEAT_COLUMNS),
            [write.message_id for write in writes],
            [write.version for write in writes],
        ]
        return await self._written(_sql.APPLY_HEARTBEATS, arrays)

    async def advance_watermark(self, heartbeat_at: datetime) -> None:
        """Move the heartbeat watermark up to `heartbeat_at` (never past now, never back)."""
        await self._db.execute(_sql.ADVANCE_WATERMARK, heartbeat_at)

    async def watermark(self) -> datetime | None:
        """The heartbeat watermark, or None before the first heartbeat."""
        value = await self._db.fetchval(_sql.SELECT_WATERMARK)
        return value if isinstance(value, datetime) else None

    async def record_outbox(
        self, consumer: str, entries: Sequence[tuple[UUID, Sequence[ModelIntent]]]
    ) -> None:
        """Keep the intents each message (by id) caused until `forget_outbox` (one statement)."""
        if entries:
            await self._db.execute(_sql.RECORD_OUTBOX, consumer, *_outbox(entries))

    async def outbox(
        self, consumer: str, message_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[ModelIntent, ...]]:
        """The intents still in the outbox of those of `message_ids` that have an entry."""
        records = await self._db.fetch(_sql.SELECT_OUTBOX, consumer, list(message_ids))
        return {record[0]: INTENTS.validate_json(record[1]) for record in records}

    async def forget_outbox(
        self, consumer: str, message_ids: Sequence[UUID], *, older_than: timedelta
    ) -> None:
        """Drop the entries of `message_ids` (published) and every entry older than `older_than`."""
        await self._db.execute(
            _sql.DELETE_OUTBOX, consumer, list(message_ids), older_than.total_seconds()
        )

    async def claim_ack_timeouts(
        self, now: datetime, *, limit: int
    ) -> Sequence[ModelClaimedTimeout]:
        """Mark and return accepted nodes whose ack deadline passed before `now`.

        Rows another caller is claiming are skipped, not waited for; a claim that was not
        followed by its decision within `reclaim_after` can be claimed again.
        """
        records = await self._db.fetch(_sql.CLAIM_ACK, now, limit, self._reclaim_after)
        return [
            ModelClaimedTimeout(node_id=r["node_id"], deadline=r["deadline"], judged_at=now)
            for r in records
        ]

    async def claim_liveness_expiries(
        self, now: datetime, *, limit: int
    ) -> Sequence[ModelClaimedTimeout]:
        """Mark and return active nodes whose liveness deadline is before the heartbeat
        watermark (or `now`, if that is earlier)."""
        records = await self._db.fetch(_sql.CLAIM_LIVENESS, now, limit, self._reclaim_after)
        return [
            ModelClaimedTimeout(
                node_id=r["node_id"], deadline=r["deadline"], judged_at=r["judged_at"]
            )
            for r in records
        ]

    async def _written(self, query: str, arrays: list[object]) -> set[UUID]:
        records = await self._db.fetch(query, *arrays)
        return {record["node_id"] for record in records}


def _outbox(entries: Sequence[tuple[UUID, Sequence[ModelIntent]]]) -> list[object]:
    """The message ids and the intents (as JSON text) of outbox entries, as two arrays."""
    ids = [message_id for message_id, _ in entries]
    return [ids, [INTENTS.dump_json(tuple(caused)).decode() for _, caused in entries]]


def _node_id(entity_id: str) -> UUID | None:
    try:
        return UUID(entity_id)
    except ValueError:
        return None
