"""The four registration services run as real processes with `onex run <name> --port N`.

They read their credentials from Vault, as deployed services do."""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from omnibase_infra.config import ModelOnexSettings
from onex_process import OnexRunProcess
from prometheus_client.parser import text_string_to_metric_families

SERVICES = (
    "registration-orchestrator",
    "registration-reducer",
    "registry-effect",
    "runtime-scheduler",
)
ONEX = Path(sys.executable).with_name("onex")
Line = dict[str, object]


@dataclass(frozen=True)
class Timings:
    """The registry's short clocks for tests (seconds)."""

    ack_timeout: float = 5.0
    liveness_timeout: float = 3.0
    tick_interval: float = 0.25
    reclaim_after: float = 5.0


def service_environment(
    settings: ModelOnexSettings,
    *,
    env: str,
    database: str,
    consul_port: int,
    timings: Timings,
) -> dict[str, str]:
    """The environment of every service process: own topics, database, Consul, short clocks."""
    return {
        **os.environ,
        "ONEX_ENV": env,
        "ONEX_KAFKA__HOST": settings.kafka.host,
        "ONEX_KAFKA__PORT": str(settings.kafka.port),
        # Short enough for a killed member's partitions to move on within seconds, long
        # enough that a starved process on a loaded machine is not thrown out of its groups.
        "ONEX_KAFKA__SESSION_TIMEOUT_MS": "6000",
        "ONEX_KAFKA__HEARTBEAT_INTERVAL_MS": "500",
        "ONEX_KAFKA__FETCH_MAX_WAIT_MS": "10",
        "ONEX_POSTGRES__HOST": settings.postgres.host,
        "ONEX_POSTGRES__PORT": str(settings.postgres.port),
        "ONEX_POSTGRES__DATABASE": database,
        "ONEX_VALKEY__HOST": settings.valkey.host,
        "ONEX_VALKEY__PORT": str(settings.valkey.port),
        "ONEX_CONSUL__HOST": settings.consul.host,
        "ONEX_CONSUL__PORT": str(consul_port),
        "ONEX_VAULT__HOST": settings.vault.host,
        "ONEX_VAULT__PORT": str(settings.vault.port),
        "ONEX_REGISTRATION__ACK_TIMEOUT_SECONDS": str(timings.ack_timeout),
        "ONEX_REGISTRATION__LIVENESS_TIMEOUT_SECONDS": str(timings.liveness_timeout),
        "ONEX_REGISTRATION__RECLAIM_AFTER_SECONDS": str(timings.reclaim_after),
        "ONEX_SCHEDULER__TICK_INTERVAL_SECONDS": str(timings.tick_interval),
        "ONEX_SCHEDULER__LEASE_TTL_SECONDS": str(max(1.0, 4 * timings.tick_interval)),
        "ONEX_RUNTIME__GRACEFUL_TIMEOUT_SECONDS": "10",
        # The services register themselves too: their beats must outpace the short liveness.
        "ONEX_RUNTIME__HEARTBEAT_INTERVAL_SECONDS": str(timings.liveness_timeout / 6),
        "PYTHONUNBUFFERED": "1",
    }


class ServiceProcess(OnexRunProcess):
    """`onex run <name>` in its own process on a free HTTP port; its JSON log lines are kept."""

    def __init__(self, name: str, environment: Mapping[str, str]) -> None:
        self.name = name
        self.http_port = _free_port()
        # --no-infra: the test session has started the servers (`local_stack`).
        port = str(self.http_port)
        super().__init__(name, "--port", port, "--no-infra", env=environment)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def tail(self, count: int = 30) -> str:
        return f"--- last lines of {self.name} ---\n" + "".join(self.raw[-count:])

    async def wait_ready(self, timeout: float = 180.0) -> None:
        """Return once `/ready` answers 200 (consumers assigned, dependencies reachable)."""
        port = self.http_port
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                        return
                assert self.running, f"{self.name} exited\n{self.tail()}"
                assert time.monotonic() < deadline, f"{self.name} never ready\n{self.tail()}"
                await asyncio.sleep(0.05)

    async def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        """The service's `/metrics` samples by (name, labels)."""
        async with httpx.AsyncClient(timeout=5.0) as client:
            text = (await client.get(f"http://127.0.0.1:{self.http_port}/metrics")).text
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait: in-flight work finishes and is committed."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.close()
        return code

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish or commit anything."""
        if self.running:
            self.process.kill()
        self.process.wait(timeout=10)
        self.close()


@dataclass
class RegistrationServices:
    """The running set of registration services sharing one environment."""

    environment: dict[str, str]
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    @property
    def env(self) -> str:
        return self.environment["ONEX_ENV"]

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.processes[name]

    async def start(self, names: tuple[str, ...] = SERVICES) -> None:
        """Start the services (all at once) and wait until every one is ready."""
        for name in names:
            self.processes[name] = ServiceProcess(name, self.environment)
        await asyncio.gather(*(self.processes[name].wait_ready() for name in names))

    async def restart(self, name: str) -> ServiceProcess:
        """Start a service again (after it was stopped or killed) and wait until ready."""
        self.processes[name] = ServiceProcess(name, self.environment)
        await self.processes[name].wait_ready()
        return self.processes[name]

    async def stop(self) -> None:
        """SIGTERM every process still running (SIGKILL if it does not stop in time)."""
        await asyncio.gather(
            *(asyncio.to_thread(_stop, process) for process in self.processes.values())
        )

    def check_alive(self) -> None:
        """Fail with the logs of any service that died."""
        dead = [p.tail() for p in self.processes.values() if not p.running]
        assert not dead, "services exited:\n" + "\n".join(dead)

    def errors(self) -> Iterator[tuple[str, Line]]:
        """Every ERROR log line of every service."""
        for name, process in self.processes.items():
            for line in process.lines:
                if line.get("level") == "ERROR":
                    yield name, line


def _free_port() -> int:
    """A TCP port free right now (the service binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(process: ServiceProcess) -> None:
    try:
        process.terminate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def lines_matching(process: ServiceProcess, match: Callable[[Line], bool]) -> list[Line]:
    return [line for line in list(process.lines) if match(line)]
