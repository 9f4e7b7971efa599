"""B1: CPU-µs per message our runtime adds over a raw aiokafka getmany + validate loop.

Pre-fills one topic with N envelopes, then consumes it with both loops in turn, ROUNDS
times each (interleaved, each a fresh consumer group from offset 0), in one process set up
as the runtime host sets itself up once started (`tune_heap_for_batches()`):
  raw:  AIOKafkaConsumer.getmany + ModelEventEnvelope[payload].model_validate_json per
        record, then a commit per batch that overlaps the next batch (as ours does)
  ours: KafkaEventBus.subscribe_batch + NodePipeline (decode with the node's contract
        model, route, NodeBase.handle with a trivial handler, publish nothing, commit per
        batch)
Both are timed from the first fetched record to the N-th handled (the group join is
start-up, not throughput): CPU with time.process_time(), throughput with the wall clock. On a shared
machine the wall clock also measures the neighbours, so the one-core throughput
(1 / CPU per message) is printed beside it. Best round of each. Printed, not asserted.
Needs Kafka (started here if it is not running).

Run: uv run python bench/bench_b1_dispatch_overhead.py [N [TAGS [ROUNDS]]]
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
from omnibase_infra.runtime.host import NodePipeline, load_node_class, tune_heap_for_batches

NODE_DIR = Path(__file__).parent / "b1_node"
BATCH = 500
GROUP_TIMINGS = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 500}

sys.path.insert(0, str(Path(__file__).parent))
from b1_node.models import ModelBenchHeartbeat  # noqa: E402


class Clock:
    """CPU and wall time from `start()` (the first record in hand) to `stop()`."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0
        self._started: tuple[float, float] | None = None

    def start(self) -> None:
        if self._started is None:
            self._started = (time.process_time(), time.perf_counter())

    def stop(self) -> None:
        assert self._started is not None
        self.cpu = time.process_time() - self._started[0]
        self.wall = time.perf_counter() - self._started[1]


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


async def raw_loop(settings: ModelOnexSettings, topic: str, count: int) -> Clock:
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
    clock = Clock()
    await consumer.start()
    done = 0
    commit: asyncio.Task[None] | None = None
    try:
        while done < count:
            batches = await consumer.getmany(timeout_ms=100, max_records=BATCH)
            if batches:
                clock.start()
            for records in batches.values():
                for record in records:
                    envelope_type.model_validate_json(record.value)
                done += len(records)
            if batches:
                offsets = {tp: records[-1].offset + 1 for tp, records in batches.items()}
                if commit is not None:
                    await commit
                commit = asyncio.create_task(consumer.commit(offsets))
        clock.stop()  # the last commit is still in flight, as in ours
        if commit is not None:
            await commit
        return clock
    finally:
        await consumer.stop()


async def runtime_path(settings: ModelOnexSettings, topic: str, count: int) -> Clock:
    node = load_node_class(NODE_DIR)(ModelONEXContainer())
    finished = asyncio.Event()
    clock = Clock()
    done = 0
    async with KafkaEventBus.from_settings(
        settings, fetch_max_wait_ms=10, max_batch_records=BATCH, **GROUP_TIMINGS
    ) as bus:
        pipeline = NodePipeline(node, bus, env=settings.env)

        def decode(value: bytes, message_type: str | None) -> ModelEventEnvelope[object]:
            clock.start()
            return pipeline.decode(value, message_type)

        async def handle(envelopes: list[ModelEventEnvelope[object]]) -> None:
            nonlocal done
            await pipeline.handle_batch(envelopes)
            done += len(envelopes)
            if done >= count:
                clock.stop()
                finished.set()

        unsubscribe = await bus.subscribe_batch(
            topic, handle, group_id=f"bench-ours-{uuid.uuid4().hex}", decode=decode
        )
        await finished.wait()
        await unsubscribe()
        return clock


async def main(count: int, tags: int, rounds: int) -> None:
    settings = load_settings()
    start_stack(settings, lambda line: print(f"  stack: {line}"), names=["kafka"])
    topic = f"b1{uuid.uuid4().hex[:8]}.onex.evt.bench-heartbeat.v1"
    env = topic.split(".", 1)[0]
    settings = settings.model_copy(update={"env": env})
    size = await prefill(settings, topic, count, tags)
    print(
        f"B1 dispatch overhead: N={count} envelopes, {size} bytes each, batch {BATCH}, "
        f"best of {rounds} interleaved rounds"
    )
    print(
        f"  python {platform.python_version()}, aiokafka {version('aiokafka')}, "
        f"faststream {version('faststream')}, pydantic {version('pydantic')}, "
        f"kafka {settings.kafka.version}"
    )
    tune_heap_for_batches()  # as the host does once started; the same for both loops
    raw: list[Clock] = []
    ours: list[Clock] = []
    for _ in range(rounds):
        raw.append(await raw_loop(settings, topic, count))
        ours.append(await runtime_path(settings, topic, count))
    raw_cpu, ours_cpu = (min(c.cpu for c in clocks) / count * 1e6 for clocks in (raw, ours))
    raw_wall, ours_wall = (min(c.wall for c in clocks) for clocks in (raw, ours))
    print(f"  {'':22s} {'CPU-us/msg':>10s} {'msg/s (wall)':>13s} {'msg/s (1 core)':>15s}")
    for name, cpu, wall in (
        ("raw getmany+validate", raw_cpu, raw_wall),
        ("ONEX runtime path", ours_cpu, ours_wall),
    ):
        print(f"  {name:22s} {cpu:10.2f} {count / wall:13.0f} {1e6 / cpu:15.0f}")
    print(f"  added: {ours_cpu - raw_cpu:.2f} CPU-us/msg (target <= 15)")
    print(
        f"  throughput ratio: {raw_wall / ours_wall:.2f}x raw wall-clock, "
        f"{raw_cpu / ours_cpu:.2f}x raw on one core (target >= 0.7)"
    )


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:4]]
    asyncio.run(main(*arguments, *(100_000, 3, 3)[len(arguments) :]))
