from typing import ClassVar

from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError


class PostgresQueryError(RuntimeHostError):
    """PostgreSQL answered a statement with an error (bad SQL, a constraint, a failed migration).

    The server is up, so this never opens the breaker and is never retried; `sqlstate` is
    the server's five-character code (`23505` unique violation, `40001` serialization...).
    """

    default_code: ClassVar[str] = "DATABASE_QUERY_ERROR"

    def __init__(
        self,
        message: str,
        context: ModelInfraErrorContext | None = None,
        *,
        sqlstate: str | None = None,
        code: str | None = None,
        **extra: object,
    ) -> None:
        self.sqlstate = sqlstate
        extra["sqlstate"] = sqlstate
        super().__init__(message, context, code=code, **extra)
