"""The registry effect, wired as `onex run registry-effect` wires it, against the real Consul."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.models.generated import EnumConsulOperation, ModelConsulRegistrationResult
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.adapters.consul import ConsulAdapter, ModelConsulServiceInstance
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.runtime import ProtocolUnitOfWork
from omnibase_spi import ProtocolServiceDiscovery
from registration_builders import T0, envelope, service
from registry_effect import NodeConcurrentUnitOfWork, NodeRegistryEffect
from registry_effect.wiring import wire

pytestmark = pytest.mark.usefixtures("local_stack")


@pytest.fixture
async def effect(local_stack: ModelOnexSettings) -> AsyncIterator[NodeRegistryEffect]:
    settings = local_stack.model_copy(
        update={
            "registration": local_stack.registration.model_copy(
                update={"consul_meta_keys": ("team",)}
            )
        }
    )
    container = ModelONEXContainer()
    wire(container, settings)
    await container.aresolve(ProtocolServiceDiscovery)
    try:
        yield NodeRegistryEffect(container)
    finally:
        await container.aclose()


@pytest.fixture
def consul(effect: NodeRegistryEffect) -> ConsulAdapter:
    adapter = effect.container.resolve(ProtocolServiceDiscovery)
    assert isinstance(adapter, ConsulAdapter)
    return adapter


def consumed(
    effect: NodeRegistryEffect, payload: dict[str, object], kind: str, node_id: str
) -> ModelEventEnvelope[object]:
    """The intent as the effect receives it from Kafka."""
    intent = ModelIntent(
        intent_type=kind,
        target="consul",
        entity_id=node_id,
        payload=payload,
        correlation_id=uuid.uuid4(),
    )
    wire_format = envelope(
        intent, entity_id=node_id, category=EnumMessageCategory.INTENT
    ).model_dump_json()
    return effect.parse_envelope(wire_format, "ModelIntent")


async def carry_out(
    effect: NodeRegistryEffect, payload: dict[str, object], kind: str, node_id: str
) -> ModelConsulRegistrationResult:
    output = await effect.handle(consumed(effect, payload, kind, node_id), now=T0)
    [event] = output.events
    assert isinstance(event.payload, ModelConsulRegistrationResult)
    return event.payload


async def instances(
    consul: ConsulAdapter, name: str, present: bool
) -> list[ModelConsulServiceInstance]:
    """The catalogue's instances of `name` once they are (or are no longer) there."""
    async with asyncio.timeout(10):
        while bool(found := await consul.catalog_instances(name)) is not present:
            await asyncio.sleep(0.05)
    return found


async def test_a_node_is_registered_under_its_id_and_deregistered_idempotently(
    effect: NodeRegistryEffect, consul: ConsulAdapter
) -> None:
    node_id = uuid.uuid4()
    name = f"onex-test-{node_id.hex[:8]}"
    entry = service(node_id).model_copy(
        update={
            "service_name": name,
            "health_check_url": None,
            "meta": {"node_id": str(node_id), "team": "orders", "secret_sauce": "x"},
        }
    )
    register: dict[str, object] = {"service": entry.model_dump(mode="json"), "health": "degraded"}

    first = await carry_out(effect, register, "consul.register", str(node_id))
    await carry_out(effect, register, "consul.register", str(node_id))
    [registered] = await instances(consul, name, present=True)
    gone = await carry_out(effect, {"service_id": str(node_id)}, "consul.deregister", str(node_id))
    await carry_out(effect, {"service_id": str(node_id)}, "consul.deregister", str(node_id))
    after = await instances(consul, name, present=False)

    assert (first.operation, gone.operation) == (
        EnumConsulOperation.REGISTER,
        EnumConsulOperation.DEREGISTER,
    )
    assert registered.service_id == str(node_id)
    assert (registered.address, registered.port) == ("10.0.0.7", 8085)
    assert set(registered.tags) == {"effect", "v1.2.0", "health-degraded"}
    assert registered.meta == {"node_id": str(node_id), "team": "orders"}  # allow-listed only
    assert after == []


async def test_a_batch_registers_distinct_nodes_at_once_keeping_each_nodes_order(
    effect: NodeRegistryEffect, consul: ConsulAdapter
) -> None:
    unit_of_work = effect.container.resolve(ProtocolUnitOfWork)
    assert isinstance(unit_of_work, NodeConcurrentUnitOfWork)
    name = f"onex-test-batch-{uuid.uuid4().hex[:8]}"
    ids = [str(uuid.uuid4()) for _ in range(24)]

    def register(node_id: str) -> ModelEventEnvelope[object]:
        entry = service(uuid.UUID(node_id)).model_copy(
            update={"service_name": name, "health_check_url": None}
        )
        payload: dict[str, object] = {"service": entry.model_dump(mode="json"), "health": "healthy"}
        return consumed(effect, payload, "consul.register", node_id)

    gone = consumed(effect, {"service_id": ids[0]}, "consul.deregister", ids[0])
    batch = [register(ids[0]), *(register(node_id) for node_id in ids[1:]), gone]

    async def handle(message: ModelEventEnvelope[object], projection: object) -> ModelHandlerOutput:
        return await effect.handle(message, projection=projection, now=T0)

    outputs = await unit_of_work.run(batch, handle)

    results = [output.events[0].payload for output in outputs]
    assert [(r.service_id, r.operation) for r in results] == [  # type: ignore[attr-defined]
        *((node_id, EnumConsulOperation.REGISTER) for node_id in ids),
        (ids[0], EnumConsulOperation.DEREGISTER),
    ]
    async with asyncio.timeout(10):
        while {i.service_id for i in await consul.catalog_instances(name)} != set(ids[1:]):
            await asyncio.sleep(0.05)
    for node_id in ids[1:]:
        await consul.deregister_service(node_id)
