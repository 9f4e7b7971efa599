"""The local Valkey (Redis protocol) server: expiring keys and leases."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from omnibase_infra.config import ModelOnexSettings
from redis.asyncio import Redis

pytestmark = pytest.mark.usefixtures("local_stack")


@pytest.fixture
async def clients(local_stack: ModelOnexSettings) -> AsyncIterator[tuple[Redis, Redis]]:
    """Two independent connections, as two service replicas would hold."""
    first = Redis.from_url(local_stack.valkey.url)
    second = Redis.from_url(local_stack.valkey.url)
    yield first, second
    await first.aclose()
    await second.aclose()


async def _wait_until_gone(client: Redis, key: str) -> None:
    async with asyncio.timeout(5):
        while await client.exists(key):
            await asyncio.sleep(0.02)


async def test_value_set_with_ttl_reads_back_then_expires(clients: tuple[Redis, Redis]) -> None:
    client, _ = clients
    key = f"test:ttl:{uuid.uuid4().hex}"

    await client.set(key, b"registered", px=300)

    assert await client.get(key) == b"registered"
    assert 0 < await client.pttl(key) <= 300
    await _wait_until_gone(client, key)
    assert await client.get(key) is None


async def test_lease_held_by_one_client_cannot_be_taken_by_another(
    clients: tuple[Redis, Redis],
) -> None:
    holder, rival = clients
    lease = f"test:lease:{uuid.uuid4().hex}"

    assert await holder.set(lease, b"holder", nx=True, px=5000) is True
    assert await rival.set(lease, b"rival", nx=True, px=5000) is None
    assert await rival.get(lease) == b"holder"

    await holder.delete(lease)
    assert await rival.set(lease, b"rival", nx=True, px=5000) is True


async def test_expired_lease_can_be_taken_over(clients: tuple[Redis, Redis]) -> None:
    holder, rival = clients
    lease = f"test:lease:{uuid.uuid4().hex}"

    assert await holder.set(lease, b"holder", nx=True, px=150) is True
    assert await rival.set(lease, b"rival", nx=True, px=5000) is None
    await _wait_until_gone(rival, lease)

    assert await rival.set(lease, b"rival", nx=True, px=5000) is True
    assert await holder.get(lease) == b"rival"
