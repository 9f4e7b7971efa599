from pydantic import BaseModel, ConfigDict, Field

from omnibase_core.contracts.model_circuit_breaker_policy import ModelCircuitBreakerPolicy
from omnibase_core.contracts.model_retry_policy import ModelRetryPolicy


class ModelResiliencePolicy(BaseModel):
    """Timeout, retry and circuit-breaker settings; node-wide defaults or per effect operation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_seconds: float = Field(default=10.0, gt=0)
    retry: ModelRetryPolicy = ModelRetryPolicy()
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy()
