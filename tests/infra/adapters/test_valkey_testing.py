"""InMemoryValkey behaves like ValkeyAdapter (checked side by side against the real server)."""

import uuid
from collections.abc import AsyncIterator

import pytest
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.adapters.valkey.testing import InMemoryValkey
from omnibase_infra.config import ModelOnexSettings
from omnibase_spi import ProtocolCache


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["valkey", "in-memory"])
async def store(
    request: pytest.FixtureRequest, local_stack: ModelOnexSettings
) -> AsyncIterator[ValkeyAdapter | InMemoryValkey]:
    if request.param == "in-memory":
        yield InMemoryValkey()
        return
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    async with ValkeyAdapter.from_settings(local_stack, key_prefix=prefix) as adapter:
        yield adapter


async def test_both_cache_values_the_same_way(store: ValkeyAdapter | InMemoryValkey) -> None:
    await store.set("a", b"1")
    await store.set("a", b"2", ttl_seconds=60)
    await store.delete("missing")

    assert await store.get("a") == b"2"
    await store.delete("a")
    assert await store.get("a") is None
    assert isinstance(store, ProtocolCache)


async def test_both_guard_leases_the_same_way(store: ValkeyAdapter | InMemoryValkey) -> None:
    assert await store.try_acquire("job", "a", ttl_seconds=60) is True
    assert await store.try_acquire("job", "b", ttl_seconds=60) is False
    assert await store.try_acquire("job", "a", ttl_seconds=60) is True
    assert await store.renew("job", "b", ttl_seconds=60) is False
    assert await store.release("job", "b") is False
    assert await store.renew("job", "a", ttl_seconds=60) is True
    assert await store.lease_owner("job") == "a"
    assert await store.release("job", "a") is True
    assert await store.lease_owner("job") is None
    assert await store.try_acquire("job", "b", ttl_seconds=60) is True


async def test_the_fake_expires_entries_and_leases_on_its_clock() -> None:
    clock = ManualClock()
    fake = InMemoryValkey(clock=clock)
    await fake.set("k", b"v", ttl_seconds=5)
    await fake.try_acquire("job", "a", ttl_seconds=5)

    clock.now += 4.9
    assert await fake.get("k") == b"v"
    assert await fake.try_acquire("job", "b", ttl_seconds=5) is False
    clock.now += 0.1
    assert await fake.get("k") is None
    assert await fake.renew("job", "a", ttl_seconds=5) is False
    assert await fake.try_acquire("job", "b", ttl_seconds=5) is True
