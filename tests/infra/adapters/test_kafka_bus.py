"""The Kafka event bus against the real local broker: publish, consume, retry, DLQ, commits."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from aiokafka import (  # type: ignore[import-untyped]
    AIOKafkaConsumer,
    AIOKafkaProducer,
    TopicPartition,
)
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import NodeRoutingError
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_infra.adapters.kafka import (
    HEADER_ATTEMPTS,
    HEADER_CONSUMER_GROUP,
    HEADER_ERROR_CLASS,
    HEADER_ORIGINAL_OFFSET,
    HEADER_ORIGINAL_PARTITION,
    HEADER_ORIGINAL_SIZE,
    HEADER_ORIGINAL_TOPIC,
    HEADER_REASON,
    HEADER_REDACTED,
    KafkaEventBus,
    dead_letter_topic,
    original_headers,
)
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.errors import InfraConnectionError, InfraUnavailableError
from pydantic import BaseModel, ConfigDict

pytestmark = pytest.mark.usefixtures("local_stack")

Envelope = ModelEventEnvelope[object]
CANARY = "canary-Secr3t-7f1c"
# Fast group joins and fetches (NOTES.md), quick retries and holds.
FAST = {
    "session_timeout_ms": 1000,
    "heartbeat_interval_ms": 100,
    "fetch_max_wait_ms": 10,
    "batch_timeout_ms": 20,
    "handler_retry": {"max_attempts": 3, "backoff_seconds": 0.01, "max_backoff_seconds": 0.05},
    "hold_backoff_seconds": (0.1, 0.2),
    "graceful_timeout_seconds": 1.0,
}


class ModelGreeting(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str


def greeting(name: str, *, entity_id: str = "node-1") -> Envelope:
    return ModelEventEnvelope[object](
        message_type="ModelGreeting",
        category=EnumMessageCategory.EVENT,
        entity_id=entity_id,
        emitted_at=datetime.now(UTC),
        producer="test",
        payload=ModelGreeting(name=name),
    )


def decode_greeting(value: bytes, message_type: str | None) -> Envelope:
    """A node-like decoder: only ModelGreeting is known, and its payload is validated."""
    if message_type != "ModelGreeting":
        raise NodeRoutingError(f"unknown message type {message_type!r}")
    return ModelEventEnvelope[ModelGreeting].model_validate_json(value)  # type: ignore[return-value]


def unique(prefix: str) -> str:
    return f"test-{prefix}-{uuid.uuid4().hex[:12]}"


async def create_topic(settings: ModelOnexSettings, topic: str, partitions: int = 1) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        configs = {"max.message.bytes": str(4 * 1024 * 1024)}
        await admin.create_topics([NewTopic(topic, partitions, 1, topic_configs=configs)])
    finally:
        await admin.close()


async def produce_raw(
    settings: ModelOnexSettings,
    topic: str,
    messages: list[tuple[bytes, list[tuple[str, bytes]]]],
) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka.bootstrap_servers, max_request_size=4 * 1024 * 1024
    )
    await producer.start()
    try:
        for value, headers in messages:
            await producer.send_and_wait(topic, value, key=b"node-1", headers=headers)
    finally:
        await producer.stop()


async def read(settings: ModelOnexSettings, topic: str, count: int) -> list[object]:
    """The first `count` records of `topic` (waits up to 20 s for them)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=unique("reader"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=1000,
        heartbeat_interval_ms=100,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    records: list[object] = []
    try:
        async with asyncio.timeout(20):
            while len(records) < count:
                batches = await consumer.getmany(timeout_ms=100)
                for batch in batches.values():
                    records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def committed(settings: ModelOnexSettings, topic: str, group: str) -> int | None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        offset: int | None = await consumer.committed(TopicPartition(topic, 0))
        return offset
    finally:
        await consumer.stop()


async def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def bus(local_stack: ModelOnexSettings) -> AsyncIterator[KafkaEventBus]:
    async with KafkaEventBus.from_settings(local_stack, **FAST) as started:
        yield started


def headers_of(record: object) -> dict[str, str]:
    return {key: value.decode() for key, value in record.headers}  # type: ignore[attr-defined]


def headers_of_dlq(record: object) -> dict[str, str]:
    """A dead letter's own `dlq_*` headers (after the original record's, kept as bytes)."""
    headers = record.headers  # type: ignore[attr-defined]
    return {key: value.decode() for key, value in headers[len(original_headers(headers)) :]}


async def test_published_envelope_carries_entity_key_routing_headers_and_json(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic = unique("publish")
    await create_topic(local_stack, topic)
    sent = greeting("ada", entity_id="node-42")

    await bus.publish(topic, sent)

    (record,) = await read(local_stack, topic, 1)
    assert record.key == b"node-42"  # type: ignore[attr-defined]
    headers = headers_of(record)
    assert headers["message_type"] == "ModelGreeting"
    assert headers["correlation_id"] == str(sent.correlation_id)
    assert headers["schema_version"] == "1.0.0"
    assert headers["content-type"] == "application/json"
    received = Envelope.model_validate_json(record.value)  # type: ignore[attr-defined]
    assert received.message_id == sent.message_id
    assert received.payload == {"name": "ada"}


async def test_subscriber_gets_each_envelope_decoded_in_publish_order(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic = unique("roundtrip")
    await create_topic(local_stack, topic)
    got: list[Envelope] = []

    async def handler(envelope: Envelope) -> None:
        got.append(envelope)

    await bus.subscribe(topic, handler, group_id=unique("group"), decode=decode_greeting)
    sent = [greeting(f"n{index}") for index in range(5)]
    await bus.publish_many([(topic, envelope) for envelope in sent])

    await wait_for(lambda: len(got) == 5)
    assert [envelope.message_id for envelope in got] == [e.message_id for e in sent]
    assert isinstance(got[0].payload, ModelGreeting)
    await wait_for(lambda: bus.joined())


async def test_a_listener_with_a_max_delay_gets_messages_sent_apart_in_one_fetch(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic = unique("bulk")
    await create_topic(local_stack, topic)
    arrived: list[float] = []

    async def handler(_: Envelope) -> None:
        arrived.append(time.monotonic())

    await bus.subscribe(topic, handler, group_id=unique("group"), max_delay_ms=1_000)
    await wait_for(lambda: bus.joined())
    for index in range(5):  # 50 ms apart: a fetch per message without the delay
        await bus.publish(topic, greeting(f"n{index}"))
        await asyncio.sleep(0.05)

    await wait_for(lambda: len(arrived) == 5)
    fetches = 1 + sum(later - earlier > 0.03 for earlier, later in pairwise(arrived))
    assert fetches <= 2, f"5 messages came in {fetches} fetches"


async def test_failing_handler_is_retried_then_dead_lettered_with_its_origin(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic, group = unique("retry"), unique("group")
    await create_topic(local_stack, topic)
    attempts: list[str] = []
    done: list[str] = []

    async def handler(envelope: Envelope) -> None:
        name = str(envelope.payload.name)  # type: ignore[attr-defined]
        if name == "bad":
            attempts.append(name)
            raise RuntimeError(f"cannot greet (password={CANARY})")
        done.append(name)

    await bus.subscribe(topic, handler, group_id=group, decode=decode_greeting)
    await bus.publish_many([(topic, greeting("bad")), (topic, greeting("good"))])

    await wait_for(lambda: done == ["good"])
    assert len(attempts) == 3
    (dead,) = await read(local_stack, dead_letter_topic(topic), 1)
    headers = headers_of(dead)
    assert headers[HEADER_ORIGINAL_TOPIC] == topic
    assert headers[HEADER_ORIGINAL_PARTITION] == "0"
    assert headers[HEADER_ORIGINAL_OFFSET] == "0"
    assert headers[HEADER_ERROR_CLASS] == "RuntimeError"
    assert headers[HEADER_ATTEMPTS] == "3"
    assert headers[HEADER_CONSUMER_GROUP] == group
    assert "cannot greet" in headers[HEADER_REASON]
    assert CANARY not in json.dumps(headers) + dead.value.decode()  # type: ignore[attr-defined]
    assert json.loads(dead.value)["payload"] == {"name": "bad"}  # type: ignore[attr-defined]
    async with asyncio.timeout(10):
        while await committed(local_stack, topic, group) != 2:
            await asyncio.sleep(0.1)


async def test_bad_input_goes_to_the_dlq_unretried_and_valid_messages_still_flow(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic, group = unique("bad-input"), unique("group")
    await create_topic(local_stack, topic)
    handled: list[str] = []

    async def handler(envelope: Envelope) -> None:
        handled.append(str(envelope.payload.name))  # type: ignore[attr-defined]

    valid = greeting("valid")
    invalid = json.loads(greeting("x").model_dump_json())
    invalid["payload"] = {"nickname": f"password={CANARY}"}
    typed = [("message_type", b"ModelGreeting")]
    await produce_raw(
        local_stack,
        topic,
        [
            (b"\xff\xfe{not json", typed),
            (json.dumps(invalid).encode(), typed),
            (valid.model_dump_json().encode(), [("message_type", b"ModelUnknown")]),
            (b"x" * (2 * 1024 * 1024), typed),
            (valid.model_dump_json().encode(), typed),
        ],
    )
    await bus.subscribe(topic, handler, group_id=group, decode=decode_greeting)

    await wait_for(lambda: handled == ["valid"])
    dead = await read(local_stack, dead_letter_topic(topic), 4)
    classes = [headers_of_dlq(record)[HEADER_ERROR_CLASS] for record in dead]
    assert classes == [
        "ValidationError",
        "ValidationError",
        "NodeRoutingError",
        "MessageRejectedError",
    ]
    assert [headers_of(record)[HEADER_ORIGINAL_OFFSET] for record in dead] == ["0", "1", "2", "3"]
    assert all(headers_of(record)[HEADER_ATTEMPTS] == "1" for record in dead)
    oversize = dead[3]
    assert headers_of(oversize)[HEADER_ORIGINAL_SIZE] == str(2 * 1024 * 1024)
    assert len(oversize.value) <= bus.config.dead_letter_sample_bytes  # type: ignore[attr-defined]
    everything = b"".join(b"".join(v for _, v in r.headers) + r.value for r in dead)  # type: ignore[attr-defined]
    assert CANARY.encode() not in everything
    assert dead[0].value == b"\xff\xfe{not json"  # type: ignore[attr-defined]
    assert handled == ["valid"]


async def test_undecodable_bytes_come_out_of_the_dlq_byte_for_byte_with_key_and_headers(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic, group = unique("dlq-bytes"), unique("group")
    await create_topic(local_stack, topic)
    garbage = b"\xff\xfe\x00garbage"
    headers = [("message_type", b"ModelGreeting"), ("trace", b"\x80\xff"), ("trace", b"again")]
    producer = AIOKafkaProducer(bootstrap_servers=local_stack.kafka.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, garbage, key=b"\x00\xffkey", headers=headers)
    finally:
        await producer.stop()

    async def handler(envelope: Envelope) -> None:
        raise AssertionError("undecodable bytes reached the handler")

    await bus.subscribe(topic, handler, group_id=group, decode=decode_greeting)

    (dead,) = await read(local_stack, dead_letter_topic(topic), 1)
    assert dead.value == garbage  # type: ignore[attr-defined]
    assert dead.key == b"\x00\xffkey"  # type: ignore[attr-defined]
    assert original_headers(dead.headers) == headers  # type: ignore[attr-defined]
    meta = headers_of_dlq(dead)
    assert meta[HEADER_ORIGINAL_TOPIC] == topic
    assert meta[HEADER_ORIGINAL_OFFSET] == "0"
    assert meta[HEADER_ERROR_CLASS] == "ValidationError"
    assert HEADER_REDACTED not in meta


async def test_offset_is_not_committed_while_the_handler_runs_and_is_redelivered_after_a_stop(
    local_stack: ModelOnexSettings,
) -> None:
    topic, group = unique("no-early-commit"), unique("group")
    await create_topic(local_stack, topic)
    sent = greeting("slow")
    started = asyncio.Event()

    async def stuck(envelope: Envelope) -> None:
        started.set()
        await asyncio.Event().wait()  # never finishes: the consumer is stopped mid-handler

    async with KafkaEventBus.from_settings(local_stack, **FAST) as first:
        await first.subscribe(topic, stuck, group_id=group)
        await first.publish(topic, sent)
        async with asyncio.timeout(20):
            await started.wait()
        assert await committed(local_stack, topic, group) is None
    assert await committed(local_stack, topic, group) is None

    redelivered: list[Envelope] = []

    async def collect(envelope: Envelope) -> None:
        redelivered.append(envelope)

    async with KafkaEventBus.from_settings(local_stack, **FAST) as second:
        await second.subscribe(topic, collect, group_id=group)
        await wait_for(lambda: len(redelivered) == 1)
        assert redelivered[0].message_id == sent.message_id
        async with asyncio.timeout(10):
            while await committed(local_stack, topic, group) != 1:
                await asyncio.sleep(0.1)


async def test_a_failed_dead_letter_write_commits_nothing_and_blocks_the_partition(
    local_stack: ModelOnexSettings,
) -> None:
    # Kafka topic names stop at 249 characters, so this topic's `.dlq` cannot exist.
    topic, group = unique("dlq-fails").ljust(247, "x"), unique("group")
    await create_topic(local_stack, topic)
    decoded: list[bytes] = []
    handled: list[Envelope] = []

    def counting_decode(value: bytes, message_type: str | None) -> Envelope:
        decoded.append(value)
        return decode_greeting(value, message_type)

    async def handler(envelope: Envelope) -> None:
        handled.append(envelope)

    typed = [("message_type", b"ModelGreeting")]
    await produce_raw(
        local_stack,
        topic,
        [(b"not json", typed), (greeting("after").model_dump_json().encode(), typed)],
    )
    async with KafkaEventBus.from_settings(local_stack, **FAST, publish_timeout_seconds=0.5) as bus:
        await bus.subscribe(topic, handler, group_id=group, decode=counting_decode)
        await wait_for(lambda: decoded.count(b"not json") >= 3)
        assert handled == []
        assert await committed(local_stack, topic, group) is None


async def test_a_dependency_outage_holds_the_message_instead_of_dead_lettering_it(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic, group = unique("outage"), unique("group")
    await create_topic(local_stack, topic)
    calls: list[str] = []

    async def handler(envelope: Envelope) -> None:
        calls.append(str(envelope.payload.name))  # type: ignore[attr-defined]
        if len(calls) <= 5:  # more failures than handler_retry.max_attempts
            raise InfraConnectionError("database is down")

    await bus.subscribe(topic, handler, group_id=group, decode=decode_greeting)
    await bus.publish_many([(topic, greeting("first")), (topic, greeting("second"))])

    await wait_for(lambda: calls[-2:] == ["first", "second"])
    assert set(calls[:5]) == {"first"}, "nothing overtakes the held message"
    async with asyncio.timeout(10):
        while await committed(local_stack, topic, group) != 2:
            await asyncio.sleep(0.1)
    assert await bus_dlq_is_empty(local_stack, topic)


async def bus_dlq_is_empty(settings: ModelOnexSettings, topic: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        return dead_letter_topic(topic) not in await admin.list_topics()
    finally:
        await admin.close()


async def test_a_failing_batch_is_retried_message_by_message_so_only_the_bad_one_is_dead(
    bus: KafkaEventBus, local_stack: ModelOnexSettings
) -> None:
    topic = unique("batch")
    await create_topic(local_stack, topic)
    stored: list[str] = []
    calls: list[int] = []

    async def store(envelopes: Sequence[Envelope]) -> None:
        calls.append(len(envelopes))
        names = [str(e.payload.name) for e in envelopes]  # type: ignore[attr-defined]
        if "poison" in names:
            raise ValueError("poison in the batch")
        stored.extend(names)

    sent = [greeting(name) for name in ("a", "b", "poison", "c")]
    await bus.publish_many([(topic, envelope) for envelope in sent])
    await bus.subscribe_batch(topic, store, group_id=unique("group"), decode=decode_greeting)

    await wait_for(lambda: sorted(stored) == ["a", "b", "c"])
    assert calls[0] == 4, "the whole fetch went to the handler in one call"
    (dead,) = await read(local_stack, dead_letter_topic(topic), 1)
    assert headers_of(dead)[HEADER_ERROR_CLASS] == "ValueError"
    assert headers_of(dead)[HEADER_ORIGINAL_OFFSET] == "2"


async def test_publishing_to_an_unreachable_cluster_opens_the_breaker(
    local_stack: ModelOnexSettings,
) -> None:
    closed_port = local_stack.kafka.port + 7
    broken = KafkaEventBus.from_settings(
        local_stack,
        bootstrap_servers=f"127.0.0.1:{closed_port}",
        request_timeout_ms=1000,
        circuit_breaker={"threshold": 2, "reset_timeout_seconds": 30.0},
    )
    for _ in range(2):
        with pytest.raises(InfraConnectionError):
            await broken.start()
    with pytest.raises(InfraUnavailableError) as refused:
        await broken.start()
    assert refused.value.retry_after_seconds is not None
    await broken.aclose()
