"""InMemoryIdempotencyStore behaves like PostgresIdempotencyStore outside transactions."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.adapters.postgres.testing import InMemoryIdempotencyStore
from omnibase_infra.config import ModelOnexSettings
from omnibase_spi import ProtocolIdempotencyStore


@pytest.fixture(params=["postgres", "in-memory"])
async def store(
    request: pytest.FixtureRequest, local_stack: ModelOnexSettings
) -> AsyncIterator[PostgresIdempotencyStore | InMemoryIdempotencyStore]:
    if request.param == "in-memory":
        yield InMemoryIdempotencyStore()
        return
    async with PostgresPoolManager.from_settings(local_stack) as db:
        real = PostgresIdempotencyStore(db)
        await real.ensure_schema()
        yield real


async def test_both_record_each_message_once_per_consumer(
    store: PostgresIdempotencyStore | InMemoryIdempotencyStore,
) -> None:
    consumer, message_id = f"test-{uuid.uuid4().hex[:12]}", uuid.uuid4()

    assert await store.mark_processed(consumer, message_id) is True
    assert await store.mark_processed(consumer, message_id) is False
    assert await store.is_processed(consumer, message_id) is True
    assert await store.is_processed(f"{consumer}-b", message_id) is False
    assert await store.forget_before(datetime.now(UTC) - timedelta(days=365)) >= 0
    assert await store.is_processed(consumer, message_id) is True
    assert isinstance(store, ProtocolIdempotencyStore)


async def test_the_fake_forgets_what_is_older_than_the_cutoff() -> None:
    fake = InMemoryIdempotencyStore()
    message_id = uuid.uuid4()
    await fake.mark_processed("c", message_id)

    assert await fake.forget_before(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert await fake.is_processed("c", message_id) is False
