"""redis-py's exceptions as ONEX errors: what failed, what to do, never a secret."""

from redis import exceptions as redis_errors

from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    ModelInfraErrorContext,
    RuntimeHostError,
)

_AUTH_REPLIES = ("NOAUTH", "WRONGPASS", "NOPERM")


def translate_valkey_error(
    error: Exception, context: ModelInfraErrorContext
) -> RuntimeHostError | None:
    """Our error for a redis-py or socket error; None for anything else."""
    where = context.target_name
    if _is_auth_failure(error):
        return InfraAuthenticationError(
            f"{where} refused our credentials or permissions ({type(error).__name__}); check "
            "the adapter's username/password and the server's ACL. Not retried.",
            context,
        )
    if isinstance(error, redis_errors.TimeoutError | TimeoutError):
        return InfraTimeoutError(
            f"{where}: {context.operation} got no reply in time; check the server's load or "
            "raise command_timeout_seconds",
            context,
        )
    if isinstance(error, redis_errors.ConnectionError | OSError):
        return InfraConnectionError(
            f"cannot reach {where} ({type(error).__name__}: {error}); check that the server "
            "runs (`onex infra up` locally) and ONEX_VALKEY__HOST/PORT",
            context,
        )
    if isinstance(error, redis_errors.RedisError):
        return RuntimeHostError(
            f"{where}: {context.operation} failed: {error}",
            context,
            code="VALKEY_COMMAND_ERROR",
        )
    return None


def _is_auth_failure(error: Exception) -> bool:
    if isinstance(
        error,
        redis_errors.AuthenticationError
        | redis_errors.AuthenticationWrongNumberOfArgsError
        | redis_errors.NoPermissionError,
    ):
        return True
    return isinstance(error, redis_errors.ResponseError) and str(error).startswith(_AUTH_REPLIES)
