"""Consul adapter failure paths on loopback, no Consul needed: closed port, stalls, refusals.

A tiny aiohttp server stands in for Consul only where a real agent cannot be made to
misbehave on demand (refuse a token, stall); everything else runs against the real agent.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from omnibase_infra.adapters.consul import ConsulAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
)

TOKEN_CANARY = "canary-consul-token-7f3e9a"
NO_RETRY = ModelRetryPolicy(max_attempts=1)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FakeAgent:
    """An HTTP server on loopback that records requests and answers with `handler`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seen: list[web.Request] = []
        self.handler: Handler | None = None
        self.released = asyncio.Event()  # set at teardown: stalled handlers answer and end

    async def stall(self) -> None:
        """Hold the request until the test is over (the client gives up long before)."""
        await self.released.wait()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(request)
        assert self.handler is not None, "the test sets fake_agent.handler first"
        return await self.handler(request)


@pytest.fixture
async def fake_agent(unused_tcp_port: int) -> AsyncIterator[FakeAgent]:
    fake = FakeAgent(unused_tcp_port)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    yield fake
    fake.released.set()
    await runner.cleanup()


def adapter_on(port: int, **overrides: object) -> ConsulAdapter:
    settings = ModelOnexSettings.model_validate({"consul": {"port": port}})
    return ConsulAdapter.from_settings(settings, retry=NO_RETRY, **overrides)


async def test_acl_token_travels_as_a_header_and_never_in_the_url(
    fake_agent: FakeAgent,
) -> None:
    async def no_such_key(request: web.Request) -> web.Response:
        return web.Response(status=404)

    fake_agent.handler = no_such_key
    async with adapter_on(fake_agent.port, token=TOKEN_CANARY) as consul:
        assert await consul.kv_get("onex/absent") is None

    [request] = fake_agent.seen
    assert request.method == "GET"
    assert request.path == "/v1/kv/onex/absent"
    assert request.headers["X-Consul-Token"] == TOKEN_CANARY
    assert TOKEN_CANARY not in str(request.url)


async def test_refused_token_is_an_authentication_error_that_leaves_the_breaker_closed(
    fake_agent: FakeAgent, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=403, text="ACL not found")

    fake_agent.handler = refuse
    breaker = ModelCircuitBreakerPolicy(threshold=1, reset_timeout_seconds=30)
    async with adapter_on(fake_agent.port, token=TOKEN_CANARY, circuit_breaker=breaker) as consul:
        for _ in range(3):
            with pytest.raises(InfraAuthenticationError) as caught:
                await consul.kv_put("onex/test", "v")
        assert consul.circuit_state is EnumCircuitState.CLOSED

    error = caught.value
    shown = f"{error} {error!r} {error.to_dict()} {error.__cause__!r} {caplog.text}"
    assert TOKEN_CANARY not in shown
    assert "ONEX_CONSUL__TOKEN" in str(error)


async def test_a_stalled_agent_is_a_timeout(fake_agent: FakeAgent) -> None:

    async def stall(request: web.Request) -> web.Response:
        await fake_agent.stall()
        return web.json_response("late")

    fake_agent.handler = stall
    async with adapter_on(fake_agent.port, timeout_seconds=0.2) as consul:
        started = asyncio.get_running_loop().time()
        with pytest.raises(InfraTimeoutError, match="did not answer kv_get in time"):
            await consul.kv_get("onex/slow")
        assert asyncio.get_running_loop().time() - started < 2


async def test_a_server_error_counts_against_the_breaker(
    fake_agent: FakeAgent,
) -> None:

    async def fail(request: web.Request) -> web.Response:
        return web.Response(status=500, text="No cluster leader")

    fake_agent.handler = fail
    breaker = ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=30)
    async with adapter_on(fake_agent.port, circuit_breaker=breaker) as consul:
        for _ in range(2):
            with pytest.raises(InfraConnectionError, match="No cluster leader"):
                await consul.deregister_service("svc-1")
        with pytest.raises(InfraUnavailableError):
            await consul.deregister_service("svc-1")
    assert [(r.method, r.path) for r in fake_agent.seen] == [
        ("PUT", "/v1/agent/service/deregister/svc-1")
    ] * 2  # two tries reached the agent, as PUT (older python-consul sent GET)


async def test_consul_down_is_a_connection_error_then_unavailable_once_the_breaker_opens(
    unused_tcp_port: int,
) -> None:
    breaker = ModelCircuitBreakerPolicy(threshold=3, reset_timeout_seconds=30)
    async with adapter_on(unused_tcp_port, circuit_breaker=breaker) as consul:
        for _ in range(3):
            with pytest.raises(InfraConnectionError, match="onex infra up") as refused:
                await consul.healthy_instances("svc")
        with pytest.raises(InfraUnavailableError) as unavailable:
            await consul.healthy_instances("svc")
        with pytest.raises(InfraUnavailableError):
            await consul.ping()

    assert refused.value.code == "CONSUL_CONNECTION_ERROR"
    assert unavailable.value.retry_after_seconds is not None
    assert unavailable.value.retry_after_seconds > 0
    assert unavailable.value.circuit_state is EnumCircuitState.OPEN


async def test_calls_before_start_say_how_to_open_the_adapter() -> None:
    consul = ConsulAdapter.from_settings(ModelOnexSettings())
    with pytest.raises(Exception, match="async with"):
        await consul.kv_get("k")
