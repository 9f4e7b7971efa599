from typing import Self

from omnibase_core.errors import ModelOnexError
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from pydantic import BaseModel, ConfigDict, Field

from omnibase_infra.enums import EnumDispatchStatus
from omnibase_infra.observability import sanitize


class ModelDispatchResult(BaseModel):
    """What one dispatcher did with one message: success and outputs, or a failure.

    A failure keeps the raised exception in `exception` (not serialized) so the caller can
    decide between retry and dead-letter; `error_message` is already secret-free.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    status: EnumDispatchStatus = EnumDispatchStatus.SUCCESS
    outputs: tuple[ModelEventEnvelope[object], ...] = ()
    error_class: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    exception: Exception | None = Field(default=None, exclude=True, repr=False)

    @property
    def succeeded(self) -> bool:
        """True when the dispatcher handled the message."""
        return self.status is EnumDispatchStatus.SUCCESS

    @classmethod
    def failure(cls, error: Exception) -> Self:
        """The result of a dispatcher that raised `error`."""
        return cls(
            status=EnumDispatchStatus.FAILED,
            error_class=type(error).__name__,
            error_code=error.code if isinstance(error, ModelOnexError) else None,
            error_message=sanitize(str(error)),
            exception=error,
        )
