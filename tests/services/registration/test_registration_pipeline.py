"""The three registration services over real Kafka and PostgreSQL (Consul faked), end to end.

Each service runs in this process in the runtime host (`create_app`, as `onex run` does),
wired by its own `wiring.py`; only the registry effect gets a fake Consul instead.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from uuid import UUID, uuid4

import pytest
import registration_orchestrator
import registration_reducer
import registry_effect
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
    TOPIC_NODE_HEARTBEAT,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_ACK,
    TOPIC_NODE_REGISTRATION_DECISION,
    TOPIC_RUNTIME_TICK,
    ModelTopic,
)
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeType,
    ModelNodeRegistrationAck,
    ModelNodeRegistrationRejected,
    ModelRuntimeTick,
)
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.mixins import MixinNodeIntrospection
from omnibase_infra.registration import (
    EnumRegistrationState,
    ModelNodeRegistration,
    PostgresRegistrationStore,
)
from omnibase_infra.runtime import create_app
from omnibase_spi import ProtocolProjectionReader, ProtocolServiceDiscovery
from pydantic import BaseModel
from registration_builders import FakeConsul, envelope, heartbeat, introspection

pytestmark = pytest.mark.usefixtures("local_stack")
Envelope = ModelEventEnvelope[object]
FAST_KAFKA = {"session_timeout_ms": 1000, "heartbeat_interval_ms": 100, "fetch_max_wait_ms": 10}
FAST = {
    **FAST_KAFKA,
    "batch_timeout_ms": 20,
    "hold_backoff_seconds": (0.1, 0.5),
    "graceful_timeout_seconds": 2.0,
}
HEALTH = "http://127.0.0.1:9/health"


class ExampleNode(MixinNodeIntrospection):
    def execute_operation(self, data: str) -> str:
        return data


@dataclass
class Pipeline:
    settings: ModelOnexSettings
    bus: KafkaEventBus
    consul: FakeConsul
    registry: ProtocolProjectionReader[ModelNodeRegistration]
    decisions: list[Envelope] = field(default_factory=list)

    def topic(self, topic: ModelTopic) -> str:
        return str(topic.with_env(self.settings.env))

    async def publish(
        self,
        topic: ModelTopic,
        payload: BaseModel,
        *,
        category: EnumMessageCategory = EnumMessageCategory.EVENT,
    ) -> None:
        await self.bus.publish(self.topic(topic), envelope(payload, category=category, at=_now()))

    async def state(self, node_id: UUID) -> EnumRegistrationState | None:
        registration = await self.registry.get(str(node_id))
        return registration.state if registration else None

    async def reaches(self, node_id: UUID, state: EnumRegistrationState) -> ModelNodeRegistration:
        async def check() -> ModelNodeRegistration | None:
            registration = await self.registry.get(str(node_id))
            return registration if registration and registration.state is state else None

        found = await eventually(check)
        assert isinstance(found, ModelNodeRegistration)
        return found


def _now() -> datetime:
    return datetime.now(UTC)


def _folder(package: ModuleType) -> Path:
    return Path(str(package.__file__)).parent


@pytest.fixture
async def pipeline(
    local_stack: ModelOnexSettings, registry_database: str, db: PostgresPoolManager
) -> AsyncIterator[Pipeline]:
    """The services on a fresh environment (topics) and an emptied registry."""
    settings = local_stack.model_copy(
        update={
            "env": f"t{uuid4().hex[:10]}",
            "kafka": local_stack.kafka.model_copy(update=FAST_KAFKA),
            "postgres": local_stack.postgres.model_copy(update={"database": registry_database}),
            "registration": local_stack.registration.model_copy(
                update={"ack_timeout_seconds": 1.0, "liveness_timeout_seconds": 2.0}
            ),
        }
    )
    consul = FakeConsul()

    def fake_consul(container: ModelONEXContainer, _: ModelOnexSettings) -> None:
        container.register_instance(ProtocolServiceDiscovery, consul)

    hosts = [
        create_app(_folder(registration_orchestrator), settings=settings),
        create_app(_folder(registration_reducer), settings=settings),
        create_app(_folder(registry_effect), settings=settings, wiring=fake_consul),
    ]
    async with AsyncExitStack() as stack:
        for host in hosts:
            await host.app.start()
            stack.push_async_callback(host.app.stop)
        bus = await stack.enter_async_context(KafkaEventBus.from_settings(settings, **FAST))
        pipeline = Pipeline(settings, bus, consul, PostgresRegistrationStore(db))

        async def observe(envelopes: Sequence[Envelope]) -> None:
            pipeline.decisions.extend(envelopes)

        decisions = pipeline.topic(TOPIC_NODE_REGISTRATION_DECISION)
        await bus.subscribe_batch(decisions, observe, group_id="observer")
        await eventually(lambda: _ready(bus, *(host.bus for host in hosts)))
        yield pipeline


async def _ready(*buses: KafkaEventBus) -> bool:
    return all(bus.joined() for bus in buses)


async def eventually(check: Callable[[], Awaitable[object]], timeout: float = 30.0) -> object:
    """Poll `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_a_node_registers_acks_heartbeats_and_is_deregistered_on_shutdown(
    pipeline: Pipeline, db: PostgresPoolManager
) -> None:
    node, node_id = ExampleNode(), uuid4()
    node.initialize_introspection(
        node_id=node_id,
        node_name="example-node",
        node_type=EnumNodeType.COMPUTE,
        node_version="1.0.0",
        event_bus=pipeline.bus,
        env=pipeline.settings.env,
        heartbeat_interval=0.1,
        endpoints={"health": HEALTH},
    )

    await node.start_introspection()
    try:
        await pipeline.reaches(node_id, EnumRegistrationState.ACTIVE)

        async def beating() -> bool:
            registration = await pipeline.registry.get(str(node_id))
            return registration is not None and registration.heartbeat_sequence is not None

        await eventually(beating)
        await eventually(lambda: _registered(pipeline.consul, node_id))
    finally:
        await node.stop_introspection()
    entry = pipeline.consul.services[str(node_id)]
    assert (entry["name"], entry["address"]) == ("example-node", "127.0.0.1:9")
    assert "health-healthy" in entry["tags"]  # type: ignore[operator]
    await pipeline.reaches(node_id, EnumRegistrationState.DEREGISTERED)
    await eventually(lambda: _gone(pipeline.consul, node_id))
    await eventually(lambda: _outbox_empty(db))  # the reducer confirmed every publish


async def _outbox_empty(db: PostgresPoolManager) -> bool:
    return await db.fetchval("SELECT count(*) FROM registration_outbox") == 0


async def _gone(consul: FakeConsul, node_id: UUID) -> bool:
    return str(node_id) not in consul.services


async def test_an_invalid_announcement_is_rejected_and_nothing_is_stored(
    pipeline: Pipeline,
) -> None:
    node_id = uuid4()
    payload = {**introspection(node_id).model_dump(mode="json"), "node_type": "GATEWAY"}
    bad = envelope(introspection(node_id), at=_now()).model_copy(update={"payload": payload})

    await pipeline.bus.publish(pipeline.topic(TOPIC_NODE_INTROSPECTION), bad)

    async def rejected() -> list[Envelope]:
        return [d for d in pipeline.decisions if d.message_type == "ModelNodeRegistrationRejected"]

    [decision] = await eventually(rejected)  # type: ignore[misc]
    answer = ModelNodeRegistrationRejected.model_validate(decision.payload)
    assert (answer.node_id, answer.field) == (node_id, "node_type")
    assert await pipeline.state(node_id) is None


async def test_a_node_that_never_acks_times_out_and_leaves_consul(pipeline: Pipeline) -> None:
    node_id = uuid4()
    await pipeline.publish(TOPIC_NODE_INTROSPECTION, introspection(node_id, at=_now()))
    waiting = await pipeline.reaches(node_id, EnumRegistrationState.AWAITING_ACK)
    await eventually(lambda: _registered(pipeline.consul, node_id))
    assert waiting.ack_deadline is not None

    tick = ModelRuntimeTick(
        sequence=1, now=waiting.ack_deadline + timedelta(seconds=1), scheduler_id="t"
    )
    await pipeline.publish(TOPIC_RUNTIME_TICK, tick)

    await pipeline.reaches(node_id, EnumRegistrationState.ACK_TIMED_OUT)
    await eventually(lambda: _gone(pipeline.consul, node_id))


async def _registered(consul: FakeConsul, node_id: UUID) -> bool:
    return str(node_id) in consul.services


async def test_a_silent_node_expires_only_once_the_heartbeat_watermark_passes_its_deadline(
    pipeline: Pipeline,
) -> None:
    silent, talker = uuid4(), uuid4()
    await pipeline.publish(TOPIC_NODE_INTROSPECTION, introspection(silent, at=_now()))
    await pipeline.reaches(silent, EnumRegistrationState.AWAITING_ACK)
    ack = ModelNodeRegistrationAck(node_id=silent, emitted_at=_now())
    await pipeline.publish(TOPIC_NODE_REGISTRATION_ACK, ack, category=EnumMessageCategory.COMMAND)
    active = await pipeline.reaches(silent, EnumRegistrationState.ACTIVE)
    assert active.liveness_deadline is not None
    deadline = active.liveness_deadline
    await asyncio.sleep(max(0.0, (deadline - _now()).total_seconds()) + 0.2)
    later = deadline + timedelta(seconds=5)

    # No heartbeat newer than its deadline has been applied: the pipeline may just lag.
    await pipeline.publish(
        TOPIC_RUNTIME_TICK, ModelRuntimeTick(sequence=1, now=later, scheduler_id="t")
    )
    await asyncio.sleep(1.0)
    still = await pipeline.state(silent)
    await pipeline.publish(TOPIC_NODE_HEARTBEAT, heartbeat(talker, 1, _now()))
    await asyncio.sleep(0.5)
    await pipeline.publish(
        TOPIC_RUNTIME_TICK, ModelRuntimeTick(sequence=2, now=later, scheduler_id="t")
    )

    assert still is EnumRegistrationState.ACTIVE
    await pipeline.reaches(silent, EnumRegistrationState.LIVENESS_EXPIRED)
    await eventually(lambda: _gone(pipeline.consul, silent))
