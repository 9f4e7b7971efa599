from pydantic import BaseModel, ConfigDict, SecretStr


class ModelConsulSettings(BaseModel):
    """Where the Consul agent listens, which Consul release is built locally, and its ACL token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8500
    # The local dev agent's Raft server RPC and LAN gossip ports (WAN gossip is off).
    server_port: int = 8300
    serf_lan_port: int = 8301
    # The newest MPL-2.0 release buildable from the Go module proxy (1.15+ need modules it refuses).
    version: str = "1.14.11"
    # Sent as the X-Consul-Token header; outside local development read it from Vault instead.
    token: SecretStr | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
