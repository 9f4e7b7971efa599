from pydantic import BaseModel, ConfigDict


class ModelValkeySettings(BaseModel):
    """Where the Valkey (Redis protocol) server listens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 6379

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"
