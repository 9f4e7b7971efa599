"""The infrastructure error tree; every message and context value is scrubbed at construction.

ModelOnexError (omnibase_core)
└── RuntimeHostError
    ├── ProtocolConfigurationError
    ├── InfraConnectionError        code from the transport: DATABASE_CONNECTION_ERROR, ...
    ├── InfraTimeoutError
    ├── InfraAuthenticationError
    └── InfraUnavailableError       carries retry_after_seconds and circuit_state
"""

from typing import ClassVar

from omnibase_core.errors import ModelOnexError

from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.models.errors import ModelInfraErrorContext
from omnibase_infra.observability import sanitize, sanitize_mapping


class RuntimeHostError(ModelOnexError):
    """An infrastructure operation failed; `infra_context` says where."""

    default_code: ClassVar[str] = "RUNTIME_HOST_ERROR"

    def __init__(
        self,
        message: str,
        context: ModelInfraErrorContext | None = None,
        *,
        code: str | None = None,
        **extra: object,
    ) -> None:
        self.infra_context = context or ModelInfraErrorContext()
        fields = {**self.infra_context.to_fields(), **sanitize_mapping(extra)}
        super().__init__(
            sanitize(message),
            code=code or self._code_for(self.infra_context),
            correlation_id=self.infra_context.correlation_id,
            context=fields,
        )

    @classmethod
    def _code_for(cls, context: ModelInfraErrorContext) -> str:
        return cls.default_code

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready, secret-free view for logs and dead letters, naming the cause if any."""
        data = super().to_dict()
        cause = self.__cause__
        if cause is not None:
            data["cause"] = f"{type(cause).__name__}: {sanitize(str(cause))}"
        return data


class ProtocolConfigurationError(RuntimeHostError):
    """Configuration is invalid or missing; fix the setting named in the message."""

    default_code: ClassVar[str] = "CONFIGURATION_ERROR"


class InfraConnectionError(RuntimeHostError):
    """Could not connect to, or lost the connection to, an external service."""

    default_code: ClassVar[str] = "INFRA_CONNECTION_ERROR"
    transient: ClassVar[bool] = True

    @classmethod
    def _code_for(cls, context: ModelInfraErrorContext) -> str:
        if context.transport_type is None:
            return cls.default_code
        return f"{context.transport_type.name}_CONNECTION_ERROR"


class InfraTimeoutError(RuntimeHostError):
    """An external service did not answer in time."""

    default_code: ClassVar[str] = "INFRA_TIMEOUT_ERROR"
    transient: ClassVar[bool] = True


class InfraAuthenticationError(RuntimeHostError):
    """An external service rejected our credentials; retrying will not help."""

    default_code: ClassVar[str] = "INFRA_AUTHENTICATION_ERROR"


class InfraUnavailableError(RuntimeHostError):
    """A service is unavailable (its circuit breaker is open); try again after a while."""

    default_code: ClassVar[str] = "INFRA_UNAVAILABLE_ERROR"

    def __init__(
        self,
        message: str,
        context: ModelInfraErrorContext | None = None,
        *,
        retry_after_seconds: float | None = None,
        circuit_state: EnumCircuitState | None = None,
        code: str | None = None,
        **extra: object,
    ) -> None:
        self.retry_after_seconds = retry_after_seconds
        self.circuit_state = circuit_state
        if retry_after_seconds is not None:
            extra["retry_after_seconds"] = round(retry_after_seconds, 3)
        if circuit_state is not None:
            extra["circuit_state"] = circuit_state.value
        super().__init__(message, context, code=code, **extra)
