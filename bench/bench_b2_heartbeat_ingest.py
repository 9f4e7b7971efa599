"""B2: heartbeat ingest through the registration reducer into PostgreSQL, batched.

Our path, per batch of records as Kafka delivers them, is the runtime host's `NodePipeline`:
decode each envelope with the reducer node's contract model, then one
`RegistrationUnitOfWork.run` (one transaction: lock and load the rows, fold every heartbeat
through the contract FSM, one UPDATE ... FROM unnest, the watermark), then publish the
outputs' intents. The raw baseline, in the same run on the same rows: `json.loads` each record and
one hand-written UPDATE ... FROM unnest with the same fencing. The process is set up as the
runtime host sets itself up once started (`tune_heap_for_batches()`). Also counted: Consul intents
published for heartbeats without a health change (target: 0).

Needs the local PostgreSQL (`onex infra up`); uses a private database, dropped at the end.
Run: uv run python bench/bench_b2_heartbeat_ingest.py [--nodes 10000] [--batch 500]
"""

import argparse
import asyncio
import json
import platform
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import EnumNodeHealth, ModelNodeHeartbeat
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.adapters.postgres.testing import scratch_database
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.registration import (
    ModelProjectionWrite,
    PostgresRegistrationStore,
    RegistrationUnitOfWork,
)
from omnibase_infra.runtime.host import NodePipeline, tune_heap_for_batches
from registration_reducer import NodeRegistrationReducer

Envelope = ModelEventEnvelope[object]
HEARTBEAT = ModelNodeHeartbeat.__name__  # the routing header of every record
T0 = datetime.now(UTC) - timedelta(hours=1)
RAW_UPDATE = """
UPDATE node_registrations AS r SET
    heartbeat_sequence = h.seq, last_heartbeat_at = GREATEST(r.last_heartbeat_at, h.at),
    health = h.health,
    liveness_deadline = GREATEST(r.liveness_deadline, h.at + interval '90 seconds'),
    version = r.version + 1
FROM unnest($1::uuid[], $2::int8[], $3::timestamptz[], $4::text[]) AS h(id, seq, at, health)
WHERE r.node_id = h.id AND r.state = 'active'
    AND (r.heartbeat_sequence IS NULL OR h.seq > r.heartbeat_sequence)"""


def records(ids: Sequence[UUID], sequence: int) -> list[bytes]:
    """One heartbeat per node as the Kafka record value (healthy, as registered)."""
    at = T0 + timedelta(seconds=sequence)
    return [
        ModelEventEnvelope[object](
            message_type="ModelNodeHeartbeat",
            category=EnumMessageCategory.EVENT,
            entity_id=str(node_id),
            emitted_at=at,
            producer="bench",
            payload=ModelNodeHeartbeat(
                node_id=node_id, sequence=sequence, emitted_at=at, health=EnumNodeHealth.HEALTHY
            ),
        )
        .model_dump_json()
        .encode()
        for node_id in ids
    ]


def active(node_id: UUID) -> ModelFsmState:
    return ModelFsmState(
        name="active",
        data={
            "name": "bench-node",
            "service": {"service_id": str(node_id)},
            "health": "healthy",
            "liveness_deadline": T0,
            "liveness_timeout_seconds": 90.0,
        },
    )


class CountingPublisher:
    """Where the runtime would publish the reducer's intents (to the registry effect)."""

    def __init__(self) -> None:
        self.published = 0

    async def publish_many(self, messages: Sequence[tuple[str, Envelope]]) -> None:
        self.published += len(messages)


async def ours(pipeline: NodePipeline, batches: list[list[bytes]]) -> float:
    """The runtime host's path for each batch: decode, unit of work, publish the outputs."""
    started = time.perf_counter()
    for batch in batches:
        await pipeline.handle_batch([pipeline.decode(value, HEARTBEAT) for value in batch])
    return time.perf_counter() - started


async def raw(connection: asyncpg.Connection, batches: list[list[bytes]]) -> float:
    started = time.perf_counter()
    for batch in batches:
        payloads = [json.loads(value)["payload"] for value in batch]
        ids = [UUID(p["node_id"]) for p in payloads]
        seqs = [p["sequence"] for p in payloads]
        times = [datetime.fromisoformat(p["emitted_at"]) for p in payloads]
        health = [p["health"] for p in payloads]
        async with connection.transaction():
            await connection.execute(RAW_UPDATE, ids, seqs, times, health)
    return time.perf_counter() - started


async def main(nodes: int, batch: int, rounds: int) -> None:
    settings = load_settings()
    async with scratch_database(settings, "onex_bench_b2") as name:
        await run(settings, name, nodes, batch, rounds)


async def run(
    settings: ModelOnexSettings, database: str, nodes: int, batch: int, rounds: int
) -> None:
    async with PostgresPoolManager.from_settings(settings, database=database) as db:
        store = PostgresRegistrationStore(db)
        await store.ensure_schema()
        ids = [uuid4() for _ in range(nodes)]
        await store.upsert_many(
            [ModelProjectionWrite(node_id=i, state=active(i), version=1) for i in ids]
        )
        node = NodeRegistrationReducer(ModelONEXContainer())
        idempotency = PostgresIdempotencyStore(db)
        unit = RegistrationUnitOfWork(db, store, idempotency, consumer="b", contract=node.contract)
        intents = CountingPublisher()
        pipeline = NodePipeline(node, intents, env="bench", unit_of_work=unit)
        tune_heap_for_batches()  # as the runtime host does once started (both paths run after)
        password = settings.postgres.password.get_secret_value()
        connection = await asyncpg.connect(
            host=settings.postgres.host,
            port=settings.postgres.port,
            user=settings.postgres.user,
            password=password,
            database=database,
        )
        print(
            f"python {platform.python_version()}, PostgreSQL {connection.get_server_version()}, "
            f"{nodes:,} nodes, batches of {batch}, {rounds} rounds each"
        )
        best_ours = best_raw = float("inf")
        for sequence in range(1, rounds + 1):
            values = records(ids, sequence * 2)
            batches = [values[i : i + batch] for i in range(0, len(values), batch)]
            best_ours = min(best_ours, await ours(pipeline, batches))
            values = records(ids, sequence * 2 + 1)
            batches = [values[i : i + batch] for i in range(0, len(values), batch)]
            best_raw = min(best_raw, await raw(connection, batches))
        await connection.close()
        ours_rate, raw_rate = nodes / best_ours, nodes / best_raw
        print(
            f"ours (decode + FSM + one UPDATE per batch): {ours_rate:>10,.0f} heartbeats/s "
            f"({best_ours / nodes * 1e6:.1f} µs each)"
        )
        print(
            f"raw  (json + one UPDATE per batch):         {raw_rate:>10,.0f} heartbeats/s "
            f"({best_raw / nodes * 1e6:.1f} µs each)"
        )
        print(f"ratio ours/raw: {ours_rate / raw_rate:.2f}; target >= 20,000/s per core")
        print(
            f"Consul intents published for {nodes * rounds:,} unchanged-health heartbeats: "
            f"{intents.published}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.nodes, args.batch, args.rounds))
