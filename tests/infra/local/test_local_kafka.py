"""The local Apache Kafka broker: topics, keyed messages with headers, consumer groups."""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from omnibase_infra.config import ModelOnexSettings

pytestmark = pytest.mark.usefixtures("local_stack")

MESSAGES = 1000
PROCESSED_BEFORE_RESTART = 400


def _consumer(settings: ModelOnexSettings, topic: str, group: str) -> AIOKafkaConsumer:
    # Test settings from NOTES.md: quick group joins, short fetch waits, offsets we commit.
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=1000,
        heartbeat_interval_ms=100,
        fetch_max_wait_ms=10,
    )


async def _create_topic(settings: ModelOnexSettings, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()


async def _produce(settings: ModelOnexSettings, topic: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for number in range(MESSAGES):
            await producer.send(
                topic,
                key=f"node-{number % 37}".encode(),
                value=str(number).encode(),
                headers=[("sequence", str(number).encode()), ("source", b"test")],
            )
        await producer.flush()
    finally:
        await producer.stop()


async def _take(consumer: AIOKafkaConsumer, count: int) -> list[ConsumerRecord[bytes, bytes]]:
    taken: list[ConsumerRecord[bytes, bytes]] = []
    async with asyncio.timeout(30):
        while len(taken) < count:
            batches = await consumer.getmany(timeout_ms=200, max_records=count - len(taken))
            for records in batches.values():
                taken.extend(records)
    return taken


async def test_consumer_group_resumes_exactly_after_the_committed_offsets(
    local_stack: ModelOnexSettings,
) -> None:
    topic = f"test-local-kafka-{uuid.uuid4().hex}"
    group = f"test-group-{uuid.uuid4().hex}"
    await _create_topic(local_stack, topic)
    await _produce(local_stack, topic)

    first = _consumer(local_stack, topic, group)
    await first.start()
    try:
        before = await _take(first, PROCESSED_BEFORE_RESTART)
        processed = {
            TopicPartition(record.topic, record.partition): record.offset + 1 for record in before
        }
        await first.commit(processed)
    finally:
        await first.stop()

    second = _consumer(local_stack, topic, group)
    await second.start()
    try:
        after = await _take(second, MESSAGES - len(before))
        committed = {tp: await second.committed(tp) for tp in processed}
    finally:
        await second.stop()

    assert committed == processed
    first_offset_after_restart: dict[TopicPartition, int] = {}
    for record in after:
        tp = TopicPartition(record.topic, record.partition)
        first_offset_after_restart.setdefault(tp, record.offset)
    for tp, offset in first_offset_after_restart.items():
        assert offset == processed.get(tp, 0), f"{tp} resumed at {offset}"
    sequences = [int(record.value or b"") for record in before + after]
    assert sorted(sequences) == list(range(MESSAGES)), "every message exactly once"


async def test_keys_and_headers_arrive_as_sent(local_stack: ModelOnexSettings) -> None:
    topic = f"test-local-kafka-{uuid.uuid4().hex}"
    await _create_topic(local_stack, topic)
    await _produce(local_stack, topic)
    consumer = _consumer(local_stack, topic, f"test-group-{uuid.uuid4().hex}")
    await consumer.start()
    try:
        records = await _take(consumer, MESSAGES)
    finally:
        await consumer.stop()

    for record in records:
        number = int(record.value or b"")
        assert record.key == f"node-{number % 37}".encode()
        assert dict(record.headers) == {"sequence": str(number).encode(), "source": b"test"}
    partitions_per_key = {}
    for record in records:
        partitions_per_key.setdefault(record.key, set()).add(record.partition)
    assert all(len(partitions) == 1 for partitions in partitions_per_key.values())
