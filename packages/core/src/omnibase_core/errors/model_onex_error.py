from typing import ClassVar
from uuid import UUID, uuid4


class ModelOnexError(Exception):
    """Base of every ONEX error: a stable code, a message, a correlation id and context."""

    default_code: ClassVar[str] = "ONEX_ERROR"
    # True for failures that may pass on a later attempt (connection lost, timeout);
    # effect retries only ever repeat those.
    transient: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        correlation_id: UUID | None = None,
        context: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.correlation_id = correlation_id or uuid4()
        self.context: dict[str, object] = dict(context or {})

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view for logs and dead letters (already free of secrets)."""
        return {
            "error_class": type(self).__name__,
            "code": self.code,
            "message": self.message,
            "correlation_id": str(self.correlation_id),
            "context": {key: str(value) for key, value in self.context.items()},
        }
