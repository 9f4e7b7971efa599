"""Registry queries read PostgreSQL through the Valkey cache, which no change leaves stale.

Real PostgreSQL and Valkey; the reducer's own unit of work and node make the changes.
"""

from collections.abc import AsyncIterator, Sequence
from uuid import UUID, uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import (
    CachedRegistryReader,
    EnumRegistrationState,
    ModelNodeRegistration,
    PostgresRegistrationStore,
    RegistrationUnitOfWork,
    registry_cache,
)
from pydantic import BaseModel
from registration_builders import T0, accepted, activated, deregistered, envelope, heartbeat
from registration_reducer import NodeRegistrationReducer

pytestmark = pytest.mark.usefixtures("local_stack")
Envelope = ModelEventEnvelope[object]
LONG_TTL = 300.0  # far longer than any test: only an invalidation can refresh a read


@pytest.fixture
async def settings(local_stack: ModelOnexSettings, registry_database: str) -> ModelOnexSettings:
    postgres = local_stack.postgres.model_copy(update={"database": registry_database})
    return local_stack.model_copy(update={"postgres": postgres})


@pytest.fixture
async def db(settings: ModelOnexSettings) -> AsyncIterator[PostgresPoolManager]:
    async with PostgresPoolManager.from_settings(settings) as db:
        await db.execute("TRUNCATE node_registrations, onex_processed_messages")
        yield db


@pytest.fixture
async def cache(settings: ModelOnexSettings) -> AsyncIterator[ValkeyAdapter]:
    async with registry_cache(settings) as cache:
        await cache.delete("registry:generation")
        yield cache


@pytest.fixture
def store(db: PostgresPoolManager) -> PostgresRegistrationStore:
    return PostgresRegistrationStore(db)


@pytest.fixture
def reader(store: PostgresRegistrationStore, cache: ValkeyAdapter) -> CachedRegistryReader:
    return CachedRegistryReader(store, cache, ttl_seconds=LONG_TTL)


@pytest.fixture
def reducer() -> "Reducer":
    return Reducer()


class Reducer:
    """The registration reducer's node folding batches through its real unit of work."""

    def __init__(self) -> None:
        self.node = NodeRegistrationReducer(ModelONEXContainer())

    def unit(self, db: PostgresPoolManager, cache: ValkeyAdapter | None) -> RegistrationUnitOfWork:
        return RegistrationUnitOfWork(
            db,
            PostgresRegistrationStore(db),
            PostgresIdempotencyStore(db),
            consumer="registration-reducer",
            contract=self.node.contract,
            cache=cache,
        )

    async def apply(self, unit: RegistrationUnitOfWork, *payloads: BaseModel) -> None:
        async def handle(message: Envelope, projection: object) -> ModelHandlerOutput:
            return await self.node.handle(message, projection=projection)

        await unit.run([envelope(payload) for payload in payloads], handle)


def states(registrations: Sequence[ModelNodeRegistration]) -> dict[UUID, EnumRegistrationState]:
    return {registration.node_id: registration.state for registration in registrations}


async def state_of(reader: CachedRegistryReader, node_id: UUID) -> EnumRegistrationState | None:
    found = await reader.get(str(node_id))
    return found.state if found else None


async def test_a_registered_node_is_listed_and_found_by_id(
    reader: CachedRegistryReader, reducer: Reducer, db: PostgresPoolManager, cache: ValkeyAdapter
) -> None:
    node_id = uuid4()
    await reducer.apply(reducer.unit(db, cache), accepted(node_id), activated(node_id))

    assert states(await reader.list_all()) == {node_id: EnumRegistrationState.ACTIVE}
    found = await reader.get(str(node_id))
    assert found is not None and found.name == "orders-effect"
    assert await reader.get(str(uuid4())) is None
    assert await reader.get("not-a-node-id") is None


async def test_reads_are_served_from_the_cache_until_the_reducer_commits_a_change(
    reader: CachedRegistryReader, reducer: Reducer, db: PostgresPoolManager, cache: ValkeyAdapter
) -> None:
    node_id = uuid4()
    unit = reducer.unit(db, cache)
    await reducer.apply(unit, accepted(node_id))
    assert states(await reader.list_all()) == {node_id: EnumRegistrationState.AWAITING_ACK}
    assert await state_of(reader, node_id) is EnumRegistrationState.AWAITING_ACK

    # A write that does not go through the reducer is not seen: the reads come from Valkey.
    await db.execute("UPDATE node_registrations SET node_version = '9.9.9'")
    assert (await reader.list_all())[0].node_version == "1.2.0"

    await reducer.apply(unit, activated(node_id))

    assert states(await reader.list_all()) == {node_id: EnumRegistrationState.ACTIVE}
    assert await state_of(reader, node_id) is EnumRegistrationState.ACTIVE
    await reducer.apply(unit, deregistered(node_id))
    assert states(await reader.list_all()) == {node_id: EnumRegistrationState.DEREGISTERED}


async def test_a_read_that_races_a_commit_is_not_served_after_it(
    store: PostgresRegistrationStore,
    reducer: Reducer,
    db: PostgresPoolManager,
    cache: ValkeyAdapter,
) -> None:
    """The commit lands between a reader's PostgreSQL read and its cache write."""
    node_id = uuid4()
    unit = reducer.unit(db, cache)
    await reducer.apply(unit, accepted(node_id))

    class CommitDuringRead:
        async def get(self, entity_id: str) -> ModelNodeRegistration | None:
            return await store.get(entity_id)

        async def list_all(self, *, limit: int = 1000) -> Sequence[ModelNodeRegistration]:
            rows = await store.list_all(limit=limit)
            await reducer.apply(unit, activated(node_id))  # commits and invalidates
            return rows

    racing = CachedRegistryReader(CommitDuringRead(), cache, ttl_seconds=LONG_TTL)
    assert states(await racing.list_all()) == {node_id: EnumRegistrationState.AWAITING_ACK}

    reader = CachedRegistryReader(store, cache, ttl_seconds=LONG_TTL)
    assert states(await reader.list_all()) == {node_id: EnumRegistrationState.ACTIVE}


async def test_heartbeats_refresh_the_cached_last_heartbeat(
    reader: CachedRegistryReader, reducer: Reducer, db: PostgresPoolManager, cache: ValkeyAdapter
) -> None:
    node_id = uuid4()
    unit = reducer.unit(db, cache)
    await reducer.apply(unit, accepted(node_id), activated(node_id))
    assert (await reader.list_all())[0].last_heartbeat_at is None

    await reducer.apply(unit, heartbeat(node_id, 7, T0))

    assert (await reader.list_all())[0].last_heartbeat_at == T0


async def test_reads_go_to_postgresql_while_valkey_is_unreachable(
    settings: ModelOnexSettings,
    store: PostgresRegistrationStore,
    reducer: Reducer,
    db: PostgresPoolManager,
) -> None:
    node_id = uuid4()
    await reducer.apply(reducer.unit(db, None), accepted(node_id))
    down = ValkeyAdapter.from_settings(settings, port=1, connect_timeout_seconds=0.2)
    try:
        reader = CachedRegistryReader(store, down, ttl_seconds=LONG_TTL)
        assert states(await reader.list_all()) == {node_id: EnumRegistrationState.AWAITING_ACK}
        assert await reader.get(str(node_id)) is not None
    finally:
        await down.close()


async def test_the_reducer_stores_its_batch_even_when_the_cache_is_unreachable(
    settings: ModelOnexSettings,
    store: PostgresRegistrationStore,
    reducer: Reducer,
    db: PostgresPoolManager,
) -> None:
    node_id = uuid4()
    down = ValkeyAdapter.from_settings(settings, port=1, connect_timeout_seconds=0.2)
    try:
        await reducer.apply(reducer.unit(db, down), accepted(node_id))
    finally:
        await down.close()
    assert states(await store.list_all()) == {node_id: EnumRegistrationState.AWAITING_ACK}
