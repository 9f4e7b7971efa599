from pydantic import BaseModel, ConfigDict


class ModelConsulSettings(BaseModel):
    """Where the Consul agent listens and which Consul release is built locally."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8500
    version: str = "1.16.6"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
