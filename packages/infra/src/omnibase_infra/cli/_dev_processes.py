"""The processes `onex dev` runs: `onex run <target>` each, logs prefixed into one file."""

import asyncio
import contextlib
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from omnibase_infra.errors import ProtocolConfigurationError

# The whole registration pipeline, then the example nodes (paths from the project root).
PIPELINE = (
    "registration-orchestrator",
    "registration-reducer",
    "registry-effect",
    "runtime-scheduler",
)
EXAMPLES = ("examples/word_counter", "examples/word_count_store")
# Short liveness so a stopped node is seen expiring within seconds; the user's env wins.
DEV_ENVIRONMENT = {
    "ONEX_RUNTIME__HEARTBEAT_INTERVAL_SECONDS": "2",
    "ONEX_REGISTRATION__LIVENESS_TIMEOUT_SECONDS": "10",
    "ONEX_REGISTRATION__ACK_TIMEOUT_SECONDS": "10",
    "ONEX_SCHEDULER__TICK_INTERVAL_SECONDS": "1",
    "ONEX_RUNTIME__GRACEFUL_TIMEOUT_SECONDS": "10",
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class DevProcess:
    """One `onex run` child: what it runs, on which HTTP port, and its process once started."""

    name: str
    target: str
    port: int
    process: asyncio.subprocess.Process | None = None
    _pump: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def exit_code(self) -> int | None:
        return self.process.returncode if self.process else None

    async def start(self, env: dict[str, str], log: TextIO) -> None:
        """Start `onex run <target> --port <port> --no-infra`, its output prefixed into `log`."""
        onex = Path(sys.executable).with_name("onex")
        self.process = await asyncio.create_subprocess_exec(
            str(onex),
            *("run", self.target, "--port", str(self.port), "--no-infra"),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches `onex dev` only; it stops the children
        )
        self._pump = asyncio.create_task(self._copy_output(log), name=f"log {self.name}")

    async def stop(self, timeout: float) -> None:
        """SIGTERM (graceful: the node deregisters), SIGKILL after `timeout` seconds."""
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        if self._pump is not None:
            await self._pump

    async def _copy_output(self, log: TextIO) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for line in self.process.stdout:
            log.write(f"[{self.name}] {line.decode(errors='replace')}")
            log.flush()


def dev_processes(root: Path, first_port: int) -> list[DevProcess]:
    """The pipeline's services and the examples, on consecutive ports from `first_port`."""
    targets = [(name, name) for name in PIPELINE]
    targets += [(Path(path).name.replace("_", "-"), str(root / path)) for path in EXAMPLES]
    return [
        DevProcess(name, target, first_port + index) for index, (name, target) in enumerate(targets)
    ]


def project_root(start: Path) -> Path:
    """The ONEX checkout holding `start` (the folder with services/ and examples/)."""
    for folder in (start, *start.parents):
        if (folder / "services").is_dir() and (folder / EXAMPLES[0] / "contract.yaml").is_file():
            return folder
    raise ProtocolConfigurationError(
        f"{start} is not inside an ONEX checkout (no services/ and {EXAMPLES[0]}/ found): "
        "run `onex dev` from the repository"
    )


def taken_ports(host: str, ports: list[int]) -> list[int]:
    """The ports among `ports` that something already listens on."""
    taken = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                taken.append(port)
    return taken
