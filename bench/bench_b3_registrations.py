"""B3: end-to-end registrations/s (introspection published -> projection row + Consul entry).

Our path: the four registration services run as processes (`onex run <name>`, as deployed,
credentials from Vault) on fresh topics and a fresh database; N announcements of distinct
nodes are produced at once, and the clock stops when all N rows are in `node_registrations`
and the registry effect has had all N Consul registrations accepted (the time of its last
confirmation record; every entry is then checked in the Consul agent). The raw baselines, in
the same run, against the same servers: one Consul agent register per node (the same service
definition and HTTP check, one PUT after another over one pooled connection) and one
single-row PostgreSQL upsert per node (autocommit, prepared, into a copy of the projection
table). Ratio: ours / the slower raw rate (target >= 0.8). Also printed: when each stage
(orchestrator decision, reducer intent, effect confirmation) finished its N messages.

Needs the local stack (`onex infra up`). Run:
uv run python bench/bench_b3_registrations.py [--nodes 2000] [--fetch-max-wait-ms MS]
    [--effect-concurrency K]
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import aiohttp
import aiokafka  # type: ignore[import-untyped]
import asyncpg
import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
    TOPIC_CONSUL_REGISTRATION,
    TOPIC_CONSUL_REGISTRATION_RESULT,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_DECISION,
    ModelTopic,
)
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeIntrospectionReason,
    EnumNodeType,
    ModelNodeIntrospectionEvent,
)
from omnibase_infra.config import ModelOnexSettings, load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from e2e_registry import connect, database
from e2e_services import RegistrationServices, Timings, service_environment

HEALTH = "http://127.0.0.1:9/health"  # nothing listens: Consul's check fails fast
Record = tuple[bytes, bytes, list[tuple[str, bytes]]]  # key, value, headers


@dataclass
class Pipeline:
    """The running services and what the bench needs to drive and watch them."""

    settings: ModelOnexSettings
    services: RegistrationServices
    db: asyncpg.Connection
    kafka_settings: dict[str, int] = field(default_factory=dict)

    def topic(self, topic: ModelTopic) -> str:
        return str(topic.with_env(self.settings.env))


@asynccontextmanager
async def pipeline(
    settings: ModelOnexSettings, *, fetch_max_wait_ms: int | None
) -> AsyncIterator[Pipeline]:
    """The four services on a fresh environment and database, with production Kafka timings
    (unless `fetch_max_wait_ms` is given) and clocks long enough that nothing times out."""
    async with AsyncExitStack() as stack:
        name = await stack.enter_async_context(database(settings))
        env = f"b{uuid4().hex[:10]}"
        timings = Timings(ack_timeout=3600.0, liveness_timeout=3600.0, tick_interval=1.0)
        environment = service_environment(
            settings, env=env, database=name, consul_port=settings.consul.port, timings=timings
        )
        kafka = {
            "session_timeout_ms": settings.kafka.session_timeout_ms,
            "heartbeat_interval_ms": settings.kafka.heartbeat_interval_ms,
            "fetch_max_wait_ms": fetch_max_wait_ms or settings.kafka.fetch_max_wait_ms,
        }
        environment.update({f"ONEX_KAFKA__{k.upper()}": str(v) for k, v in kafka.items()})
        environment["ONEX_RUNTIME__LOG_LEVEL"] = "WARNING"
        services = RegistrationServices(environment)
        stack.push_async_callback(services.stop)
        await services.start()
        ours = settings.model_copy(
            update={
                "env": env,
                "postgres": settings.postgres.model_copy(update={"database": name}),
            }
        )
        db = await connect(ours, name)
        stack.push_async_callback(db.close)
        stack.push_async_callback(forget_registered, ours, db)
        yield Pipeline(ours, services, db, kafka)


async def forget_registered(settings: ModelOnexSettings, db: asyncpg.Connection) -> None:
    """Take every node this registry knows (the services themselves too) out of Consul."""
    ids = [row["node_id"] for row in await db.fetch("SELECT node_id FROM node_registrations")]
    await forget_consul(settings, ids)


def announcement_records(ids: Sequence[UUID], name: str) -> list[Record]:
    """One introspection record per node, as a node's bus produces it."""
    records = []
    for node_id in ids:
        now = datetime.now(UTC)
        event = ModelNodeIntrospectionEvent(
            node_id=node_id,
            node_name=name,
            node_type=EnumNodeType.EFFECT,
            node_version="1.2.0",
            contract_fingerprint="1.2.0:0123456789ab",
            capabilities=["execute_operation"],
            endpoints={"health": HEALTH},
            metadata={"team": "bench"},
            reason=EnumNodeIntrospectionReason.STARTUP,
            emitted_at=now,
        )
        envelope = ModelEventEnvelope[object](
            message_type=type(event).__name__,
            category=EnumMessageCategory.EVENT,
            entity_id=str(node_id),
            emitted_at=now,
            producer="bench",
            payload=event,
        )
        headers = [
            ("content-type", b"application/json"),
            ("message_type", envelope.message_type.encode()),
            ("correlation_id", str(envelope.correlation_id).encode()),
            ("schema_version", b"1.0.0"),
        ]
        records.append((str(node_id).encode(), envelope.model_dump_json().encode(), headers))
    return records


def consul_definition(node_id: UUID, name: str) -> dict[str, object]:
    """The agent register body the registry effect sends for one node (python-consul2's)."""
    service_id = str(node_id)
    return {
        "name": name,
        "id": service_id,
        "address": "127.0.0.1",
        "port": 9,
        "tags": ["effect", "v1.2.0", "health-healthy"],
        "meta": {
            "node_id": service_id,
            "node_type": "EFFECT",
            "node_version": "1.2.0",
            "contract_fingerprint": "1.2.0:0123456789ab",
        },
        "check": {
            "CheckID": f"service:{service_id}",
            "Name": name,
            "HTTP": HEALTH,
            "Interval": "10000ms",
            "Timeout": "5000ms",
        },
    }


async def raw_consul(
    session: aiohttp.ClientSession, settings: ModelOnexSettings, ids: Sequence[UUID]
) -> list[float]:
    """Register every node with the agent, one PUT after another; seconds per register."""
    took = []
    url = f"{settings.consul.url}/v1/agent/service/register"
    for node_id in ids:
        body = json.dumps(consul_definition(node_id, "bench-raw")).encode()
        started = time.perf_counter()
        async with session.put(url, data=body) as answer:
            await answer.read()
            answer.raise_for_status()
        took.append(time.perf_counter() - started)
    return took


async def forget_consul(settings: ModelOnexSettings, ids: Sequence[UUID]) -> None:
    """Deregister these service ids from the agent (not timed)."""
    async with aiohttp.ClientSession() as session:
        for node_id in ids:
            url = f"{settings.consul.url}/v1/agent/service/deregister/{node_id}"
            async with session.put(url) as answer:
                await answer.read()


RAW_UPSERT = """
INSERT INTO bench_raw_registrations AS r (node_id, state, name, node_type, node_version,
    contract_fingerprint, capabilities, endpoints, metadata, service, accepted_at,
    ack_deadline, version)
VALUES ($1, 'awaiting_ack', $2, 'EFFECT', '1.2.0', '1.2.0:0123456789ab',
    '["execute_operation"]', $3::jsonb, '{"team": "bench"}', $4::jsonb, now(),
    now() + interval '30 seconds', 1)
ON CONFLICT (node_id) DO UPDATE SET state = EXCLUDED.state, service = EXCLUDED.service,
    accepted_at = EXCLUDED.accepted_at, ack_deadline = EXCLUDED.ack_deadline,
    version = EXCLUDED.version, updated_at = now()
WHERE r.version < EXCLUDED.version"""


async def raw_upsert(db: asyncpg.Connection) -> asyncpg.prepared_stmt.PreparedStatement:
    """The prepared single-row upsert into a copy of the projection table (created here)."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS bench_raw_registrations (LIKE node_registrations INCLUDING ALL)"
    )
    return await db.prepare(RAW_UPSERT)


async def raw_postgres(
    statement: asyncpg.prepared_stmt.PreparedStatement, ids: Sequence[UUID]
) -> list[float]:
    """One single-row upsert per node (autocommit); seconds per upsert."""
    endpoints = json.dumps({"health": HEALTH})
    took = []
    for node_id in ids:
        service = json.dumps(consul_definition(node_id, "bench-raw"))
        started = time.perf_counter()
        await statement.fetch(node_id, "bench-raw", endpoints, service)
        took.append(time.perf_counter() - started)
    return took


def consumer(bootstrap: str, kafka: dict[str, int], *topics: str) -> AIOKafkaConsumer:
    """A plain consumer of `topics` from their start, with the services' own timings."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        metadata_max_age_ms=500,
        **kafka,
    )


async def producer(settings: ModelOnexSettings) -> AIOKafkaProducer:
    """A producer configured like the event bus's (acks=all, idempotent)."""
    started = AIOKafkaProducer(
        bootstrap_servers=settings.kafka.bootstrap_servers, acks="all", enable_idempotence=True
    )
    await started.start()
    return started


async def confirmations(
    reader: AIOKafkaConsumer, ids: set[str], done: dict[str, float], deadline: float
) -> None:
    """Collect the registry effect's register confirmations of `ids` (record time, seconds)."""
    while len(done) < len(ids):
        assert time.monotonic() < deadline, f"only {len(done)} of {len(ids)} confirmed"
        for batch in (await reader.getmany(timeout_ms=200)).values():
            for record in batch:
                payload = json.loads(record.value)["payload"]
                if payload["service_id"] in ids and payload["operation"] == "register":
                    done.setdefault(payload["service_id"], record.timestamp / 1000)


async def rows_present(db: asyncpg.Connection, name: str) -> int:
    count = await db.fetchval("SELECT count(*) FROM node_registrations WHERE name = $1", name)
    return int(count)


async def stage_times_by_node(run: Pipeline, topic: ModelTopic, ids: set[str]) -> dict[str, float]:
    """The record time (seconds) of the first message about each of `ids` on `topic`."""
    found: dict[str, float] = {}
    reader = consumer(run.settings.kafka.bootstrap_servers, run.kafka_settings, run.topic(topic))
    await reader.start()
    try:
        deadline = time.monotonic() + 60
        while len(found) < len(ids) and time.monotonic() < deadline:
            for batch in (await reader.getmany(timeout_ms=500)).values():
                for record in batch:
                    key = record.key.decode() if record.key else ""
                    if key in ids:
                        found.setdefault(key, record.timestamp / 1000)
    finally:
        await reader.stop()
    return found


async def consul_count(settings: ModelOnexSettings, name: str) -> int:
    """How many instances of service `name` the agent holds."""
    async with aiohttp.ClientSession() as session:
        url = f"{settings.consul.url}/v1/agent/services"
        async with session.get(url, params={"filter": f'Service == "{name}"'}) as answer:
            return len(await answer.json())


@dataclass
class PipelineRun:
    """When the N registrations were published and when each stage finished them."""

    started: float
    rows_at: float
    confirmed: dict[str, float]
    decisions: list[float]
    intents: list[float]

    @property
    def finished(self) -> float:
        return max(self.rows_at, max(self.confirmed.values()))


async def run_pipeline(run: Pipeline, n: int) -> PipelineRun:
    """Publish n announcements at once; return when every row and Consul entry is there."""
    ids = [uuid4() for _ in range(n)]
    keys = {str(i) for i in ids}
    name = f"b3-{uuid4().hex[:8]}"
    records = announcement_records(ids, name)
    bootstrap = run.settings.kafka.bootstrap_servers
    results = run.topic(TOPIC_CONSUL_REGISTRATION_RESULT)
    reader = consumer(bootstrap, run.kafka_settings, results)
    await reader.start()
    send = await producer(run.settings)
    done: dict[str, float] = {}
    try:
        topic = run.topic(TOPIC_NODE_INTROSPECTION)
        started = time.time()
        pending = [await send.send(topic, v, key=k, headers=h) for k, v, h in records]
        await asyncio.gather(*pending)
        watcher = asyncio.create_task(confirmations(reader, keys, done, time.monotonic() + 600))
        while await rows_present(run.db, name) < n:
            await asyncio.sleep(0.02)
        rows_at = time.time()
        await watcher
    finally:
        await send.stop()
        await reader.stop()
    present = await consul_count(run.settings, name)
    assert present == n, f"Consul holds {present} of {n} instances of {name}"
    decided = await stage_times_by_node(run, TOPIC_NODE_REGISTRATION_DECISION, keys)
    stored = await stage_times_by_node(run, TOPIC_CONSUL_REGISTRATION, keys)
    await forget_consul(run.settings, ids)
    return PipelineRun(started, rows_at, done, sorted(decided.values()), sorted(stored.values()))


def cpu_seconds(run: Pipeline) -> dict[str, float]:
    """CPU time (user + system) each service process has used so far."""
    used = {}
    for name, service in run.services.processes.items():
        times = psutil.Process(service.process.pid).cpu_times()
        used[name] = times.user + times.system
    return used


def report_cpu(before: dict[str, float], after: dict[str, float], n: int) -> None:
    """CPU each service spent per registration during our run (all its work, not just ours)."""
    spent = {name: after[name] - before[name] for name in after}
    parts = ", ".join(f"{name} {seconds / n * 1e3:.1f}" for name, seconds in spent.items())
    print(f"  CPU ms per registration: {parts}; all {sum(spent.values()) / n * 1e3:.1f}")


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def versions(settings: ModelOnexSettings, server_version: str) -> str:
    return (
        f"python {platform.python_version()}, aiokafka {aiokafka.__version__}, Kafka "
        f"{settings.kafka.version}, PostgreSQL {server_version}, Consul {settings.consul.version}"
    )


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} CPUs"


def report_stages(result: PipelineRun, n: int) -> None:
    """When each stage finished its n messages, counted from the first publish."""
    start = result.started
    confirmed = sorted(result.confirmed.values())
    for stage, times in (
        ("orchestrator decisions", result.decisions),
        ("reducer intents (rows committed)", result.intents),
        ("effect Consul confirmations", confirmed),
    ):
        if len(times) >= n:
            first, last = times[0] - start, times[n - 1] - start
            print(
                f"  {stage:<34} first {first * 1000:7.0f} ms, last {last * 1000:7.0f} ms "
                f"({rate(n, last):,.0f}/s)"
            )
    print(f"  rows all present (polled every 20 ms) at {(result.rows_at - start) * 1000:.0f} ms")


async def main(n: int, fetch_max_wait_ms: int | None, effect_concurrency: int | None) -> None:
    if effect_concurrency is not None:  # the services inherit this environment
        os.environ["ONEX_REGISTRATION__EFFECT_CONCURRENCY"] = str(effect_concurrency)
    settings = load_settings()
    async with pipeline(settings, fetch_max_wait_ms=fetch_max_wait_ms) as run:
        print(versions(settings, ".".join(map(str, run.db.get_server_version()[:2]))))
        print(f"N = {n:,} registrations; services' Kafka timings {run.kafka_settings}")
        print(f"registry effect: {settings.registration.effect_concurrency} nodes at once")
        print(f"before: {load()}")
        pg = await raw_postgres(await raw_upsert(run.db), [uuid4() for _ in range(n)])
        raw_ids = [uuid4() for _ in range(n)]
        async with aiohttp.ClientSession() as session:
            consul = await raw_consul(session, run.settings, raw_ids)
        await forget_consul(run.settings, raw_ids)
        cpu_before = cpu_seconds(run)
        result = await run_pipeline(run, n)
        cpu_after = cpu_seconds(run)
        print(f"after:  {load()}")
    ours = rate(n, result.finished - result.started)
    pg_rate, consul_rate = rate(n, sum(pg)), rate(n, sum(consul))
    slower = min(pg_rate, consul_rate)
    print(
        f"raw PostgreSQL upsert loop: {pg_rate:>8,.0f}/s "
        f"(median {statistics.median(pg) * 1e3:.2f} ms)"
    )
    print(
        f"raw Consul register loop:   {consul_rate:>8,.0f}/s "
        f"(median {statistics.median(consul) * 1e3:.2f} ms)"
    )
    print(f"ours end to end:            {ours:>8,.0f}/s ({result.finished - result.started:.2f} s)")
    report_stages(result, n)
    report_cpu(cpu_before, cpu_after, n)
    print(f"ratio ours / slower raw ({slower:,.0f}/s): {ours / slower:.2f} (target >= 0.8)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--fetch-max-wait-ms", type=int, default=None)
    parser.add_argument(
        "--effect-concurrency",
        type=int,
        default=None,
        help="nodes the registry effect carries out at once (default: the setting, 16; "
        "1 = one Consul call at a time, as before)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.nodes, args.fetch_max_wait_ms, args.effect_concurrency))
