"""The registry effect carries out Consul intents idempotently and survives a Consul outage."""

from uuid import UUID, uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import NodeRoutingError
from omnibase_core.models.events import ModelIntent
from omnibase_core.models.generated import (
    EnumConsulOperation,
    EnumNodeHealth,
    ModelConsulRegistrationResult,
)
from omnibase_infra.errors import (
    InfraConnectionError,
    InfraUnavailableError,
)
from omnibase_spi import ProtocolServiceDiscovery
from pydantic import ValidationError
from registration_builders import T0, FakeConsul, envelope, service
from registry_effect import NodeRegistryEffect


@pytest.fixture
def consul() -> FakeConsul:
    return FakeConsul()


@pytest.fixture
def effect(consul: FakeConsul) -> NodeRegistryEffect:
    container = ModelONEXContainer()
    container.register_instance(ProtocolServiceDiscovery, consul)
    return NodeRegistryEffect(container)


def intent(intent_type: str, payload: dict[str, object], node_id: str) -> ModelIntent:
    return ModelIntent(
        intent_type=intent_type,
        target="consul",
        entity_id=node_id,
        payload=payload,
        correlation_id=uuid4(),
    )


def register(node_id: str, health: str = "healthy") -> ModelIntent:
    return intent("consul.register", {"service": service(UUID(node_id)), "health": health}, node_id)


async def carry_out(effect: NodeRegistryEffect, todo: ModelIntent) -> ModelConsulRegistrationResult:
    wire = envelope(todo, entity_id=todo.entity_id, category=EnumMessageCategory.INTENT)
    raw = wire.model_dump_json()  # as it travels: the payload's models become plain JSON
    output = await effect.handle(effect.parse_envelope(raw, "ModelIntent"), now=T0)
    [event] = output.events
    assert isinstance(event.payload, ModelConsulRegistrationResult)
    assert event.entity_id == todo.entity_id
    return event.payload


async def test_a_register_intent_registers_the_node_under_its_id_with_its_health_tag(
    effect: NodeRegistryEffect, consul: FakeConsul
) -> None:
    node_id = str(uuid4())

    result = await carry_out(effect, register(node_id, "degraded"))

    assert result == ModelConsulRegistrationResult(
        service_id=node_id,
        operation=EnumConsulOperation.REGISTER,
        health=EnumNodeHealth.DEGRADED,
        completed_at=T0,
    )
    assert consul.services[node_id] == {
        "name": "orders-effect",
        "address": "10.0.0.7:8085",
        "tags": ["effect", "v1.2.0", "health-degraded"],
        "meta": {"node_id": node_id},
        "check": "http://10.0.0.7:8085/health",
    }


async def test_a_redelivered_intent_leaves_one_entry(
    effect: NodeRegistryEffect, consul: FakeConsul
) -> None:
    node_id = str(uuid4())
    todo = register(node_id)

    await carry_out(effect, todo)
    await carry_out(effect, todo)

    assert list(consul.services) == [node_id]


async def test_a_deregister_intent_removes_the_entry_even_twice(
    effect: NodeRegistryEffect, consul: FakeConsul
) -> None:
    node_id = str(uuid4())
    await carry_out(effect, register(node_id))
    gone = intent("consul.deregister", {"service_id": node_id}, node_id)

    first = await carry_out(effect, gone)
    again = await carry_out(effect, gone)

    assert consul.services == {}
    assert first == again
    assert (first.operation, first.health) == (EnumConsulOperation.DEREGISTER, None)


async def test_a_short_consul_outage_is_ridden_out_by_retries(
    effect: NodeRegistryEffect, consul: FakeConsul
) -> None:
    node_id = str(uuid4())
    consul.down_for = 2

    await carry_out(effect, register(node_id))

    assert consul.calls == 3
    assert node_id in consul.services


async def test_a_long_outage_fails_as_an_outage_and_the_intent_completes_when_consul_returns(
    effect: NodeRegistryEffect, consul: FakeConsul
) -> None:
    node_id = str(uuid4())
    todo = register(node_id)
    consul.down_for = 10

    with pytest.raises(InfraConnectionError) as refused:
        await carry_out(effect, todo)
    consul.breaker_open = True
    with pytest.raises(InfraUnavailableError) as held:
        await carry_out(effect, todo)
    consul.breaker_open, consul.down_for = False, 0
    await carry_out(effect, todo)

    # Transient or breaker-open: the runtime holds the intent and delivers it again.
    assert refused.value.transient and held.value.retry_after_seconds == 5.0
    assert consul.calls == 3 + 1 + 1
    assert node_id in consul.services


async def test_an_unknown_intent_or_a_malformed_payload_is_refused_without_calling_consul(
    effect: NodeRegistryEffect, consul: FakeConsul
) -> None:
    node_id = str(uuid4())

    with pytest.raises(NodeRoutingError, match=r"consul\.health"):
        await carry_out(effect, intent("consul.health", {}, node_id))
    with pytest.raises(ValidationError):
        await carry_out(effect, intent("consul.register", {"service": {}}, node_id))
    assert consul.calls == 0
