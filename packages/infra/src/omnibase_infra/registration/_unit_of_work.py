"""One PostgreSQL transaction per reducer batch: fold the messages, store rows and records."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.models.generated import ModelNodeHeartbeat
from omnibase_core.nodes import NodeReducer
from omnibase_spi import ProtocolIdempotencyStore

from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import ModelInfraErrorContext
from omnibase_infra.registration._rows import TABLE, check_fsm_keys
from omnibase_infra.registration._store import PostgresRegistrationStore
from omnibase_infra.registration.errors import ProjectionConflictError
from omnibase_infra.registration.model_projection_write import ModelProjectionWrite

Envelope = ModelEventEnvelope[object]
HEARTBEAT = ModelNodeHeartbeat.__name__


@dataclass
class _Row:
    """One node's state while a batch is folded into it."""

    state: ModelFsmState | None
    version: int
    changed: bool = False
    heartbeats_only: bool = True
    message_id: UUID | None = None


class RegistrationUnitOfWork:
    """Applies a batch of messages to the registration reducer and its projection atomically.

    In one transaction: record each decision as processed (a redelivered one is skipped),
    lock and load the rows of every node in the batch, fold the messages in order through
    the reducer node (its contract FSM), store the changed rows (heartbeat-only changes with
    one narrow UPDATE, the rest with one upsert) and advance the heartbeat watermark. The
    intents are returned only after the commit; publish them, then commit the offsets.

    Heartbeats are not recorded as processed: their sequence fences them.
    """

    def __init__(
        self,
        db: PostgresPoolManager,
        store: PostgresRegistrationStore,
        idempotency: ProtocolIdempotencyStore,
        *,
        consumer: str,
    ) -> None:
        self._db = db
        self._store = store
        self._idempotency = idempotency
        self._consumer = consumer

    def check(self, node: NodeReducer) -> None:
        """Refuse a reducer whose FSM updates data the projection has no column for."""
        fsm = node.contract.fsm
        keys = {key for t in fsm.transitions for key in t.update} if fsm else set()
        check_fsm_keys(keys, str(node.contract_path))

    async def apply(self, node: NodeReducer, envelopes: Sequence[Envelope]) -> list[ModelIntent]:
        """Fold `envelopes` (in order) and persist the result; return the intents to publish."""
        if not envelopes:
            return []
        correlation_id = envelopes[0].correlation_id
        async with self._db.transaction(correlation_id=correlation_id):
            fresh = [envelope for envelope in envelopes if await self._is_new(envelope)]
            ids = {_node_id(envelope) for envelope in fresh}
            loaded = await self._store.load_states(ids, for_update=True)
            rows = {
                node_id: _Row(*loaded[node_id]) if node_id in loaded else _Row(None, 0)
                for node_id in ids
            }
            intents = [intent for env in fresh for intent in await self._fold(node, env, rows)]
            await self._store_rows(rows, correlation_id)
            newest = _newest_heartbeat(envelopes)
            if newest is not None:
                await self._store.advance_watermark(newest)
        return intents

    async def _is_new(self, envelope: Envelope) -> bool:
        if envelope.message_type == HEARTBEAT:
            return True
        return await self._idempotency.mark_processed(self._consumer, envelope.message_id)

    async def _fold(
        self, node: NodeReducer, envelope: Envelope, rows: dict[UUID, _Row]
    ) -> tuple[ModelIntent, ...]:
        row = rows[_node_id(envelope)]
        output = await node.handle(envelope, projection=row.state)
        before = row.state if row.state is not None else _initial(node)
        if not isinstance(output.projection, ModelFsmState) or output.projection == before:
            return output.intents  # the FSM rejected the message, or it changed nothing
        row.state = output.projection
        row.changed = True
        row.heartbeats_only &= envelope.message_type == HEARTBEAT
        row.message_id = envelope.message_id
        return output.intents

    async def _store_rows(self, rows: dict[UUID, _Row], correlation_id: UUID) -> None:
        heartbeats: list[ModelProjectionWrite] = []
        others: list[ModelProjectionWrite] = []
        for node_id, row in rows.items():
            if not row.changed or row.state is None:
                continue
            write = ModelProjectionWrite(
                node_id=node_id, state=row.state, version=row.version + 1, message_id=row.message_id
            )
            (heartbeats if row.heartbeats_only and row.version else others).append(write)
        written = await self._store.apply_heartbeats(heartbeats)
        written |= await self._store.upsert_many(others)
        lost = len(heartbeats) + len(others) - len(written)
        if lost:
            raise ProjectionConflictError(
                f"{lost} {TABLE} row(s) changed under this batch; it is rolled back and retried",
                ModelInfraErrorContext(
                    transport_type=EnumInfraTransportType.DATABASE,
                    operation="store_projection",
                    correlation_id=correlation_id,
                    target_name=TABLE,
                ),
            )


def _initial(node: NodeReducer) -> ModelFsmState | None:
    return node.engine.initial_state() if node.engine is not None else None


def _node_id(envelope: Envelope) -> UUID:
    try:
        return UUID(envelope.entity_id)
    except ValueError:
        raise ValueError(
            f"{envelope.message_type} {envelope.message_id}: entity_id "
            f"{envelope.entity_id[:64]!r} is not a node id (a UUID); the producer must key "
            "registration messages by node id"
        ) from None


def _newest_heartbeat(envelopes: Sequence[Envelope]) -> datetime | None:
    """The latest heartbeat time in the batch (stale ones too: they show the pipeline moved)."""
    times = [
        envelope.payload.emitted_at
        for envelope in envelopes
        if isinstance(envelope.payload, ModelNodeHeartbeat)
    ]
    return max(times, default=None)
