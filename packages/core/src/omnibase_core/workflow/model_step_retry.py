from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelStepRetry(BaseModel):
    """How often a step is tried and how long to wait between tries.

    The wait before try n+1 is `backoff_seconds * multiplier**(n-1)`, capped at
    `max_backoff_seconds`. `max_attempts` counts the first try: 1 means no retry.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=1, ge=1, le=100)
    backoff_seconds: float = Field(default=0.1, ge=0)
    multiplier: float = Field(default=2.0, ge=1)
    max_backoff_seconds: float = Field(default=30.0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> "ModelStepRetry":
        if self.max_backoff_seconds < self.backoff_seconds:
            raise ValueError("max_backoff_seconds must be at least backoff_seconds")
        return self

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before try number `attempt` (2 is the first retry)."""
        delay = self.backoff_seconds * self.multiplier ** max(attempt - 2, 0)
        return min(delay, self.max_backoff_seconds)
