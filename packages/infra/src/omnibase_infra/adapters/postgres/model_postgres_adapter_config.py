from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class ModelPostgresAdapterConfig(BaseModel):
    """How the PostgreSQL adapter connects, pools, times out and backs off."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=5432, ge=1, le=65535)
    database: str = "onex"
    user: str = "onex"
    password: SecretStr = SecretStr("")
    min_pool_size: int = Field(default=1, ge=0)
    max_pool_size: int = Field(default=10, ge=1)
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # Waiting for a free pooled connection (including opening it).
    acquire_timeout_seconds: float = Field(default=10.0, gt=0)
    # Client-side bound on one call; the server-side `statement_timeout` is separate.
    command_timeout_seconds: float = Field(default=30.0, gt=0)
    statement_timeout_seconds: float | None = Field(default=None, gt=0)
    # Idle pooled connections are closed after this long (0 keeps them).
    max_idle_seconds: float = Field(default=300.0, ge=0)
    application_name: str = "onex"
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy(
        threshold=5, reset_timeout_seconds=10.0
    )
    # Applied to opening connections only: a query that may have run is never repeated.
    retry: ModelRetryPolicy = ModelRetryPolicy()

    @model_validator(mode="after")
    def _pool_bounds(self) -> "ModelPostgresAdapterConfig":
        if self.min_pool_size > self.max_pool_size:
            raise ValueError("min_pool_size must not exceed max_pool_size")
        return self

    @property
    def target_name(self) -> str:
        """`postgres host:port`: how errors, logs and metrics name this server."""
        return f"postgres {self.host}:{self.port}"
