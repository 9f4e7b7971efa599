"""B4: time to discoverable (publish -> visible in PostgreSQL and Consul) at half of B3's rate.

Our path: the four registration services as processes (as in B3); announcements of distinct
nodes are published at a steady pace of half the end-to-end rate B3 measures first in this
run (or `--rate`). A node counts as discoverable when the registry effect's confirmation that
Consul accepted its registration is on Kafka: the reducer publishes the intent only after its
row is committed, and the effect confirms only after Consul answered, so the confirmation's
record time bounds both from above (every row and entry is then checked). The raw parts, in
the same run, at the same pace: Kafka produce -> consume latency (same client settings as
the services), one single-row PostgreSQL upsert, one Consul agent register. Targets: p50 <
100 ms, p99 < 500 ms and <= 2x the sum of the raw parts. Also printed: the time per stage
(publish -> decision, decision -> committed row and intent, intent -> Consul confirmed).

Needs the local stack (`onex infra up`). Run:
uv run python bench/bench_b4_time_to_discoverable.py [--nodes 1000] [--rate R] [--calibrate 1000]
"""

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID, uuid4

import aiohttp
from aiokafka import AIOKafkaConsumer  # type: ignore[import-untyped]
from bench_b3_registrations import (
    Pipeline,
    announcement_records,
    confirmations,
    consul_count,
    consumer,
    cpu_seconds,
    forget_consul,
    load,
    pipeline,
    producer,
    raw_consul,
    raw_postgres,
    raw_upsert,
    report_cpu,
    rows_present,
    run_pipeline,
    stage_times_by_node,
    versions,
)
from omnibase_core.messaging import (
    TOPIC_CONSUL_REGISTRATION,
    TOPIC_CONSUL_REGISTRATION_RESULT,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_DECISION,
)
from omnibase_infra.config import load_settings


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(values: Sequence[float]) -> str:
    p50, p99 = percentile(values, 0.5) * 1e3, percentile(values, 0.99) * 1e3
    return f"p50 {p50:7.1f} ms, p99 {p99:7.1f} ms"


async def paced(count: int, per_second: float, step: Callable[[int], Awaitable[None]]) -> None:
    """Call `step(i)` for i < count at a steady pace (no catching up in bursts)."""
    interval, start = 1.0 / per_second, time.perf_counter()
    for i in range(count):
        delay = start + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await step(i)


async def raw_kafka(run: Pipeline, count: int, per_second: float) -> list[float]:
    """Produce -> consume latency of records the size of an announcement, on a fresh topic."""
    topic = f"{run.settings.env}.bench.raw-latency"
    sample = announcement_records([uuid4()], "b4-raw")[0][1]
    reader = consumer(run.settings.kafka.bootstrap_servers, run.kafka_settings, topic)
    send = await producer(run.settings)
    await send.send_and_wait(topic, b"{}")  # creates the topic
    await reader.start()
    received: dict[int, float] = {}
    sent: dict[int, float] = {}

    async def consume() -> None:
        while len(received) < count:
            for batch in (await reader.getmany(timeout_ms=100)).values():
                now = time.time()
                for record in batch:
                    if record.key:
                        received[int(record.key)] = now

    try:
        await _joined(reader)
        task = asyncio.create_task(consume())

        async def step(i: int) -> None:
            sent[i] = time.time()
            await send.send(topic, sample, key=str(i).encode())

        await paced(count, per_second, step)
        await asyncio.wait_for(task, 60)
    finally:
        await send.stop()
        await reader.stop()
    return [received[i] - sent[i] for i in range(count)]


async def _joined(reader: AIOKafkaConsumer) -> None:
    while not reader.assignment():
        await reader.getmany(timeout_ms=50)


async def raw_paced(
    count: int, per_second: float, measure: Callable[[list[UUID]], Awaitable[list[float]]]
) -> list[float]:
    """`measure` one id at a time at the given pace; the latency of each call."""
    took: list[float] = []

    async def step(_: int) -> None:
        took.extend(await measure([uuid4()]))

    await paced(count, per_second, step)
    return took


async def ours(run: Pipeline, count: int, per_second: float) -> dict[str, list[float]]:
    """Publish `count` announcements at the pace; the latency of each stage per node."""
    ids = [uuid4() for _ in range(count)]
    keys = {str(i) for i in ids}
    name = f"b4-{uuid4().hex[:8]}"
    records = announcement_records(ids, name)
    results = consumer(
        run.settings.kafka.bootstrap_servers,
        run.kafka_settings,
        run.topic(TOPIC_CONSUL_REGISTRATION_RESULT),
    )
    await results.start()
    send = await producer(run.settings)
    published: dict[str, float] = {}
    done: dict[str, float] = {}
    topic = run.topic(TOPIC_NODE_INTROSPECTION)
    try:
        watcher = asyncio.create_task(confirmations(results, keys, done, time.monotonic() + 600))

        async def step(i: int) -> None:
            key, value, headers = records[i]
            published[key.decode()] = time.time()
            await send.send(topic, value, key=key, headers=headers)

        await paced(count, per_second, step)
        await send.flush()
        await watcher
    finally:
        await send.stop()
        await results.stop()
    rows, entries = await rows_present(run.db, name), await consul_count(run.settings, name)
    assert (rows, entries) == (count, count), f"{rows} rows and {entries} Consul entries"
    decided = await stage_times_by_node(run, TOPIC_NODE_REGISTRATION_DECISION, keys)
    stored = await stage_times_by_node(run, TOPIC_CONSUL_REGISTRATION, keys)
    await forget_consul(run.settings, ids)
    return {
        "publish -> visible in PostgreSQL and Consul": [done[k] - published[k] for k in keys],
        "  publish -> orchestrator decision": [decided[k] - published[k] for k in keys],
        "  decision -> row committed, intent out": [stored[k] - decided[k] for k in keys],
        "  intent -> Consul register confirmed": [done[k] - stored[k] for k in keys],
        "publish -> row committed (PostgreSQL only)": [stored[k] - published[k] for k in keys],
    }


HandlerTimes = dict[tuple[str, str], tuple[float, float, float, float]]
# Per (service, topic): seconds in handlers, handler calls, messages handled, failed calls.
_HANDLER_METRICS = (
    "onex_handler_latency_seconds_sum",
    "onex_handler_latency_seconds_count",
    "onex_messages_processed_total",
    "onex_messages_failed_total",
)


async def handler_times(run: Pipeline) -> HandlerTimes:
    """(service, topic) -> (seconds in handlers, calls, messages, failures) from /metrics."""
    found: dict[tuple[str, str], list[float]] = {}
    for name, process in run.services.processes.items():
        samples = await process.metrics()
        for (metric, labels), value in samples.items():
            if metric in _HANDLER_METRICS:
                topic = dict(labels).get("topic", "")
                found.setdefault((name, topic), [0.0] * 4)[_HANDLER_METRICS.index(metric)] = value
    return {key: (v[0], v[1], v[2], v[3]) for key, v in found.items()}


def report_handlers(before: HandlerTimes, after: HandlerTimes, env: str) -> None:
    """Time spent inside each service's handler (one call per fetched batch) during our run."""
    for (name, topic), now in sorted(after.items()):
        then = before.get((name, topic), (0.0, 0.0, 0.0, 0.0))
        spent, batches, messages, failed = (a - b for a, b in zip(now, then, strict=True))
        if batches:
            short = topic.removeprefix(f"{env}.onex.")
            print(
                f"  {name:<26} {short:<34} {batches:5.0f} calls ({messages:5.0f} messages, "
                f"{failed:3.0f} failed), {spent / batches * 1e3:6.1f} ms per call, "
                f"{spent:6.2f} s in all"
            )


async def main(n: int, rate: float | None, calibrate: int, fetch_max_wait_ms: int | None) -> None:
    settings = load_settings()
    async with pipeline(settings, fetch_max_wait_ms=fetch_max_wait_ms) as run:
        print(versions(settings, ".".join(map(str, run.db.get_server_version()[:2]))))
        print(f"services' Kafka timings {run.kafka_settings}; before: {load()}")
        if rate is None:
            b3 = await run_pipeline(run, calibrate)
            rate = calibrate / (b3.finished - b3.started)
            print(f"B3 in this run: {rate:,.0f} registrations/s (N = {calibrate:,})")
        pace = rate / 2
        print(f"N = {n:,} at {pace:,.1f}/s")
        kafka = await raw_kafka(run, n, pace)
        upsert = await raw_upsert(run.db)
        pg = await raw_paced(n, pace, lambda ids: raw_postgres(upsert, ids))
        raw_ids: list[UUID] = []
        async with aiohttp.ClientSession() as session:

            async def register(ids: list[UUID]) -> list[float]:
                raw_ids.extend(ids)
                return await raw_consul(session, run.settings, ids)

            consul = await raw_paced(n, pace, register)
        await forget_consul(run.settings, raw_ids)
        before, cpu_before = await handler_times(run), cpu_seconds(run)
        stages = await ours(run, n, pace)
        after, cpu_after = await handler_times(run), cpu_seconds(run)
        print(f"after: {load()}")
    sum50 = sum(percentile(part, 0.5) for part in (kafka, pg, consul))
    sum99 = sum(percentile(part, 0.99) for part in (kafka, pg, consul))
    print(f"raw Kafka produce -> consume:    {describe(kafka)}")
    print(f"raw PostgreSQL upsert:           {describe(pg)}")
    print(f"raw Consul register:             {describe(consul)}")
    print(f"sum of the raw parts:            p50 {sum50 * 1e3:7.1f} ms, p99 {sum99 * 1e3:7.1f} ms")
    for stage, latencies in stages.items():
        print(f"{stage:<45} {describe(latencies)}")
    print("handlers during our run (from the services' /metrics):")
    report_handlers(before, after, run.settings.env)
    report_cpu(cpu_before, cpu_after, n)
    total = stages["publish -> visible in PostgreSQL and Consul"]
    p50, p99 = percentile(total, 0.5), percentile(total, 0.99)
    print(
        f"targets: p50 {p50 * 1e3:.1f} < 100 ms: {p50 < 0.1}; p99 {p99 * 1e3:.1f} < 500 ms: "
        f"{p99 < 0.5}; p50 <= 2x raw sum ({2 * sum50 * 1e3:.1f} ms): {p50 <= 2 * sum50}; "
        f"p99 <= 2x raw sum ({2 * sum99 * 1e3:.1f} ms): {p99 <= 2 * sum99}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=None, help="B3's rate (default: measure)")
    parser.add_argument("--calibrate", type=int, default=1000, help="N of the B3 measurement")
    parser.add_argument("--fetch-max-wait-ms", type=int, default=None)
    args = parser.parse_args()
    asyncio.run(main(args.nodes, args.rate, args.calibrate, args.fetch_max_wait_ms))
