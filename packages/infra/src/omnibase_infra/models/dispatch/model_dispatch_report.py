from uuid import UUID

from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from pydantic import BaseModel, ConfigDict, SkipValidation

from omnibase_infra.enums import EnumDispatchStatus
from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError
from omnibase_infra.models.dispatch.model_dispatch_result import ModelDispatchResult


class ModelDispatchReport(BaseModel):
    """The results of dispatching one message to every matching dispatcher, by dispatcher name.

    `status` is NO_ROUTE when no dispatcher matched, FAILED when any failed, else SUCCESS.
    """

    model_config = ConfigDict(frozen=True)

    # Already validated by whoever built it; re-validating would copy it on every message
    # (an envelope of a concrete payload type is not an instance of `[object]`).
    envelope: SkipValidation[ModelEventEnvelope[object]]
    topic: str | None = None
    results: dict[str, ModelDispatchResult]

    @property
    def message_type(self) -> str:
        """The type of the dispatched message."""
        return self.envelope.message_type

    @property
    def correlation_id(self) -> UUID:
        """The correlation id of the dispatched message."""
        return self.envelope.correlation_id

    @property
    def status(self) -> EnumDispatchStatus:
        """The overall outcome."""
        if not self.results:
            return EnumDispatchStatus.NO_ROUTE
        if any(not result.succeeded for result in self.results.values()):
            return EnumDispatchStatus.FAILED
        return EnumDispatchStatus.SUCCESS

    @property
    def succeeded(self) -> bool:
        """True when at least one dispatcher ran and none failed."""
        return self.status is EnumDispatchStatus.SUCCESS

    @property
    def failures(self) -> dict[str, ModelDispatchResult]:
        """The failed results, by dispatcher name."""
        return {name: r for name, r in self.results.items() if not r.succeeded}

    @property
    def outputs(self) -> tuple[ModelEventEnvelope[object], ...]:
        """Every produced envelope, in dispatcher registration order."""
        return tuple(out for result in self.results.values() for out in result.outputs)

    def raise_for_errors(self) -> None:
        """Raise if the message was not handled: no route, or an ExceptionGroup of failures."""
        status = self.status
        if status is EnumDispatchStatus.SUCCESS:
            return
        if status is EnumDispatchStatus.NO_ROUTE:
            raise self._error(
                f"no dispatcher is registered for message type {self.message_type!r} "
                f"({self.envelope.category.value}) on topic {self.topic!r}; register one with "
                "MessageDispatchEngine.register()",
                "DISPATCH_NO_ROUTE",
            )
        errors = [
            result.exception or self._error(f"{name}: {result.error_message}", "DISPATCH_FAILED")
            for name, result in self.failures.items()
        ]
        raise ExceptionGroup(
            f"{len(errors)} of {len(self.results)} dispatchers failed for {self.message_type}",
            errors,
        )

    def _error(self, message: str, code: str) -> RuntimeHostError:
        context = ModelInfraErrorContext(
            operation="dispatch", correlation_id=self.correlation_id, target_name=self.topic
        )
        return RuntimeHostError(message, context, code=code, message_type=self.message_type)
