"""At-least-once delivery, end to end: every message may arrive twice, and a second copy must
leave one row and cost no Consul write. Copies are the exact records (key, value, headers)
produced again; a shutdown sent afterwards on the same partitions marks the point by which
the services have read them."""

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord  # type: ignore[import-untyped]
from e2e_observe import envelope_of, eventually, topic_reader
from e2e_registry import Registry, announcement
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
    TOPIC_CONSUL_REGISTRATION,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_ACK,
    TOPIC_NODE_REGISTRATION_DECISION,
    TOPIC_NODE_SHUTDOWN,
)
from omnibase_core.models.generated import (
    EnumNodeShutdownReason,
    ModelNodeRegistrationAck,
    ModelNodeShutdown,
)

pytestmark = pytest.mark.usefixtures("local_stack")


def _now() -> datetime:
    return datetime.now(UTC)


async def _register(registry: Registry, node_id: UUID) -> None:
    """Announce and ack `node_id` the way a node does, and wait until it is active."""
    await registry.publish(TOPIC_NODE_INTROSPECTION, announcement(node_id))
    await registry.projection.reaches(node_id, "awaiting_ack")
    ack = ModelNodeRegistrationAck(node_id=node_id, emitted_at=_now())
    await registry.publish(TOPIC_NODE_REGISTRATION_ACK, ack, category=EnumMessageCategory.COMMAND)
    await registry.projection.reaches(node_id, "active")
    await eventually(lambda: registry.consul.registered(node_id), what="registered in Consul")


async def _shut_down(registry: Registry, node_id: UUID) -> None:
    """Say goodbye for `node_id`, and wait until the registry has let it go everywhere."""
    goodbye = ModelNodeShutdown(
        node_id=node_id, reason=EnumNodeShutdownReason.GRACEFUL, emitted_at=_now()
    )
    await registry.publish(TOPIC_NODE_SHUTDOWN, goodbye)
    await registry.projection.reaches(node_id, "deregistered")
    await eventually(lambda: registry.consul.gone(node_id), what="deregistered from Consul")


async def _records_of(
    registry: Registry, topic: str, node_id: UUID, count: int
) -> list[ConsumerRecord]:
    """The first `count` records of `topic` about `node_id`."""
    async with topic_reader(registry.settings.kafka.bootstrap_servers, topic) as reader:
        return await reader.until(
            lambda records: (
                _about(records, node_id) if len(_about(records, node_id)) >= count else None
            )
        )


def _about(records: Sequence[ConsumerRecord], node_id: UUID) -> list[ConsumerRecord]:
    return [record for record in records if record.key == str(node_id).encode()]


async def _produce_again(registry: Registry, records: Sequence[ConsumerRecord]) -> None:
    """Deliver `records` a second time: same topic, key, value and headers."""
    producer = AIOKafkaProducer(bootstrap_servers=registry.settings.kafka.bootstrap_servers)
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(
                record.topic, record.value, key=record.key, headers=list(record.headers)
            )
    finally:
        await producer.stop()


async def test_an_announcement_and_ack_delivered_twice_register_the_node_once(
    registry: Registry,
) -> None:
    node_id = uuid4()
    await _register(registry, node_id)
    sent = [
        *await _records_of(registry, registry.topic(TOPIC_NODE_INTROSPECTION), node_id, 1),
        *await _records_of(registry, registry.topic(TOPIC_NODE_REGISTRATION_ACK), node_id, 1),
    ]
    before = await registry.projection.row(node_id)

    await _produce_again(registry, sent)
    await _shut_down(registry, node_id)

    after = await registry.projection.row(node_id)
    assert before is not None and after is not None
    assert await registry.projection.count(node_id) == 1
    assert after["version"] == before["version"] + 1  # only the shutdown changed it
    assert after["accepted_at"] == before["accepted_at"]
    assert registry.proxy.log_for(node_id) == ["register", "deregister"]


async def test_decisions_delivered_twice_change_no_row_and_write_nothing_to_consul(
    registry: Registry,
) -> None:
    node_id = uuid4()
    await _register(registry, node_id)
    topic = registry.topic(TOPIC_NODE_REGISTRATION_DECISION)
    decisions = (await _records_of(registry, topic, node_id, 2))[:2]
    before = await registry.projection.row(node_id)

    await _produce_again(registry, decisions)
    await _shut_down(registry, node_id)

    after = await registry.projection.row(node_id)
    assert before is not None and after is not None
    assert [envelope_of(r).message_type for r in decisions] == [
        "ModelNodeRegistrationAccepted",
        "ModelNodeActivated",
    ]
    assert after["version"] == before["version"] + 1
    assert registry.proxy.log_for(node_id) == ["register", "deregister"]


async def test_intents_delivered_again_after_a_whole_life_leave_consul_unchanged(
    registry: Registry,
) -> None:
    node_id = uuid4()
    await _register(registry, node_id)
    await _shut_down(registry, node_id)
    intents = await _records_of(registry, registry.topic(TOPIC_CONSUL_REGISTRATION), node_id, 2)

    await _produce_again(registry, intents)

    # The registry effect keeps no record of what it did: it carries the copies out again,
    # and since registering and deregistering are idempotent, Consul ends as it was.
    replayed = ["register", "deregister"] * 2
    await eventually(
        lambda: _same(registry.proxy.log_for(node_id), replayed),
        timeout=60,
        what="copies carried out",
    )
    assert await registry.consul.service(node_id) is None


async def _same(seen: list[str], expected: list[str]) -> bool:
    return seen == expected
