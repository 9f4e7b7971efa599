"""A node announces itself, beats, answers the registry and acks over the real Kafka broker."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
    TOPIC_NODE_HEARTBEAT,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_ACK,
    TOPIC_NODE_REGISTRATION_DECISION,
    TOPIC_NODE_SHUTDOWN,
    TOPIC_REGISTRY_REQUEST_INTROSPECTION,
    ModelTopic,
)
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeIntrospectionReason,
    EnumNodeShutdownReason,
    ModelNodeHeartbeat,
    ModelNodeIntrospectionEvent,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationAck,
    ModelNodeShutdown,
    ModelRegistryRequestIntrospection,
)
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.mixins import MixinNodeIntrospection

pytestmark = pytest.mark.usefixtures("local_stack")

Envelope = ModelEventEnvelope[object]
# Fast group joins and fetches for tests (NOTES.md).
FAST = {
    "session_timeout_ms": 1000,
    "heartbeat_interval_ms": 100,
    "fetch_max_wait_ms": 10,
    "batch_timeout_ms": 20,
    "graceful_timeout_seconds": 1.0,
}


class NodeGreeterCompute(MixinNodeIntrospection):
    def execute_greeting(self, name: str) -> str:
        return f"hello {name}"

    def _secret_helper(self) -> None:
        return None


class Watcher:
    """Everything the registry side sees on the registration topics of one environment."""

    def __init__(self, env: str) -> None:
        self.env = env
        self.seen: dict[str, list[Envelope]] = {}
        self._changed = asyncio.Condition()

    def topic(self, name: ModelTopic) -> str:
        return str(name.with_env(self.env))

    async def record(self, topic: str, envelope: Envelope) -> None:
        async with self._changed:
            self.seen.setdefault(topic, []).append(envelope)
            self._changed.notify_all()

    async def wait_for(self, name: ModelTopic, count: int, timeout: float = 30) -> list[Envelope]:
        topic = self.topic(name)
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.seen.get(topic, [])) >= count)
        return self.seen[topic]


@pytest.fixture
async def bus(local_stack: ModelOnexSettings) -> AsyncIterator[KafkaEventBus]:
    async with KafkaEventBus.from_settings(local_stack, **FAST) as bus:
        yield bus


@pytest.fixture
async def watcher(bus: KafkaEventBus) -> Watcher:
    watcher = Watcher(env=f"t{uuid.uuid4().hex[:10]}")
    watched = (
        TOPIC_NODE_INTROSPECTION,
        TOPIC_NODE_HEARTBEAT,
        TOPIC_NODE_REGISTRATION_ACK,
        TOPIC_NODE_SHUTDOWN,
    )
    for name in watched:
        topic = watcher.topic(name)

        async def record(envelope: Envelope, topic: str = topic) -> None:
            await watcher.record(topic, envelope)

        await bus.subscribe(topic, record, group_id=f"watcher-{uuid.uuid4().hex[:8]}")
    return watcher


async def test_node_registers_itself_over_kafka(bus: KafkaEventBus, watcher: Watcher) -> None:
    node = NodeGreeterCompute()
    node_id = uuid.uuid4()
    node.initialize_introspection(
        node_id=node_id,
        node_name="greeter-compute",
        node_type="compute",
        node_version="1.0.0",
        event_bus=bus,
        env=watcher.env,
        heartbeat_interval=0.2,
        endpoints={"health": "http://127.0.0.1:8090/health"},
    )
    startup = await node.start_introspection()
    try:
        # Announced, with only the public operation.
        [announced] = await watcher.wait_for(TOPIC_NODE_INTROSPECTION, 1)
        event = ModelNodeIntrospectionEvent.model_validate(announced.payload)
        assert event == startup and event.capabilities == ["execute_greeting"]

        # Heartbeats keep coming, sequence growing by one.
        beats = await watcher.wait_for(TOPIC_NODE_HEARTBEAT, 3)
        sequences = [ModelNodeHeartbeat.model_validate(b.payload).sequence for b in beats[:3]]
        assert sequences == list(range(sequences[0], sequences[0] + 3))
        assert {beat.entity_id for beat in beats} == {str(node_id)}

        # A broadcast request makes the node announce itself again, in the same conversation.
        now = datetime.now(UTC)
        ask = ModelEventEnvelope.create(
            ModelRegistryRequestIntrospection(requested_at=now),
            entity_id="all",
            producer="operator",
            emitted_at=now,
            category=EnumMessageCategory.COMMAND,
        )
        await bus.publish(watcher.topic(TOPIC_REGISTRY_REQUEST_INTROSPECTION), ask)
        answer = (await watcher.wait_for(TOPIC_NODE_INTROSPECTION, 2))[1]
        reason = ModelNodeIntrospectionEvent.model_validate(answer.payload).reason
        assert reason is EnumNodeIntrospectionReason.REQUESTED
        assert (answer.correlation_id, answer.causation_id) == (ask.correlation_id, ask.message_id)

        # The orchestrator's acceptance is acknowledged by the node.
        accepted = ModelEventEnvelope.create(
            ModelNodeRegistrationAccepted(
                node_id=node_id, ack_deadline=now + timedelta(seconds=30), accepted_at=now
            ),
            entity_id=str(node_id),
            producer="registration-orchestrator",
            emitted_at=now,
        )
        await bus.publish(watcher.topic(TOPIC_NODE_REGISTRATION_DECISION), accepted)
        [ack] = await watcher.wait_for(TOPIC_NODE_REGISTRATION_ACK, 1)
        assert ModelNodeRegistrationAck.model_validate(ack.payload).node_id == node_id
        assert ack.correlation_id == accepted.correlation_id
    finally:
        shutdown = await node.stop_introspection(EnumNodeShutdownReason.GRACEFUL)

    [goodbye] = await watcher.wait_for(TOPIC_NODE_SHUTDOWN, 1)
    assert ModelNodeShutdown.model_validate(goodbye.payload) == shutdown
