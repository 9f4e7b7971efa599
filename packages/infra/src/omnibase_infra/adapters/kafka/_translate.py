"""aiokafka's exceptions as ONEX errors: what failed, what to do, never a secret."""

from aiokafka import errors as kafka_errors  # type: ignore[import-untyped]

from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    ModelInfraErrorContext,
    RuntimeHostError,
)

_AUTH = (
    kafka_errors.AuthenticationFailedError,
    kafka_errors.SaslAuthenticationFailed,
    kafka_errors.TopicAuthorizationFailedError,
    kafka_errors.GroupAuthorizationFailedError,
    kafka_errors.ClusterAuthorizationFailedError,
)


def translate_kafka_error(
    error: Exception, context: ModelInfraErrorContext
) -> RuntimeHostError | None:
    """Our error for an aiokafka or socket error; None for anything else."""
    where = context.target_name
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, _AUTH):
        return InfraAuthenticationError(
            f"{where} refused {context.operation} ({what}); check the client's credentials "
            "and topic ACLs. Not retried.",
            context,
        )
    if isinstance(error, kafka_errors.KafkaTimeoutError | TimeoutError):
        return InfraTimeoutError(
            f"{where}: {context.operation} was not acknowledged in time ({what})", context
        )
    if isinstance(error, OSError) or (
        isinstance(error, kafka_errors.KafkaError) and error.retriable
    ):
        return InfraConnectionError(
            f"cannot reach {where} for {context.operation} ({what}); check that the broker "
            "runs (`onex infra up` locally) and ONEX_KAFKA__HOST/PORT",
            context,
        )
    if isinstance(error, kafka_errors.KafkaError):
        return RuntimeHostError(f"{where}: {context.operation} failed ({what})", context)
    return None
