"""Valkey, or Redis where Valkey is not installed: the system's server binary on loopback."""

import re
import shutil
import subprocess
from functools import cached_property

from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra.errors import LocalInfraError

# Valkey first; Debian 12 packages only Redis, which speaks the same protocol.
_BINARIES = ("valkey-server", "redis-server")


class ValkeyServer(LocalServer):
    """A Valkey (or Redis) server with its snapshot file in the data directory."""

    name = "valkey"

    @cached_property
    def binary(self) -> str | None:
        """The server executable found on PATH, or None."""
        return next((found for name in _BINARIES if (found := shutil.which(name))), None)

    @cached_property
    def version(self) -> str:
        if self.binary is None:
            return "not installed"
        shown = subprocess.run(
            [self.binary, "--version"], capture_output=True, text=True, check=False
        )
        found = re.search(r"v=(\S+)", shown.stdout)
        flavour = "valkey" if "valkey" in shown.stdout.lower() else "redis"
        return f"{flavour} {found.group(1) if found else 'unknown'}"

    @property
    def host(self) -> str:
        return self.settings.valkey.host

    @property
    def port(self) -> int:
        return self.settings.valkey.port

    def missing_prerequisite(self) -> str | None:
        if self.binary is None:
            return (
                "neither valkey-server nor redis-server is on PATH; run "
                "deploy/local/install-system-packages.sh (Debian package redis-server)"
            )
        return None

    def ensure_installed(self, progress: Progress) -> None:
        """Nothing to fetch: the server comes from the system's packages."""

    def command(self) -> list[str]:
        if self.binary is None:
            raise LocalInfraError(f"valkey: {self.missing_prerequisite()}")
        return [
            self.binary,
            "--port", str(self.port),
            "--bind", self.host,
            "--dir", str(self.data_dir),
            "--daemonize", "no",
            "--protected-mode", "yes",
        ]  # fmt: skip

    def is_ready(self) -> bool:
        # Imported here, not at the top: importing redis costs every `onex` command 0.5 s.
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis(
            host=self.host,
            port=self.port,
            socket_timeout=1,
            socket_connect_timeout=1,
            retry=Retry(NoBackoff(), retries=0),
        )
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()
