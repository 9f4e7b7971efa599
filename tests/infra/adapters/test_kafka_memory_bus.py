"""The in-memory event bus behaves like the Kafka bus for handler unit tests."""

from datetime import UTC, datetime

import pytest
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_infra.adapters.kafka.testing import InMemoryEventBus
from omnibase_spi import ProtocolEventBus

Envelope = ModelEventEnvelope[object]


def envelope(name: str) -> Envelope:
    return ModelEventEnvelope[object](
        message_type="Greeting",
        category=EnumMessageCategory.EVENT,
        entity_id="node-1",
        emitted_at=datetime.now(UTC),
        producer="test",
        payload={"name": name},
    )


def test_in_memory_bus_is_an_event_bus() -> None:
    assert isinstance(InMemoryEventBus(), ProtocolEventBus)


async def test_published_envelopes_reach_one_subscriber_per_group_as_json_round_trips() -> None:
    bus = InMemoryEventBus()
    seen: dict[str, list[Envelope]] = {"a": [], "b": []}

    async def to(group: str) -> None:
        async def handler(received: Envelope) -> None:
            seen[group].append(received)

        await bus.subscribe("t", handler, group_id=group)

    await to("a")
    await to("b")
    await to("b")  # a second member of group b: each message goes to one of them
    sent = envelope("ada")
    await bus.publish("t", sent)

    assert [e.message_id for e in seen["a"]] == [sent.message_id]
    assert [e.message_id for e in seen["b"]] == [sent.message_id]
    assert seen["a"][0] is not sent and seen["a"][0] == sent
    assert bus.published["t"] == [sent]


async def test_handler_errors_reach_the_publisher_and_unsubscribe_stops_delivery() -> None:
    bus = InMemoryEventBus()

    async def failing(received: Envelope) -> None:
        raise RuntimeError("handler failed")

    unsubscribe = await bus.subscribe("t", failing, group_id="g")
    with pytest.raises(RuntimeError, match="handler failed"):
        await bus.publish("t", envelope("x"))
    await unsubscribe()
    await bus.publish("t", envelope("y"))
    assert len(bus.published["t"]) == 2
