from pydantic import BaseModel, ConfigDict, Field


class ModelCircuitBreakerPolicy(BaseModel):
    """When an adapter's circuit opens and how it recovers (applied by the infra runtime)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: int = Field(default=5, ge=1)
    reset_timeout_seconds: float = Field(default=60.0, gt=0)
    half_open_max_calls: int = Field(default=1, ge=1)
