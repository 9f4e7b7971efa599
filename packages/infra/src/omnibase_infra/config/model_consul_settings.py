from pydantic import BaseModel, ConfigDict, SecretStr


class ModelConsulSettings(BaseModel):
    """Where the Consul agent listens, which Consul release is built locally, and its ACL token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8500
    version: str = "1.16.6"
    # Sent as the X-Consul-Token header; outside local development read it from Vault instead.
    token: SecretStr | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
