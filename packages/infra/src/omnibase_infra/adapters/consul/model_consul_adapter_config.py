from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from omnibase_infra.adapters.consul._meta import (
    DEFAULT_CONSUL_META_KEYS,
    META_MAX_PAIRS,
    meta_key_problem,
)


class ModelConsulAdapterConfig(BaseModel):
    """Where the Consul agent is, the ACL token, timeouts, breaker and the meta allow-list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8500, ge=1, le=65535)
    # Sent as the X-Consul-Token header only; read it from Vault outside local development.
    token: SecretStr | None = None
    # Bound on one whole request (connect, send, answer).
    timeout_seconds: float = Field(default=5.0, gt=0)
    # Only these service meta keys reach Consul; others are dropped (and logged by name).
    meta_keys: frozenset[str] = DEFAULT_CONSUL_META_KEYS
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy(
        threshold=5, reset_timeout_seconds=10.0
    )
    # Applied to reads only.
    retry: ModelRetryPolicy = ModelRetryPolicy()

    @field_validator("meta_keys")
    @classmethod
    def _consul_accepts_keys(cls, keys: frozenset[str]) -> frozenset[str]:
        if len(keys) > META_MAX_PAIRS:
            raise ValueError(f"{len(keys)} keys; Consul keeps at most {META_MAX_PAIRS}")
        for key in sorted(keys):
            problem = meta_key_problem(key)
            if problem:
                raise ValueError(f"meta key {key!r} is invalid: {problem}")
        return keys

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def target_name(self) -> str:
        """`consul host:port`: how errors, logs and metrics name this agent."""
        return f"consul {self.host}:{self.port}"
