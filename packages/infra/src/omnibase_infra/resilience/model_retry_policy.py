from pydantic import BaseModel, ConfigDict, Field


class ModelRetryPolicy(BaseModel):
    """How a transient failure is retried: bounded attempts, bounded time, jittered backoff.

    The wait before try n+1 is `backoff_seconds * multiplier**(n-1)` plus a random
    `0..jitter_seconds`, capped at `max_backoff_seconds`. `max_attempts` counts the first
    try. No retry starts whose wait would end after `max_total_seconds`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=3, ge=1, le=100)
    backoff_seconds: float = Field(default=0.1, ge=0)
    multiplier: float = Field(default=2.0, ge=1)
    max_backoff_seconds: float = Field(default=10.0, ge=0)
    jitter_seconds: float = Field(default=0.1, ge=0)
    max_total_seconds: float = Field(default=30.0, gt=0)
