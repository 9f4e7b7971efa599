"""Run sample nodes with `onex run` as real processes against the local broker."""

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from omnibase_infra.config import ModelOnexSettings

FIXTURES = Path(__file__).parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

from host_process import HostProcess  # noqa: E402


@pytest.fixture
def host_env(local_stack: ModelOnexSettings) -> dict[str, str]:
    """Environment of a host process: its own topic namespace and fast group timings."""
    return {
        **os.environ,
        "ONEX_ENV": f"t{uuid.uuid4().hex[:10]}",
        "ONEX_KAFKA__HOST": local_stack.kafka.host,
        "ONEX_KAFKA__PORT": str(local_stack.kafka.port),
        "ONEX_KAFKA__SESSION_TIMEOUT_MS": "1000",
        "ONEX_KAFKA__HEARTBEAT_INTERVAL_MS": "100",
        "ONEX_KAFKA__FETCH_MAX_WAIT_MS": "10",
        "ONEX_RUNTIME__GRACEFUL_TIMEOUT_SECONDS": "15",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def start_host(host_env: dict[str, str]) -> Iterator[Callable[[Path], HostProcess]]:
    started: list[HostProcess] = []

    def start(folder: Path) -> HostProcess:
        host = HostProcess(folder, host_env)
        started.append(host)
        return host

    yield start
    for host in started:
        host.kill()
