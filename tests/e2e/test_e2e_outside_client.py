"""The registry seen only from outside: messages produced with `kcat` (JSON envelopes built
here, keyed by node id, with routing headers), outcomes read from Consul's HTTP API with httpx
and from PostgreSQL with plain SQL. No ONEX code on either side of the services."""

import asyncio
import json
import shutil
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import httpx
import pytest
from e2e_registry import Registry, connect

pytestmark = pytest.mark.usefixtures("local_stack")

KCAT = shutil.which("kcat")


def _envelope(message_type: str, category: str, node_id: str, payload: Mapping[str, object]) -> str:
    return json.dumps(
        {
            "message_id": str(uuid4()),
            "message_type": message_type,
            "schema_version": "1.0.0",
            "category": category,
            "correlation_id": str(uuid4()),
            "causation_id": None,
            "entity_id": node_id,
            "emitted_at": datetime.now(UTC).isoformat(),
            "producer": "kcat",
            "payload": payload,
        }
    )


async def kcat_produce(bootstrap: str, topic: str, key: str, value: str) -> None:
    """Produce one record with kcat: key, JSON value and the routing headers."""
    assert KCAT, "kcat is missing: run deploy/local/install-system-packages.sh"
    message_type = json.loads(value)["message_type"]
    correlation_id = json.loads(value)["correlation_id"]
    process = await asyncio.create_subprocess_exec(
        KCAT, "-P", "-b", bootstrap, "-t", topic, "-k", key,
        "-H", f"message_type={message_type}",
        "-H", f"correlation_id={correlation_id}",
        "-H", "schema_version=1.0.0",
        "-H", "content-type=application/json",
        stdin=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await process.communicate(value.encode() + b"\n")
    assert process.returncode == 0, errors.decode()


async def _until(check: Callable[[], Awaitable[object]], what: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while not (found := await check()):
        assert time.monotonic() < deadline, f"{what}: not seen within {timeout} s"
        await asyncio.sleep(0.05)
    return found


async def _not(check: Awaitable[object]) -> bool:
    return not await check


async def test_a_node_announced_acked_and_stopped_with_kcat_is_seen_in_consul_and_postgres(
    registry: Registry,
) -> None:
    bootstrap, env = registry.settings.kafka.bootstrap_servers, registry.env
    node_id = str(uuid4())
    name = f"kcat-node-{node_id[:8]}"
    announcement = {
        "node_id": node_id,
        "node_name": name,
        "node_type": "EFFECT",
        "node_version": "2.1.0",
        "contract_fingerprint": "2.1.0:00112233aabb",
        "capabilities": ["execute_operation"],
        "endpoints": {"health": "http://127.0.0.1:9/health"},
        "metadata": {"team": "outside"},
        "reason": "startup",
        "emitted_at": datetime.now(UTC).isoformat(),
    }
    ack = {"node_id": node_id, "emitted_at": datetime.now(UTC).isoformat()}
    goodbye = {**ack, "reason": "graceful"}
    consul = httpx.AsyncClient(base_url=registry.settings.consul.url, timeout=5)
    db = await connect(registry.settings, registry.settings.postgres.database)

    async def consul_entry() -> dict[str, object] | None:
        answer = await consul.get(f"/v1/agent/service/{node_id}")
        return None if answer.status_code == 404 else dict(answer.json())

    async def catalog_entries() -> list[dict[str, object]]:
        entries: list[dict[str, object]] = (await consul.get(f"/v1/catalog/service/{name}")).json()
        return entries

    async def row(state: str) -> asyncpg.Record | None:
        return await db.fetchrow(
            "SELECT * FROM node_registrations WHERE node_id = $1 AND state = $2",
            node_id,
            state,
        )

    try:
        await kcat_produce(
            bootstrap,
            f"{env}.onex.evt.node-introspection.v1",
            node_id,
            _envelope("ModelNodeIntrospectionEvent", "evt", node_id, announcement),
        )
        entry = await _until(consul_entry, "the service in Consul")
        waiting = await _until(lambda: row("awaiting_ack"), "the row awaiting its ack")

        await kcat_produce(
            bootstrap,
            f"{env}.onex.cmd.node-registration-ack.v1",
            node_id,
            _envelope("ModelNodeRegistrationAck", "cmd", node_id, ack),
        )
        active = await _until(lambda: row("active"), "the row active")
        catalog = await _until(catalog_entries, "the service in Consul's catalog")

        await kcat_produce(
            bootstrap,
            f"{env}.onex.evt.node-shutdown.v1",
            node_id,
            _envelope("ModelNodeShutdown", "evt", node_id, goodbye),
        )
        await _until(lambda: row("deregistered"), "the row deregistered")
        await _until(lambda: _not(consul_entry()), "the service gone from Consul")
    finally:
        await consul.aclose()
        await db.close()

    assert isinstance(entry, dict)
    assert (entry["Service"], entry["Address"], entry["Port"]) == (name, "127.0.0.1", 9)
    assert {"effect", "v2.1.0", "health-healthy"} <= set(entry["Tags"])
    assert entry["Meta"]["node_id"] == node_id
    assert entry["Meta"]["contract_fingerprint"] == "2.1.0:00112233aabb"
    assert isinstance(waiting, asyncpg.Record) and isinstance(active, asyncpg.Record)
    assert (waiting["name"], waiting["node_version"]) == (name, "2.1.0")
    assert json.loads(waiting["metadata"]) == {"team": "outside"}
    assert active["activated_at"] >= waiting["accepted_at"]
    assert active["liveness_deadline"] > active["activated_at"]
    assert isinstance(catalog, list)
    assert [service["ServiceID"] for service in catalog] == [node_id]
