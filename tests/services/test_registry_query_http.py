"""The registry query surface end to end: services run with `onex run`, register themselves,
and the registry is read over the orchestrator's HTTP port and with `onex nodes --json`.

Real Kafka, PostgreSQL and Valkey; the registry lives in a database of this module's own.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from omnibase_core.models.generated import EnumNodeType
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.mixins import MixinNodeIntrospection

pytestmark = pytest.mark.usefixtures("local_stack")
ONEX = Path(sys.executable).with_name("onex")
FAST_KAFKA = {"session_timeout_ms": 1000, "heartbeat_interval_ms": 100, "fetch_max_wait_ms": 10}
Nodes = dict[str, dict[str, object]]
# Deadlines, not expected durations (each wait ends as soon as its condition holds): cold
# `onex run` processes on a 2-core machine that other work may load (CI beside a dev stack).
STARTUP_SECONDS = 120.0
STOP_SECONDS = 60.0


class ExampleNode(MixinNodeIntrospection):
    def execute_operation(self, data: str) -> str:
        return data


class Platform:
    """The orchestrator and the reducer as `onex run` processes on one environment."""

    def __init__(self, env: dict[str, str], port: int, logs: Path) -> None:
        self.env, self.port, self.logs = env, port, logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, service: str, port: int) -> None:
        command = [str(ONEX), "run", service, "--port", str(port), "--no-infra"]
        with (self.logs / f"{service}.log").open("wb") as log:
            self.processes.append(
                subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
            )

    def stop(self) -> list[int]:
        """SIGTERM each, then the exit codes (one still running after STOP_SECONDS is killed)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        return [_exit_code(process) for process in self.processes]

    def output(self) -> str:
        return "".join(path.read_text()[-3000:] for path in self.logs.glob("*.log"))

    async def nodes(self) -> Nodes:
        """GET /registry/nodes, by node name (the newest row of each name)."""
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{self.port}/registry/nodes")
        response.raise_for_status()
        body = response.json()
        assert body["count"] == len(body["nodes"])
        return {node["name"]: node for node in body["nodes"]}


def _exit_code(process: subprocess.Popen[bytes]) -> int:
    try:
        return process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def settings(local_stack: ModelOnexSettings, registry_database: str) -> ModelOnexSettings:
    return local_stack.model_copy(
        update={
            "env": f"t{uuid4().hex[:10]}",
            "kafka": local_stack.kafka.model_copy(update=FAST_KAFKA),
            "postgres": local_stack.postgres.model_copy(update={"database": registry_database}),
        }
    )


@pytest.fixture(scope="module")
def platform(
    settings: ModelOnexSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    env = {
        **os.environ,
        "ONEX_ENV": settings.env,
        "ONEX_POSTGRES__DATABASE": settings.postgres.database,
        "ONEX_KAFKA__SESSION_TIMEOUT_MS": "1000",
        "ONEX_KAFKA__HEARTBEAT_INTERVAL_MS": "100",
        "ONEX_KAFKA__FETCH_MAX_WAIT_MS": "10",
        "ONEX_RUNTIME__HEARTBEAT_INTERVAL_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    platform = Platform(env, free_port(), tmp_path_factory.mktemp("platform"))
    platform.start("registration-orchestrator", platform.port)
    platform.start("registration-reducer", 0)
    yield platform
    assert platform.stop() == [0, 0], platform.output()


async def eventually(
    check: Callable[[], Awaitable[object]], what: str, timeout: float = STARTUP_SECONDS
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if await check():
                return
        except httpx.TransportError:
            pass  # not serving yet
        assert time.monotonic() < deadline, f"not in time: {what}"
        await asyncio.sleep(0.2)


def state(nodes: Nodes, name: str) -> object:
    return nodes.get(name, {}).get("state")


async def test_the_registration_services_list_themselves_as_active(platform: Platform) -> None:
    async def both_beating() -> bool:
        nodes = await platform.nodes()
        return all(
            state(nodes, name) == "active" and nodes[name]["last_heartbeat_at"] is not None
            for name in ("registration-orchestrator", "registration-reducer")
        )

    await eventually(both_beating, "orchestrator and reducer active and heartbeating")
    orchestrator = (await platform.nodes())["registration-orchestrator"]
    assert orchestrator["node_type"] == "ORCHESTRATOR"
    assert orchestrator["endpoints"] == {  # type: ignore[comparison-overlap]
        path: f"http://127.0.0.1:{platform.port}/{path}" for path in ("health", "ready", "metrics")
    }
    assert orchestrator["health"] == "healthy"


async def test_one_node_by_id_and_clear_answers_for_bad_requests(platform: Platform) -> None:
    await eventually(lambda: _has(platform, "registration-orchestrator"), "orchestrator registered")
    orchestrator = (await platform.nodes())["registration-orchestrator"]
    base = f"http://127.0.0.1:{platform.port}/registry/nodes"
    async with httpx.AsyncClient() as client:
        one = await client.get(f"{base}/{orchestrator['node_id']}")
        unknown = await client.get(f"{base}/{uuid4()}")
        malformed = await client.get(f"{base}/not-a-uuid")
        bad_limit = await client.get(base, params={"limit": "0"})
        posted = await client.post(base)
        limited = await client.get(base, params={"limit": "1"})
    assert (one.status_code, one.json()["name"]) == (200, "registration-orchestrator")
    assert (unknown.status_code, malformed.status_code, bad_limit.status_code) == (404, 400, 400)
    assert posted.status_code == 405
    assert limited.json()["count"] == 1


async def _has(platform: Platform, name: str) -> bool:
    return name in await platform.nodes()


async def test_a_node_that_registers_then_leaves_is_seen_in_both_states(
    platform: Platform, settings: ModelOnexSettings
) -> None:
    node, node_id = ExampleNode(), uuid4()
    async with KafkaEventBus.from_settings(settings) as bus:
        node.initialize_introspection(
            node_id=node_id,
            node_name="query-example",
            node_type=EnumNodeType.COMPUTE,
            node_version="2.0.0",
            event_bus=bus,
            env=settings.env,
            heartbeat_interval=0.5,
            endpoints={"health": "http://127.0.0.1:9/health"},
        )
        await node.start_introspection()
        try:
            await eventually(
                lambda: _in_state(platform, "query-example", "active"), "example active"
            )
        finally:
            await node.stop_introspection()
        await eventually(
            lambda: _in_state(platform, "query-example", "deregistered"), "example deregistered"
        )

    listed = await _onex_nodes_json(platform.env)
    by_name = {entry["name"]: entry for entry in listed["nodes"]}  # type: ignore[attr-defined]
    assert by_name["query-example"]["state"] == "deregistered"
    assert by_name["query-example"]["node_id"] == str(node_id)
    assert by_name["registration-orchestrator"]["state"] == "active"


async def _in_state(platform: Platform, name: str, wanted: str) -> bool:
    return state(await platform.nodes(), name) == wanted


async def _onex_nodes_json(env: dict[str, str]) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        str(ONEX),
        "nodes",
        "--json",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    listed: dict[str, object] = json.loads(out)
    return listed


async def test_onex_nodes_prints_a_table_of_the_registry(platform: Platform) -> None:
    await eventually(lambda: _in_state(platform, "registration-reducer", "active"), "reducer")
    process = await asyncio.create_subprocess_exec(
        str(ONEX),
        "nodes",
        env={**platform.env, "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    table = out.decode()
    assert process.returncode == 0
    assert "ONEX node registry" in table
    rows = [line for line in table.splitlines() if "registration-reducer" in line]
    assert rows and "active" in rows[0] and "reducer" in rows[0]
    assert "s ago" in rows[0]  # the heartbeat's age


async def test_onex_nodes_says_what_to_do_when_postgresql_is_unreachable(
    platform: Platform,
) -> None:
    env = {**platform.env, "ONEX_POSTGRES__PORT": "1", "ONEX_POSTGRES__PASSWORD": "canary-pw-5x7"}
    process = await asyncio.create_subprocess_exec(
        str(ONEX),
        "nodes",
        "--json",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 1
    message = err.decode()
    assert "cannot read the registry" in message and "onex infra up" in message
    assert "canary-pw-5x7" not in message + out.decode()
