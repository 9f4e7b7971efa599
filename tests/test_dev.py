"""`onex dev` (= `just dev`): the pipeline and the examples register, a killed node expires,
Ctrl-C stops everything; logs are prefixed into one file.

Runs `onex dev --no-infra` as a process on the real servers, with the registry in a
database of its own and the logs under a temporary state directory.
"""

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from uuid import uuid4

import psutil
import pytest
from omnibase_infra.adapters.consul import ConsulAdapter
from omnibase_infra.adapters.postgres import PostgresPoolManager, PostgresQueryError
from omnibase_infra.adapters.postgres.testing import scratch_database
from omnibase_infra.cli._dev_processes import PIPELINE, dev_processes, project_root, taken_ports
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.registration import EnumRegistrationState, PostgresRegistrationStore

ONEX = Path(sys.executable).with_name("onex")
EXPIRY_LINE = re.compile(r"^\d\d:\d\d:\d\d word-counter \w{8} liveness_expired$", re.M)
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("word-counter", "word-count-store")
# Deadlines, not expected durations (each wait ends as soon as its condition holds): six
# cold `onex run` processes share a 2-core machine that other work may load (CI, dev stack).
STARTUP_SECONDS = 180.0
STOP_SECONDS = 60.0


def test_dev_runs_the_pipeline_then_the_examples_on_consecutive_ports() -> None:
    processes = dev_processes(ROOT, 9100)

    assert [p.name for p in processes] == [*PIPELINE, *EXAMPLES]
    assert [p.port for p in processes] == list(range(9100, 9106))
    assert processes[-1].target == str(ROOT / "examples" / "word_count_store")


def test_dev_outside_a_checkout_says_where_to_run_it(tmp_path: Path) -> None:
    with pytest.raises(ProtocolConfigurationError, match="run `onex dev` from the repository"):
        project_root(tmp_path)
    assert project_root(ROOT / "examples") == ROOT


def test_a_listening_port_is_reported_taken() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert taken_ports("127.0.0.1", [port]) == [port]


@pytest.fixture
async def database(local_stack: ModelOnexSettings) -> AsyncIterator[str]:
    """A registry database of the test's own; afterwards its nodes leave Consul, it is dropped."""
    async with scratch_database(local_stack, "onex_test_dev") as name:
        try:
            yield name
        finally:
            await _leave_consul(local_stack, name)


async def _leave_consul(settings: ModelOnexSettings, database: str) -> None:
    """The pipeline stops before its own goodbyes reach Consul: deregister what the test made."""
    async with PostgresPoolManager.from_settings(settings, database=database) as db:
        try:
            registrations = await PostgresRegistrationStore(db).list_all()
        except PostgresQueryError:
            return  # nothing was registered
    async with ConsulAdapter.from_settings(settings) as consul:
        for registration in registrations:
            await consul.deregister_service(str(registration.node_id))


def free_port_run(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(50):
        first = random.randrange(20_000, 40_000)
        if not taken_ports("127.0.0.1", list(range(first, first + count))):
            return first
    raise AssertionError("no free port range")


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float) -> float:
    """Wait until `check()` holds; the seconds it took."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < timeout, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.25)
    return time.monotonic() - started


async def test_dev_shows_the_platform_registering_and_a_killed_example_expiring(
    local_stack: ModelOnexSettings, database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "ONEX_ENV": f"t{uuid4().hex[:10]}",
        "ONEX_POSTGRES__DATABASE": database,
        "ONEX_STATE_DIR": str(tmp_path),
        "ONEX_KAFKA__SESSION_TIMEOUT_MS": "1000",
        "ONEX_KAFKA__HEARTBEAT_INTERVAL_MS": "100",
        "ONEX_KAFKA__FETCH_MAX_WAIT_MS": "10",
        "COLUMNS": "200",
    }
    port = free_port_run(6)
    out = (tmp_path / "dev.out").open("wb")
    dev = subprocess.Popen(
        [str(ONEX), "dev", "--no-infra", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    settings = local_stack.model_copy(
        update={"postgres": local_stack.postgres.model_copy(update={"database": database})}
    )
    try:
        async with PostgresPoolManager.from_settings(settings) as db:
            store = PostgresRegistrationStore(db)

            async def states() -> dict[str, EnumRegistrationState]:
                try:
                    return {r.name or "": r.state for r in await store.list_all()}
                except PostgresQueryError:
                    return {}  # the orchestrator has not created the registry yet

            async def all_active() -> bool:
                found = await states()
                names = (*PIPELINE, *EXAMPLES)
                return all(found.get(name) is EnumRegistrationState.ACTIVE for name in names)

            await eventually(
                all_active, "the four services and two examples active", STARTUP_SECONDS
            )
            _child("examples/word_counter", dev.pid).kill()

            async def expired() -> bool:
                state = (await states()).get("word-counter")
                return state is EnumRegistrationState.LIVENESS_EXPIRED

            took = await eventually(expired, "the killed example expired", 30)
            assert (await states())["word-count-store"] is EnumRegistrationState.ACTIVE

            async def expiry_shown() -> bool:
                # Not a terminal: the registry's changes come as lines, the expiry among them.
                return EXPIRY_LINE.search((tmp_path / "dev.out").read_text()) is not None

            await eventually(expiry_shown, "onex dev printed the expiry", 10)
        children = psutil.Process(dev.pid).children()
        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=STOP_SECONDS) == 0
        assert not [child for child in children if child.is_running()]
    finally:
        if dev.poll() is None:
            # Its children run in sessions of their own: they would outlive it.
            for child in psutil.Process(dev.pid).children(recursive=True):
                child.kill()
            dev.kill()
            dev.wait()
        out.close()
    log = (tmp_path / "logs" / "dev.log").read_text()
    output = (tmp_path / "dev.out").read_text()
    assert "[registration-orchestrator] {" in log and "[word-counter] {" in log
    assert "all stopped" in output
    assert re.search(r"^\d\d:\d\d:\d\d registration-orchestrator \w{8} active$", output, re.M)
    print(f"word-counter expired {took:.1f} s after it was killed")


def _child(target: str, parent: int) -> psutil.Process:
    for child in psutil.Process(parent).children():
        if any(part.endswith(target) for part in child.cmdline()):
            return child
    raise AssertionError(f"no child running {target}")
