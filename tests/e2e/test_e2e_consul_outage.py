"""Consul goes down while nodes register: the registry effect's breaker opens, nothing is
dead-lettered or skipped, and every registration reaches Consul once it is back.

A private Consul agent (its own ports and state folder, started and stopped through the
local_infra API) stands in for the shared one, which other tests keep using. The services
talk to it directly, so that its outage looks to them exactly like a real one.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from functools import partial
from uuid import uuid4

import pytest
from e2e_observe import eventually
from e2e_registry import Registry, announcement, running_registry
from e2e_services import Timings
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
    TOPIC_CONSUL_REGISTRATION,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_ACK,
)
from omnibase_core.models.generated import ModelNodeRegistrationAck
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.local_infra import start_stack, stop_stack

OPEN = 2.0  # onex_circuit_breaker_state of an open breaker


def _quiet(line: str) -> None:
    """Progress lines of the private server are not interesting here."""


@pytest.fixture(scope="module")
async def private_consul(
    local_stack: ModelOnexSettings, unused_tcp_port_factory: Callable[[], int]
) -> AsyncIterator[ModelOnexSettings]:
    ports = {
        "port": unused_tcp_port_factory(),
        "server_port": unused_tcp_port_factory(),
        "serf_lan_port": unused_tcp_port_factory(),
    }
    settings = local_stack.model_copy(
        update={
            "state_dir": local_stack.state_dir / "test-e2e-consul-outage",
            "consul": local_stack.consul.model_copy(update=ports),
        }
    )
    await asyncio.to_thread(stop_stack, settings, _quiet, ["consul"])  # an interrupted run's
    await asyncio.to_thread(start_stack, settings, _quiet, ["consul"])
    yield settings
    await asyncio.to_thread(stop_stack, settings, _quiet, ["consul"])


@pytest.fixture(scope="module")
async def outage_registry(private_consul: ModelOnexSettings) -> AsyncIterator[Registry]:
    async with running_registry(
        private_consul,
        timings=Timings(ack_timeout=120.0, liveness_timeout=120.0),
        count_consul_writes=False,
    ) as registry:
        yield registry


async def _is_open(registry: Registry) -> bool:
    consul = registry.settings.consul
    samples = await registry.services["registry-effect"].metrics()
    key = frozenset({("service", f"consul {consul.host}:{consul.port}")})
    return samples.get(("onex_circuit_breaker_state", key)) == OPEN


async def test_registrations_made_while_consul_is_down_complete_once_it_is_back(
    outage_registry: Registry, private_consul: ModelOnexSettings
) -> None:
    registry = outage_registry
    nodes = [uuid4() for _ in range(5)]
    await asyncio.to_thread(stop_stack, private_consul, _quiet, ["consul"])
    try:
        for node_id in nodes:
            await registry.publish(TOPIC_NODE_INTROSPECTION, announcement(node_id))
        for node_id in nodes:
            await registry.projection.reaches(node_id, "awaiting_ack")
            ack = ModelNodeRegistrationAck(node_id=node_id, emitted_at=datetime.now(UTC))
            await registry.publish(
                TOPIC_NODE_REGISTRATION_ACK, ack, category=EnumMessageCategory.COMMAND
            )
        await eventually(
            lambda: _is_open(registry), timeout=60, what="the registry effect's breaker opens"
        )
    finally:
        await asyncio.to_thread(start_stack, private_consul, _quiet, ["consul"])

    for node_id in nodes:
        await eventually(
            partial(registry.consul.registered, node_id),
            timeout=90,
            what="registered once Consul is back",
        )
        assert await registry.projection.state(node_id) == "active"
    samples = await registry.services["registry-effect"].metrics()
    intents = registry.topic(TOPIC_CONSUL_REGISTRATION)

    def total(metric: str, **labels: str) -> float:
        wanted = set(labels.items())
        return sum(v for (name, got), v in samples.items() if name == metric and wanted <= got)

    consul = f"consul {registry.settings.consul.host}:{registry.settings.consul.port}"
    transitions = "onex_circuit_breaker_transitions_total"
    assert total(transitions, service=consul, from_state="closed", to_state="open") == 1
    assert total(transitions, service=consul, from_state="half_open", to_state="closed") >= 1
    assert total("onex_messages_dead_lettered_total", topic=intents) == 0
    # Held with backoff while Consul was away: a handful of tries, not a hot loop.
    assert 1 <= total("onex_partition_holds_total", topic=intents) <= 20
    registry.services.check_alive()
