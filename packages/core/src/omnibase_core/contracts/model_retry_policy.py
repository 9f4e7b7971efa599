import random

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelRetryPolicy(BaseModel):
    """How often an operation is tried and how long to wait between tries.

    `max_attempts` counts the first try (1 = no retry). The wait before try n+1 is
    `backoff_seconds * multiplier**(n-1)`, capped at `max_backoff_seconds`; with `jitter`
    it is drawn uniformly between zero and that value.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=3, ge=1, le=20)
    backoff_seconds: float = Field(default=0.1, ge=0)
    multiplier: float = Field(default=2.0, ge=1)
    max_backoff_seconds: float = Field(default=5.0, ge=0)
    jitter: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> "ModelRetryPolicy":
        if self.max_backoff_seconds < self.backoff_seconds:
            raise ValueError("max_backoff_seconds must be at least backoff_seconds")
        return self

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before try number `attempt` (2 is the first retry)."""
        delay = self.backoff_seconds * self.multiplier ** max(attempt - 2, 0)
        delay = min(delay, self.max_backoff_seconds)
        return random.uniform(0, delay) if self.jitter else delay
