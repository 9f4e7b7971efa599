from typing import ClassVar

from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError


class HttpStatusError(RuntimeHostError):
    """The server answered with a status that is the request's fault (400, 404, 409, 422, 3xx...).

    The server is up, so this never opens the breaker and is never retried; `status_code`
    says what it answered. Statuses that mean trouble on the server's side have their own
    classes: 401/403 `InfraAuthenticationError`, 408/504 `InfraTimeoutError`, 429
    `InfraUnavailableError`, other 5xx `InfraConnectionError`.
    """

    default_code: ClassVar[str] = "HTTP_STATUS_ERROR"

    def __init__(
        self,
        message: str,
        context: ModelInfraErrorContext | None = None,
        *,
        status_code: int,
        code: str | None = None,
        **extra: object,
    ) -> None:
        self.status_code = status_code
        extra["status_code"] = status_code
        super().__init__(message, context, code=code, **extra)
