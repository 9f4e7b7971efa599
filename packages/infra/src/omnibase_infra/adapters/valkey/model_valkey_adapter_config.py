from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ModelValkeyAdapterConfig(BaseModel):
    """How the Valkey adapter connects, pools, times out, backs off and names its keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=6379, ge=1, le=65535)
    db: int = Field(default=0, ge=0)
    username: str | None = None
    password: SecretStr | None = None
    max_connections: int = Field(default=20, ge=1)
    connect_timeout_seconds: float = Field(default=2.0, gt=0)
    # Bound on one command's reply.
    command_timeout_seconds: float = Field(default=2.0, gt=0)
    # Waiting for a free pooled connection when all are busy.
    acquire_timeout_seconds: float = Field(default=2.0, gt=0)
    # Put in front of every cache key and lease name, so ONEX shares a server safely.
    key_prefix: str = "onex:"
    # Shown by CLIENT LIST, to tell ONEX connections apart on a shared server.
    client_name: str = Field(default="onex", pattern=r"^[!-~]+$")
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy(
        threshold=5, reset_timeout_seconds=10.0
    )
    # Every command the adapter sends is safe to repeat, so each is retried on a lost connection.
    retry: ModelRetryPolicy = ModelRetryPolicy()

    @property
    def target_name(self) -> str:
        """`valkey host:port`: how errors, logs and metrics name this server."""
        return f"valkey {self.host}:{self.port}"
