"""Bad input to the running registry: a broken announcement is rejected with a reason and
nothing is stored anywhere; bytes that are no message at all go to the dead-letter topic,
and the registry carries on."""

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord  # type: ignore[import-untyped]
from e2e_observe import envelopes, eventually, topic_reader
from e2e_registry import Registry, announcement
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import TOPIC_NODE_INTROSPECTION, TOPIC_NODE_REGISTRATION_DECISION
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_infra.adapters.kafka import original_headers

pytestmark = pytest.mark.usefixtures("local_stack")
Payload = dict[str, object]
GARBAGE = b"\xff\xfe\x00garbage not json {"
GARBAGE_HEADERS = [("message_type", b"ModelNodeIntrospectionEvent"), ("trace", b"\x80\xff")]


def _unknown_field(payload: Payload) -> None:
    payload["colour"] = "blue"


def _oversized_metadata(payload: Payload) -> None:
    payload["metadata"] = {f"label-{i}": "x" for i in range(33)}


def _long_metadata_value(payload: Payload) -> None:
    payload["metadata"] = {"team": "x" * 513}


def _invalid_node_type(payload: Payload) -> None:
    payload["node_type"] = "GATEWAY"


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_unknown_field, "colour"),
        (_oversized_metadata, "metadata"),
        (_long_metadata_value, "metadata.team"),
        (_invalid_node_type, "node_type"),
    ],
)
async def test_a_broken_announcement_is_rejected_with_its_reason_and_nothing_is_stored(
    registry: Registry, spoil: Callable[[Payload], None], field: str
) -> None:
    node_id = uuid4()
    payload = announcement(node_id).model_dump(mode="json")
    spoil(payload)
    broken = ModelEventEnvelope[object](
        message_type="ModelNodeIntrospectionEvent",
        category=EnumMessageCategory.EVENT,
        entity_id=str(node_id),
        emitted_at=datetime.now(UTC),
        producer="e2e-tests",
        payload=payload,
    )

    await registry.bus.publish(registry.topic(TOPIC_NODE_INTROSPECTION), broken)

    async with topic_reader(
        registry.settings.kafka.bootstrap_servers,
        registry.topic(TOPIC_NODE_REGISTRATION_DECISION),
    ) as reader:
        rejection = await reader.until(lambda records: _rejection_of(records, str(node_id)))
    assert rejection["field"] == field
    assert str(rejection["reason"]).startswith(f"{field}: ")
    assert rejection["node_id"] == str(node_id)
    assert await registry.projection.row(node_id) is None
    assert await registry.consul.service(node_id) is None
    assert registry.proxy.writes_for(node_id) == 0


def _rejection_of(records: list[ConsumerRecord], node_id: str) -> Payload | None:
    for envelope in envelopes(records):
        rejected = envelope.message_type == "ModelNodeRegistrationRejected"
        if rejected and envelope.payload.get("node_id") == node_id:
            return envelope.payload
    return None


async def test_undecodable_bytes_go_to_the_dead_letter_topic_and_the_registry_carries_on(
    registry: Registry,
) -> None:
    topic = registry.topic(TOPIC_NODE_INTROSPECTION)
    key = str(uuid4()).encode()
    producer = AIOKafkaProducer(bootstrap_servers=registry.settings.kafka.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, GARBAGE, key=key, headers=GARBAGE_HEADERS)
    finally:
        await producer.stop()
    node_id = uuid4()
    await registry.publish(TOPIC_NODE_INTROSPECTION, announcement(node_id))

    await registry.projection.reaches(node_id, "awaiting_ack")
    await eventually(lambda: registry.consul.registered(node_id), what="registered after")
    async with topic_reader(registry.settings.kafka.bootstrap_servers, f"{topic}.dlq") as reader:
        [dead] = await reader.until(lambda records: [r for r in records if r.key == key])
    # The DLQ keeps the original record byte for byte (so it can be replayed as it was).
    assert dead.value == GARBAGE
    assert original_headers(dead.headers) == GARBAGE_HEADERS
    headers = {name: value.decode() for name, value in dead.headers[len(GARBAGE_HEADERS) :]}
    assert int(headers["dlq_original_partition"]) in range(3)
    assert int(headers["dlq_original_offset"]) >= 0
    assert headers["dlq_original_topic"] == topic
    assert headers["dlq_consumer_group"] == f"registration-orchestrator.{topic}"
    assert int(headers["dlq_attempts"]) == 1
    assert headers["dlq_error_class"]
    assert headers["dlq_reason"]
