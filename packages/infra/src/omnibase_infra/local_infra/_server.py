"""What every locally provisioned server provides to the stack manager."""

import signal
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from omnibase_infra.config import ModelOnexSettings

Progress = Callable[[str], None]


class LocalServer(ABC):
    """One real server run on loopback without Docker (Kafka, PostgreSQL, Valkey, Consul, Vault).

    The stack manager calls, in order: `missing_prerequisite`, `ensure_installed` (cached
    download or build), `prepare` (first-time data directory set-up), spawns `command()`
    detached with its output in `log_path` and `data_dir` as working directory, polls
    `is_ready()` for up to `ready_timeout_s`, then calls `after_ready()` once per start.
    `down` sends `stop_signal` and kills what is left after `stop_timeout_s`.
    """

    name: str
    ready_timeout_s: float = 30.0
    stop_timeout_s: float = 15.0
    stop_signal: signal.Signals = signal.SIGTERM

    def __init__(self, settings: ModelOnexSettings) -> None:
        self.settings = settings

    @property
    @abstractmethod
    def version(self) -> str:
        """The exact version of the server binary that runs."""

    @property
    @abstractmethod
    def port(self) -> int:
        """The main loopback port clients connect to."""

    @property
    def host(self) -> str:
        """The loopback address the server binds."""
        return "127.0.0.1"

    @property
    def ports(self) -> dict[str, int]:
        """Every port the server binds, keyed by its field in this server's settings section.

        The key names the override: `{"port": 9092}` on `kafka` means `ONEX_KAFKA__PORT`.
        """
        return {"port": self.port}

    @property
    def data_dir(self) -> Path:
        return self.settings.state_dir / self.name

    @property
    def log_path(self) -> Path:
        return self.settings.state_dir / "logs" / f"{self.name}.log"

    @property
    def run_as_user(self) -> str | None:
        """A system user to run the server as (PostgreSQL refuses root), or None."""
        return None

    def missing_prerequisite(self) -> str | None:
        """One line naming what to install, or None when everything needed is present."""
        return None

    @abstractmethod
    def ensure_installed(self, progress: Progress) -> None:
        """Download or build the server into the cache; a no-op when already cached."""

    def prepare(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Initialise the data directory the first time (idempotent)."""

    @abstractmethod
    def command(self) -> list[str]:
        """The foreground command that runs the server."""

    def environment(self) -> dict[str, str]:
        """Extra environment variables for the server; secrets go here, never in `command()`."""
        return {}

    @abstractmethod
    def is_ready(self) -> bool:
        """One quick, non-blocking readiness probe."""

    def after_ready(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Seed the running server (databases, users, secrets); idempotent."""
