"""One PostgreSQL transaction per reducer batch: fold the messages, store rows and records."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from uuid import UUID

from omnibase_core.contracts import ModelContract
from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.models.generated import ModelNodeHeartbeat
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_spi import ProtocolCache, ProtocolIdempotencyStore

from omnibase_infra.adapters.kafka import MessageRejectedError
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError
from omnibase_infra.observability import sanitize
from omnibase_infra.registration._cached_reader import invalidate_registry_cache
from omnibase_infra.registration._fsm_keys import HEARTBEAT, heartbeat_keys
from omnibase_infra.registration._rows import TABLE
from omnibase_infra.registration._store import PostgresRegistrationStore
from omnibase_infra.registration.errors import ProjectionConflictError
from omnibase_infra.registration.model_projection_write import ModelProjectionWrite

logger = logging.getLogger(__name__)
Envelope = ModelEventEnvelope[object]
# The runtime's handler: one message and its entity's current projection in, output out.
Handle = Callable[[Envelope, object], Awaitable[ModelHandlerOutput]]
_NOTHING = ModelHandlerOutput()
OutboxEntry = tuple[UUID, Sequence[ModelIntent]]


@dataclass
class _Row:
    """One node's state while a batch is folded into it."""

    state: ModelFsmState | None
    version: int
    changed: bool = False
    heartbeats_only: bool = True
    message_id: UUID | None = None


class RegistrationUnitOfWork:
    """The registration reducer's unit of work (`ProtocolOutboxUnitOfWork` of the runtime host).

    In one transaction per batch: record each decision as processed, lock and load the rows
    of every node in the batch, fold the messages in order through `handle` (the reducer
    node and its contract FSM), store the changed rows (heartbeat-only changes with one
    narrow UPDATE, the rest with one upsert), advance the heartbeat watermark and keep the
    intents of the batch in an outbox. The runtime publishes the returned outputs' intents
    only after the commit, then calls `published` (which empties the outbox), then commits
    the offsets.

    A message seen before (a processed decision, or a heartbeat its sequence fences) yields
    its outbox entry again if its intents were never published (the reducer died between
    commit and publish), else an empty output. Heartbeats are not recorded as processed:
    their sequence fences them. With a `cache`, every commit that changed a row invalidates
    the registry query cache. Outbox entries older than `outbox_retention` are dropped.
    """

    def __init__(
        self,
        db: PostgresPoolManager,
        store: PostgresRegistrationStore,
        idempotency: ProtocolIdempotencyStore,
        *,
        consumer: str,
        contract: ModelContract,
        contract_path: str = "contract.yaml",
        cache: ProtocolCache | None = None,
        outbox_retention: timedelta = timedelta(days=7),
    ) -> None:
        self._db = db
        self._store = store
        self._idempotency = idempotency
        self._consumer = consumer
        self._cache = cache
        self._outbox_retention = outbox_retention
        # A batch of heartbeats only needs the keys its transitions touch.
        self._heartbeat_keys = heartbeat_keys(contract, contract_path)

    @property
    def target_name(self) -> str:
        """The database the registry lives in (for `/ready`)."""
        return self._db.target_name

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when PostgreSQL answers (the node is ready only then)."""
        await self._db.ping(correlation_id=correlation_id)

    async def run(self, envelopes: Sequence[Envelope], handle: Handle) -> list[ModelHandlerOutput]:
        """Fold `envelopes` (in order) and store the result; one output per envelope."""
        if not envelopes:
            return []
        correlation_id = envelopes[0].correlation_id
        beats = [envelope.message_type == HEARTBEAT for envelope in envelopes]
        async with self._db.transaction(correlation_id=correlation_id):
            fresh, loaded = await self._mark_and_load(envelopes, beats)
            # A decision already processed (redelivered) yields no node id: it is skipped.
            node_ids = [
                _node_id(envelope) if beat or _take(fresh, envelope.message_id) else None
                for envelope, beat in zip(envelopes, beats, strict=True)
            ]
            ids = {node_id for node_id in node_ids if node_id is not None}
            rows = {i: _Row(*loaded[i]) if i in loaded else _Row(None, 0) for i in ids}
            outputs, seen = await _fold(envelopes, node_ids, beats, rows, handle)
            new = _new_outbox_entries(envelopes, outputs, seen)
            await self._store_rows(rows, correlation_id, new)  # with the new outbox entries
            newest = _newest_heartbeat(envelopes, beats)
            if newest is not None:
                await self._store.advance_watermark(newest)
            recorded = {message_id for message_id, _ in new}
            await self._give_unpublished(envelopes, outputs, seen, recorded)
        if self._cache is not None and any(row.changed for row in rows.values()):
            await self._invalidate_cache(self._cache)
        return outputs

    async def published(self, envelopes: Sequence[Envelope]) -> None:
        """Empty the outbox of `envelopes` (their outputs are published) and of stale entries.

        A failure is only logged: the intents went out; a redelivery would send them again.
        """
        message_ids = [envelope.message_id for envelope in envelopes]
        try:
            await self._store.forget_outbox(
                self._consumer, message_ids, older_than=self._outbox_retention
            )
        except RuntimeHostError as error:
            logger.warning("published intents left in the outbox: %s", sanitize(str(error)))

    async def _give_unpublished(
        self,
        envelopes: Sequence[Envelope],
        outputs: list[ModelHandlerOutput],
        seen: list[int],
        recorded: set[UUID],
    ) -> None:
        """Give the messages seen before their unpublished intents (each entry once).

        Entries this batch `recorded` are not looked up, so a second copy of a message in
        the same batch gets nothing.
        """
        ids = [envelopes[i].message_id for i in seen]
        ids = [message_id for message_id in ids if message_id not in recorded]
        if not ids:
            return
        unpublished = await self._store.outbox(self._consumer, ids)
        for i in seen:
            intents = unpublished.pop(envelopes[i].message_id, None)
            if intents is not None:
                outputs[i] = ModelHandlerOutput(intents=intents)

    @staticmethod
    async def _invalidate_cache(cache: ProtocolCache) -> None:
        # The rows are committed either way; a lost invalidation is stale only for the TTL.
        try:
            await invalidate_registry_cache(cache)
        except RuntimeHostError as error:
            logger.warning("registry cache not invalidated: %s", sanitize(str(error)))

    async def _mark_and_load(
        self, envelopes: Sequence[Envelope], beats: list[bool]
    ) -> tuple[set[UUID], dict[UUID, tuple[ModelFsmState, int]]]:
        """Record the batch's decisions as processed and lock and load its nodes' rows: the
        ids of the decisions not recorded before, and the rows (one round trip on PostgreSQL)."""
        ids = [e.message_id for e, beat in zip(envelopes, beats, strict=True) if not beat]
        nodes = {_node_id(envelope) for envelope in envelopes}
        if not ids:  # heartbeats only: nothing to record, and only the keys they touch
            only = self._heartbeat_keys
            return set(), await self._store.load_states(nodes, for_update=True, only=only)
        store = self._idempotency
        if isinstance(store, PostgresIdempotencyStore):  # its table, in the same statement
            return await self._store.mark_and_load_states(self._consumer, ids, nodes)
        fresh = {i for i in dict.fromkeys(ids) if await store.mark_processed(self._consumer, i)}
        return fresh, await self._store.load_states(nodes, for_update=True)

    async def _store_rows(
        self, rows: dict[UUID, _Row], correlation_id: UUID, outbox: list[OutboxEntry]
    ) -> None:
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
        written |= await self._store.upsert_many(others, outbox=(self._consumer, outbox))
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


def _new_outbox_entries(
    envelopes: Sequence[Envelope], outputs: list[ModelHandlerOutput], seen: list[int]
) -> list[OutboxEntry]:
    """The intents of each message not seen before whose output has some."""
    return [
        (envelope.message_id, output.intents)
        for i, (envelope, output) in enumerate(zip(envelopes, outputs, strict=True))
        if output.intents and i not in seen
    ]


def _take(fresh: set[UUID], message_id: UUID) -> bool:
    """Whether `message_id` is new; a second copy of it in the same batch is not."""
    if message_id in fresh:
        fresh.discard(message_id)
        return True
    return False


async def _fold(
    envelopes: Sequence[Envelope],
    node_ids: list[UUID | None],
    beats: list[bool],
    rows: dict[UUID, _Row],
    handle: Handle,
) -> tuple[list[ModelHandlerOutput], list[int]]:
    """Each message's output, and the positions of those that may have come before (skipped
    decisions, heartbeats that changed nothing): their outbox entries decide what they give."""
    outputs: list[ModelHandlerOutput] = []
    seen: list[int] = []
    for index, (envelope, node_id, beat) in enumerate(zip(envelopes, node_ids, beats, strict=True)):
        if node_id is None:
            outputs.append(_NOTHING)
            seen.append(index)
            continue
        output = await handle(envelope, rows[node_id].state)
        if not _keep(output, rows[node_id], envelope, beat) and beat:
            seen.append(index)
        outputs.append(output)
    return outputs, seen


def _keep(output: ModelHandlerOutput, row: _Row, envelope: Envelope, beat: bool) -> bool:
    """Take the new state of `output` into `row`, if it is one worth storing; True if so."""
    state = output.projection
    if not isinstance(state, ModelFsmState) or _unchanged(state, row.state):
        return False  # the FSM rejected the message, or it changed nothing
    if row.state is None and not state.data:
        return False  # still nothing worth a row (e.g. a rejected announcement)
    row.state = state
    row.changed = True
    row.heartbeats_only &= beat
    row.message_id = envelope.message_id
    return True


def _unchanged(new: ModelFsmState, old: ModelFsmState | None) -> bool:
    # What ModelFsmState's == compares (its two fields), at a quarter of pydantic's cost.
    return new is old or (old is not None and new.name == old.name and new.data == old.data)


# Node ids recur batch after batch; the standard UUID parser costs more than the FSM step.
_parse_node_id = lru_cache(maxsize=65_536)(UUID)


def _node_id(envelope: Envelope) -> UUID:
    try:
        return _parse_node_id(envelope.entity_id)
    except ValueError:
        raise MessageRejectedError(
            f"{envelope.message_type} {envelope.message_id}: entity_id is not a node id (a "
            "UUID); the producer must key registration messages by node id",
            correlation_id=envelope.correlation_id,
        ) from None


def _newest_heartbeat(envelopes: Sequence[Envelope], beats: list[bool]) -> datetime | None:
    """The latest heartbeat time in the batch (stale ones too: they show the pipeline moved)."""
    payloads = [envelope.payload for envelope, beat in zip(envelopes, beats, strict=True) if beat]
    times = [payload.emitted_at for payload in payloads if isinstance(payload, ModelNodeHeartbeat)]
    return max(times, default=None)
