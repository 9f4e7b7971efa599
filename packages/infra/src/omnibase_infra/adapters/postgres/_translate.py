"""asyncpg's exceptions as ONEX errors: what failed, what to do, never a secret."""

import asyncpg

from omnibase_infra.adapters.postgres.errors import PostgresQueryError
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    ModelInfraErrorContext,
    ProtocolConfigurationError,
    RuntimeHostError,
)

# The server is going away or not accepting connections yet (class 57 operator intervention,
# except 57014 query_canceled, which is how a statement timeout ends).
_SERVER_GOING_AWAY = (
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)
_BAD_CREDENTIALS = (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError)


def translate_postgres_error(
    error: Exception, context: ModelInfraErrorContext, user: str
) -> RuntimeHostError | None:
    """Our error for an asyncpg or socket error; None for anything else."""
    where = context.target_name
    if isinstance(error, _BAD_CREDENTIALS):
        return InfraAuthenticationError(
            f"{where} refused the credentials of role {user!r}; check ONEX_POSTGRES__USER and "
            "the password (Vault outside local development). Not retried.",
            context,
        )
    if isinstance(error, (asyncpg.QueryCanceledError, TimeoutError)):
        return InfraTimeoutError(
            f"{where}: {context.operation} did not finish in time ({type(error).__name__}); "
            "make the statement cheaper or raise the timeout",
            context,
        )
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return ProtocolConfigurationError(
            f"{where} has no such database ({_first_line(error)}); check ONEX_POSTGRES__DATABASE",
            context,
        )
    if _is_connection_failure(error):
        return InfraConnectionError(
            f"cannot reach {where} ({type(error).__name__}: {_first_line(error)}); check that "
            "the server runs (`onex infra up` locally) and ONEX_POSTGRES__HOST/PORT",
            context,
        )
    if isinstance(error, asyncpg.PostgresError):
        return PostgresQueryError(
            f"{where}: {context.operation} failed: {postgres_reason(error)}",
            context,
            sqlstate=error.sqlstate,
        )
    return None


def _is_connection_failure(error: Exception) -> bool:
    if isinstance(error, (*_SERVER_GOING_AWAY, asyncpg.PostgresConnectionError, OSError)):
        return True
    return isinstance(error, asyncpg.InterfaceError) and "closed" in str(error)


def postgres_reason(error: asyncpg.PostgresError) -> str:
    """The server's first message line, without the quoted value of a data error."""
    reason = _first_line(error)
    if isinstance(error, asyncpg.DataError):
        # Data errors quote the rejected value after the colon, and it may be a secret.
        reason = reason.split(":", 1)[0]
    return reason


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
