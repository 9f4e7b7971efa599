"""ValkeyAdapter against the real local Valkey: cache, leases, failures."""

import asyncio
import logging
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from omnibase_infra.adapters import ProtocolHealthProbe
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraUnavailableError,
    ProtocolConfigurationError,
    RuntimeHostError,
)
from omnibase_infra.observability import render_metrics
from omnibase_spi import ProtocolCache
from redis.asyncio import Redis

NO_RETRY = ModelRetryPolicy(max_attempts=1)


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
async def valkey(local_stack: ModelOnexSettings, prefix: str) -> AsyncIterator[ValkeyAdapter]:
    async with ValkeyAdapter.from_settings(local_stack, key_prefix=prefix) as adapter:
        yield adapter


@pytest.fixture
async def other_client(local_stack: ModelOnexSettings, prefix: str) -> AsyncIterator[ValkeyAdapter]:
    """A second, independent client (another replica) on the same server and keys."""
    async with ValkeyAdapter.from_settings(local_stack, key_prefix=prefix) as adapter:
        yield adapter


@pytest.fixture
async def raw(local_stack: ModelOnexSettings, prefix: str) -> AsyncIterator[Redis]:
    """A plain redis-py client, to look at what the adapter stored."""
    client = Redis(host=local_stack.valkey.host, port=local_stack.valkey.port)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def wait_until(check: Callable[[], Awaitable[bool]], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_cached_values_are_read_back_and_deleted(valkey: ValkeyAdapter, raw: Redis) -> None:
    await valkey.set("node:a", b"\x00payload")

    assert await valkey.get("node:a") == b"\x00payload"
    assert await raw.get(f"{valkey.config.key_prefix}node:a") == b"\x00payload"
    await valkey.delete("node:a")
    await valkey.delete("never-set")
    assert await valkey.get("node:a") is None
    assert isinstance(valkey, ProtocolCache)


async def test_a_cached_value_expires_after_its_ttl(valkey: ValkeyAdapter, raw: Redis) -> None:
    await valkey.set("short", b"v", ttl_seconds=0.2)
    await valkey.set("forever", b"v")

    assert await valkey.get("short") == b"v"
    await wait_until(lambda: _is_none(valkey.get("short")))
    assert await valkey.get("forever") == b"v"
    assert await raw.pttl(f"{valkey.config.key_prefix}forever") == -1


async def _is_none(value: Awaitable[object]) -> bool:
    return await value is None


async def test_a_ttl_must_be_positive(valkey: ValkeyAdapter) -> None:
    with pytest.raises(ValueError, match="positive"):
        await valkey.set("k", b"v", ttl_seconds=0)
    with pytest.raises(ValueError, match="positive"):
        await valkey.try_acquire("lease", "me", ttl_seconds=-1)


async def test_a_held_lease_cannot_be_taken_by_another_client(
    valkey: ValkeyAdapter, other_client: ValkeyAdapter
) -> None:
    assert await valkey.try_acquire("sweeper", "replica-a", ttl_seconds=10) is True

    assert await other_client.try_acquire("sweeper", "replica-b", ttl_seconds=10) is False
    assert await other_client.lease_owner("sweeper") == "replica-a"
    assert await valkey.try_acquire("sweeper", "replica-a", ttl_seconds=10) is True


async def test_only_the_owner_renews_a_lease(
    valkey: ValkeyAdapter, other_client: ValkeyAdapter, raw: Redis
) -> None:
    key = f"{valkey.config.key_prefix}lease:sweeper"
    await valkey.try_acquire("sweeper", "replica-a", ttl_seconds=1)

    assert await other_client.renew("sweeper", "replica-b", ttl_seconds=60) is False
    assert await raw.pttl(key) <= 1000
    assert await valkey.renew("sweeper", "replica-a", ttl_seconds=60) is True
    assert await raw.pttl(key) > 50_000
    assert await valkey.renew("never-taken", "replica-a", ttl_seconds=60) is False


async def test_only_the_owner_releases_a_lease(
    valkey: ValkeyAdapter, other_client: ValkeyAdapter
) -> None:
    await valkey.try_acquire("sweeper", "replica-a", ttl_seconds=10)

    assert await other_client.release("sweeper", "replica-b") is False
    assert await valkey.lease_owner("sweeper") == "replica-a"
    assert await valkey.release("sweeper", "replica-a") is True
    assert await valkey.lease_owner("sweeper") is None
    assert await other_client.try_acquire("sweeper", "replica-b", ttl_seconds=10) is True


async def test_an_expired_lease_can_be_taken_and_not_renewed_by_its_old_owner(
    valkey: ValkeyAdapter, other_client: ValkeyAdapter
) -> None:
    await valkey.try_acquire("sweeper", "replica-a", ttl_seconds=0.2)

    await wait_until(lambda: other_client.try_acquire("sweeper", "replica-b", ttl_seconds=10))
    assert await valkey.renew("sweeper", "replica-a", ttl_seconds=10) is False
    assert await valkey.release("sweeper", "replica-a") is False
    assert await valkey.lease_owner("sweeper") == "replica-b"


async def test_concurrent_claims_leave_exactly_one_owner(valkey: ValkeyAdapter) -> None:
    won = await asyncio.gather(
        *(valkey.try_acquire("sweeper", f"replica-{n}", ttl_seconds=10) for n in range(20))
    )

    assert won.count(True) == 1
    assert await valkey.lease_owner("sweeper") == f"replica-{won.index(True)}"


async def test_server_down_is_a_connection_error_then_the_breaker_opens(
    local_stack: ModelOnexSettings, unused_tcp_port: int
) -> None:
    adapter = ValkeyAdapter.from_settings(
        local_stack,
        port=unused_tcp_port,
        retry=NO_RETRY,
        circuit_breaker=ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=30),
    )
    with pytest.raises(InfraConnectionError) as raised:
        await adapter.get("k")
    with pytest.raises(InfraConnectionError):
        await adapter.try_acquire("sweeper", "me", ttl_seconds=1)
    with pytest.raises(InfraUnavailableError) as refused:
        await adapter.ping()
    await adapter.close()

    context = raised.value.infra_context
    assert context.transport_type is EnumInfraTransportType.VALKEY
    assert context.operation == "get"
    assert context.target_name == f"valkey 127.0.0.1:{unused_tcp_port}"
    assert raised.value.code == "VALKEY_CONNECTION_ERROR"
    assert refused.value.circuit_state is EnumCircuitState.OPEN
    assert adapter.circuit_state is EnumCircuitState.OPEN


async def test_bad_credentials_are_an_authentication_error_never_retried_nor_shown(
    local_stack: ModelOnexSettings, caplog: pytest.LogCaptureFixture, raw: Redis
) -> None:
    canary = f"canary-pw-{uuid.uuid4().hex}"
    username = f"nobody-{uuid.uuid4().hex[:8]}"
    adapter = ValkeyAdapter.from_settings(
        local_stack,
        username=username,
        password=canary,
        circuit_breaker=ModelCircuitBreakerPolicy(threshold=1, reset_timeout_seconds=60),
    )
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):
            with pytest.raises(InfraAuthenticationError) as raised:
                await adapter.get("k")
    await adapter.close()

    assert not [record for record in caplog.records if "Retrying" in record.getMessage()]
    assert await _refused_logins(raw, username) == 2  # the server saw each call once
    assert adapter.circuit_state is EnumCircuitState.CLOSED
    shown = "\n".join(
        [
            str(raised.value),
            repr(raised.value),
            str(raised.value.to_dict()),
            "".join(traceback.format_exception(raised.value)),
            caplog.text,
            render_metrics().decode(),
        ]
    )
    assert canary not in shown


async def _refused_logins(raw: Redis, username: str) -> int:
    entries = await raw.execute_command("ACL", "LOG")
    return sum(
        int(entry[b"count"])
        for entry in entries
        if entry[b"reason"] == b"auth" and entry[b"username"] == username.encode()
    )


async def test_a_rejected_command_is_a_command_error_not_an_outage(
    local_stack: ModelOnexSettings, prefix: str, raw: Redis
) -> None:
    await raw.rpush(f"{prefix}a-list", b"x")
    breaker = ModelCircuitBreakerPolicy(threshold=1, reset_timeout_seconds=60)
    async with ValkeyAdapter.from_settings(
        local_stack, key_prefix=prefix, circuit_breaker=breaker
    ) as adapter:
        with pytest.raises(RuntimeHostError) as raised:
            await adapter.get("a-list")
        assert adapter.circuit_state is EnumCircuitState.CLOSED

    assert raised.value.code == "VALKEY_COMMAND_ERROR"
    assert "WRONGTYPE" in raised.value.message


async def test_the_adapter_reconnects_after_its_connections_are_killed(
    local_stack: ModelOnexSettings, prefix: str, raw: Redis
) -> None:
    name = f"onex-test-{uuid.uuid4().hex[:12]}"
    async with ValkeyAdapter.from_settings(
        local_stack, key_prefix=prefix, client_name=name, retry=NO_RETRY
    ) as adapter:
        await adapter.set("k", b"before")
        ours = [c["id"] for c in await raw.client_list() if c["name"] == name]
        assert ours, "the adapter's connection is not listed under its client name"
        for client_id in ours:
            await raw.client_kill_filter(_id=client_id)

        assert await adapter.get("k") == b"before"
        assert [c["id"] for c in await raw.client_list() if c["name"] == name] != ours


async def test_ping_answers_and_the_adapter_is_a_health_probe(
    valkey: ValkeyAdapter, local_stack: ModelOnexSettings
) -> None:
    await valkey.ping()

    assert isinstance(valkey, ProtocolHealthProbe)
    server = local_stack.valkey
    assert valkey.target_name == f"valkey {server.host}:{server.port}"


def test_an_invalid_override_is_a_configuration_error(local_stack: ModelOnexSettings) -> None:
    with pytest.raises(ProtocolConfigurationError, match="max_connections"):
        ValkeyAdapter.from_settings(local_stack, max_connections=0)
