from pydantic import BaseModel, ConfigDict, Field, model_validator

from omnibase_core.contracts._refs import ClassRef
from omnibase_core.contracts.model_circuit_breaker_policy import ModelCircuitBreakerPolicy
from omnibase_core.contracts.model_retry_policy import ModelRetryPolicy
from omnibase_core.errors.contract_field_error import ContractFieldError


class ModelEffectOperation(BaseModel):
    """An adapter operation an effect node performs, and how it is made resilient.

    Unset `timeout_seconds`, `retry` and `circuit_breaker` come from the contract's
    `resilience` section. An operation that is not idempotent is never retried.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    operation: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
    adapter: ClassRef
    idempotent: bool
    timeout_seconds: float | None = Field(default=None, gt=0)
    retry: ModelRetryPolicy | None = None
    circuit_breaker: ModelCircuitBreakerPolicy | None = None

    @model_validator(mode="after")
    def _no_retry_unless_idempotent(self) -> "ModelEffectOperation":
        if not self.idempotent and self.retry is not None and self.retry.max_attempts > 1:
            raise ContractFieldError(
                ("retry", "max_attempts"),
                "an operation that is not idempotent must not be retried; "
                "set max_attempts: 1, or idempotent: true if repeating it is safe",
            )
        return self
