"""PostgresIdempotencyStore against the real local PostgreSQL, alone and in a transaction."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_spi import ProtocolIdempotencyStore


@pytest.fixture
async def db(local_stack: ModelOnexSettings) -> AsyncIterator[PostgresPoolManager]:
    async with PostgresPoolManager.from_settings(local_stack) as manager:
        yield manager


@pytest.fixture
async def store(db: PostgresPoolManager) -> PostgresIdempotencyStore:
    store = PostgresIdempotencyStore(db)
    await store.ensure_schema()
    return store


@pytest.fixture
async def consumer(db: PostgresPoolManager) -> AsyncIterator[str]:
    name = f"test-consumer-{uuid.uuid4().hex[:12]}"
    yield name
    await db.execute("DELETE FROM onex_processed_messages WHERE consumer = $1", name)


@pytest.fixture
async def projection(db: PostgresPoolManager) -> AsyncIterator[str]:
    name = f"test_projection_{uuid.uuid4().hex[:12]}"
    await db.execute(f"CREATE TABLE {name} (node_id text PRIMARY KEY, state text)")
    yield name
    await db.execute(f"DROP TABLE {name}")


async def test_a_message_is_processed_once_per_consumer(
    store: PostgresIdempotencyStore, consumer: str
) -> None:
    message_id = uuid.uuid4()

    assert await store.is_processed(consumer, message_id) is False
    assert await store.mark_processed(consumer, message_id) is True
    assert await store.mark_processed(consumer, message_id) is False
    assert await store.is_processed(consumer, message_id) is True
    assert await store.is_processed(f"{consumer}-other", message_id) is False
    assert isinstance(store, ProtocolIdempotencyStore)


async def test_record_and_projection_roll_back_together(
    db: PostgresPoolManager, store: PostgresIdempotencyStore, consumer: str, projection: str
) -> None:
    message_id = uuid.uuid4()
    with pytest.raises(RuntimeError, match="handler failed"):
        async with db.transaction():
            assert await store.mark_processed(consumer, message_id)
            await db.execute(f"INSERT INTO {projection} VALUES ('node-a', 'active')")
            raise RuntimeError("handler failed after both writes")

    assert await store.is_processed(consumer, message_id) is False
    assert await db.fetchval(f"SELECT count(*) FROM {projection}") == 0


async def test_a_redelivered_message_changes_nothing(
    db: PostgresPoolManager, store: PostgresIdempotencyStore, consumer: str, projection: str
) -> None:
    message_id = uuid.uuid4()

    async def handle(state: str) -> bool:
        async with db.transaction():
            if not await store.mark_processed(consumer, message_id):
                return False
            await db.execute(
                f"INSERT INTO {projection} VALUES ('node-a', $1) "
                "ON CONFLICT (node_id) DO UPDATE SET state = EXCLUDED.state",
                state,
            )
            return True

    assert await handle("active") is True
    assert await handle("overwritten by a replay") is False
    assert await db.fetchval(f"SELECT state FROM {projection}") == "active"


async def test_concurrent_duplicates_are_processed_by_exactly_one(
    db: PostgresPoolManager, store: PostgresIdempotencyStore, consumer: str
) -> None:
    message_id = uuid.uuid4()

    async def handle() -> bool:
        async with db.transaction():
            first = await store.mark_processed(consumer, message_id)
            await asyncio.sleep(0.05)  # hold the row lock while the others try
            return first

    results = await asyncio.gather(*(handle() for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]


async def test_old_records_can_be_forgotten(
    db: PostgresPoolManager, store: PostgresIdempotencyStore, consumer: str
) -> None:
    old, recent = uuid.uuid4(), uuid.uuid4()
    await store.mark_processed(consumer, old)
    await store.mark_processed(consumer, recent)
    await db.execute(
        "UPDATE onex_processed_messages SET processed_at = now() - interval '2 days' "
        "WHERE consumer = $1 AND message_id = $2",
        consumer,
        old,
    )

    forgotten = await store.forget_before(datetime.now(UTC) - timedelta(days=1))

    assert forgotten >= 1
    assert await store.is_processed(consumer, old) is False
    assert await store.is_processed(consumer, recent) is True


async def test_ensure_schema_is_safe_to_repeat(store: PostgresIdempotencyStore) -> None:
    await asyncio.gather(store.ensure_schema(), store.ensure_schema())
