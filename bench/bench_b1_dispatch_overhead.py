"""B1: CPU-µs per message our runtime adds over a raw aiokafka getmany + validate loop.

Pre-fills one topic with N envelopes, then in the same run consumes it twice, each time as
a fresh consumer group from offset 0:
  raw:  AIOKafkaConsumer.getmany + ModelEventEnvelope[payload].model_validate_json per record
  ours: KafkaEventBus.subscribe_batch + NodePipeline (decode with the node's contract model,
        route, NodeBase.handle with a trivial handler, publish nothing, commit per batch),
        after `freeze_startup_heap()` as the host calls it once started
CPU is time.process_time() from subscribing until the N-th message is done. Printed, not
asserted. Needs Kafka (started here if it is not running).

Run: uv run python bench/bench_b1_dispatch_overhead.py [N [TAGS]]   (TAGS grows the payload)
"""

import asyncio
import platform
import sys
import time
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.local_infra import start_stack
from omnibase_infra.runtime.host import NodePipeline, freeze_startup_heap, load_node_class

NODE_DIR = Path(__file__).parent / "b1_node"
BATCH = 500
GROUP_TIMINGS = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 500}

sys.path.insert(0, str(Path(__file__).parent))
from b1_node.models import ModelBenchHeartbeat  # noqa: E402


def heartbeat(sequence: int, tags: int = 3) -> ModelEventEnvelope[ModelBenchHeartbeat]:
    payload = ModelBenchHeartbeat(
        node_id=f"node-{sequence % 1000:04d}",
        sequence=sequence,
        health="passing",
        observed_at=datetime.now(UTC),
        tags=tuple(f"capability-{index}" for index in range(tags)),
    )
    return ModelEventEnvelope[ModelBenchHeartbeat](
        message_type="ModelBenchHeartbeat",
        category=EnumMessageCategory.EVENT,
        entity_id=payload.node_id,
        emitted_at=payload.observed_at,
        producer="bench",
        payload=payload,
    )


async def prefill(settings: ModelOnexSettings, topic: str, count: int, tags: int) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 3, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka.bootstrap_servers, linger_ms=20, acks="all"
    )
    await producer.start()
    size = 0
    try:
        for sequence in range(count):
            envelope = heartbeat(sequence, tags)
            value = envelope.model_dump_json().encode()
            size = len(value)
            headers = [("message_type", b"ModelBenchHeartbeat")]
            await producer.send(topic, value, key=envelope.entity_id.encode(), headers=headers)
        await producer.flush()
    finally:
        await producer.stop()
    return size


async def raw_loop(settings: ModelOnexSettings, topic: str, count: int) -> tuple[float, float]:
    envelope_type = ModelEventEnvelope[ModelBenchHeartbeat]
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=f"bench-raw-{uuid.uuid4().hex}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=10,
        **GROUP_TIMINGS,
    )
    cpu, wall = time.process_time(), time.perf_counter()
    await consumer.start()
    done = 0
    try:
        while done < count:
            batches = await consumer.getmany(timeout_ms=100, max_records=BATCH)
            for records in batches.values():
                for record in records:
                    envelope_type.model_validate_json(record.value)
                done += len(records)
        return time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await consumer.stop()


async def runtime_path(settings: ModelOnexSettings, topic: str, count: int) -> tuple[float, float]:
    node = load_node_class(NODE_DIR)(ModelONEXContainer())
    finished = asyncio.Event()
    done = 0
    async with KafkaEventBus.from_settings(
        settings, fetch_max_wait_ms=10, max_batch_records=BATCH, **GROUP_TIMINGS
    ) as bus:
        pipeline = NodePipeline(node, bus, env=settings.env)

        async def handle(envelopes: list[ModelEventEnvelope[object]]) -> None:
            nonlocal done
            await pipeline.handle_batch(envelopes)
            done += len(envelopes)
            if done >= count:
                finished.set()

        freeze_startup_heap()  # as the host does once started
        cpu, wall = time.process_time(), time.perf_counter()
        await bus.subscribe_batch(
            topic, handle, group_id=f"bench-ours-{uuid.uuid4().hex}", decode=pipeline.decode
        )
        await finished.wait()
        return time.process_time() - cpu, time.perf_counter() - wall


async def main(count: int, tags: int) -> None:
    settings = load_settings()
    start_stack(settings, lambda line: print(f"  stack: {line}"), names=["kafka"])
    topic = f"b1{uuid.uuid4().hex[:8]}.onex.evt.bench-heartbeat.v1"
    env = topic.split(".", 1)[0]
    settings = settings.model_copy(update={"env": env})
    size = await prefill(settings, topic, count, tags)
    print(f"B1 dispatch overhead: N={count} envelopes, {size} bytes each, batch {BATCH}")
    print(
        f"  python {platform.python_version()}, aiokafka {version('aiokafka')}, "
        f"faststream {version('faststream')}, pydantic {version('pydantic')}, "
        f"kafka {settings.kafka.version}"
    )
    raw_cpu, raw_wall = await raw_loop(settings, topic, count)
    ours_cpu, ours_wall = await runtime_path(settings, topic, count)
    raw_us, ours_us = raw_cpu / count * 1e6, ours_cpu / count * 1e6
    print(f"  raw getmany+validate: {raw_us:7.2f} CPU-us/msg, {count / raw_wall:9.0f} msg/s")
    print(f"  ONEX runtime path:    {ours_us:7.2f} CPU-us/msg, {count / ours_wall:9.0f} msg/s")
    print(f"  added: {ours_us - raw_us:.2f} CPU-us/msg (target <= 15)")
    print(f"  throughput ratio: {raw_wall / ours_wall:.2f}x raw (target >= 0.7)")


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:3]]
    asyncio.run(main(*arguments, *(100_000, 3)[len(arguments) :]))
