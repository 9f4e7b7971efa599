"""HashiCorp Consul as a dev agent (one in-memory server node), built from its Go sources."""

from pathlib import Path

import httpx

from omnibase_infra.local_infra import _go_build
from omnibase_infra.local_infra._server import LocalServer, Progress

_MODULE = "github.com/hashicorp/consul"


class ConsulServer(LocalServer):
    """A `consul agent -dev` on loopback: HTTP API only (no DNS, gRPC, WAN gossip or UI)."""

    name = "consul"

    @property
    def version(self) -> str:
        return self.settings.consul.version

    @property
    def host(self) -> str:
        return self.settings.consul.host

    @property
    def port(self) -> int:
        return self.settings.consul.port

    @property
    def ports(self) -> dict[str, int]:
        consul = self.settings.consul
        return {
            "port": consul.port,
            "server_port": consul.server_port,
            "serf_lan_port": consul.serf_lan_port,
        }

    @property
    def binary(self) -> Path:
        return _go_build.cached_binary(self.settings.cache_dir, self.name, self.version)

    def missing_prerequisite(self) -> str | None:
        return _go_build.missing_go(self.binary)

    def ensure_installed(self, progress: Progress) -> None:
        _go_build.build_release(
            _MODULE, self.version, self.binary, progress, expected_duration="about 7 min"
        )

    def command(self) -> list[str]:
        consul = self.settings.consul
        return [
            str(self.binary), "agent", "-dev",
            "-node", "onex-local",
            "-client", consul.host,
            "-bind", consul.host,
            "-http-port", str(consul.port),
            "-server-port", str(consul.server_port),
            "-serf-lan-port", str(consul.serf_lan_port),
            "-serf-wan-port", "-1",
            "-dns-port", "-1",
            "-grpc-port", "-1",
            "-grpc-tls-port", "-1",
            "-ui=false",
            # No calls home to HashiCorp's update-check service.
            "-hcl", "disable_update_check = true",
            # Every failing health check of a stale registration is a WARN line each interval:
            # left at the default level, the log grew by gigabytes an hour under the test suite.
            "-log-level", "error",
        ]  # fmt: skip

    def is_ready(self) -> bool:
        # Registrations fail until the single server has elected itself leader.
        try:
            answer = httpx.get(f"{self.settings.consul.url}/v1/status/leader", timeout=1.0)
        except httpx.HTTPError:
            return False
        return answer.status_code == httpx.codes.OK and bool(answer.json())
