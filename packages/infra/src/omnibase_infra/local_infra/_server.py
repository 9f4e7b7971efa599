"""What every locally provisioned server provides to the stack manager."""

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from omnibase_infra.config import ModelOnexSettings

Progress = Callable[[str], None]


class LocalServer(ABC):
    """One real server run on loopback without Docker (Kafka, PostgreSQL, Valkey, Consul, Vault).

    The stack manager calls, in order: `ensure_installed` (cached download or build),
    `prepare` (first-time data directory set-up), spawns `command()` in the background
    with its output in `log_path`, polls `is_ready()`, then calls `after_ready()`.
    """

    name: str

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

    def prepare(self) -> None:
        """Initialise the data directory the first time (idempotent)."""

    @abstractmethod
    def command(self) -> list[str]:
        """The foreground command that runs the server."""

    @abstractmethod
    def is_ready(self) -> bool:
        """One quick, non-blocking readiness probe."""

    def after_ready(self) -> None:
        """Seed the running server (databases, users, secrets); idempotent."""
