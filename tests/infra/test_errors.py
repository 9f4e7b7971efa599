"""The infrastructure error tree: codes, context, correlation ids, and no secret anywhere."""

import io
import logging
from uuid import UUID, uuid4

import pytest
from omnibase_core.errors import ModelOnexError
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ModelInfraErrorContext,
    ProtocolConfigurationError,
    RuntimeHostError,
    SanitizingLogFilter,
)

CANARY = "Canary7Pass"
DSN = f"postgresql://onex:{CANARY}@db.internal:5432/onex"
ALL_ERRORS: list[type[RuntimeHostError]] = [
    RuntimeHostError,
    ProtocolConfigurationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraAuthenticationError,
    InfraUnavailableError,
]


def test_transport_type_values_are_those_of_the_rules() -> None:
    assert {t.name: t.value for t in EnumInfraTransportType} == {
        "DATABASE": "db",
        "KAFKA": "kafka",
        "HTTP": "http",
        "CONSUL": "consul",
        "VAULT": "vault",
        "VALKEY": "valkey",
    }


@pytest.mark.parametrize("error_class", ALL_ERRORS)
def test_every_infra_error_is_a_runtime_host_error_and_an_onex_error(
    error_class: type[RuntimeHostError],
) -> None:
    error = error_class("boom")
    assert isinstance(error, RuntimeHostError)
    assert isinstance(error, ModelOnexError)


@pytest.mark.parametrize(
    ("transport", "code"),
    [
        (EnumInfraTransportType.DATABASE, "DATABASE_CONNECTION_ERROR"),
        (EnumInfraTransportType.KAFKA, "KAFKA_CONNECTION_ERROR"),
        (EnumInfraTransportType.HTTP, "HTTP_CONNECTION_ERROR"),
        (EnumInfraTransportType.CONSUL, "CONSUL_CONNECTION_ERROR"),
        (EnumInfraTransportType.VAULT, "VAULT_CONNECTION_ERROR"),
        (EnumInfraTransportType.VALKEY, "VALKEY_CONNECTION_ERROR"),
    ],
)
def test_connection_error_code_follows_the_transport(
    transport: EnumInfraTransportType, code: str
) -> None:
    error = InfraConnectionError("down", ModelInfraErrorContext(transport_type=transport))
    assert error.code == code
    assert str(error).startswith(f"[{code}]")


def test_connection_error_without_transport_has_a_generic_code() -> None:
    assert InfraConnectionError("down").code == "INFRA_CONNECTION_ERROR"


def test_context_generates_a_correlation_id_when_missing_or_none() -> None:
    assert isinstance(ModelInfraErrorContext().correlation_id, UUID)
    generated = ModelInfraErrorContext(correlation_id=None).correlation_id
    assert isinstance(generated, UUID)


def test_error_carries_the_context_correlation_id_and_fields() -> None:
    correlation_id = uuid4()
    context = ModelInfraErrorContext(
        transport_type=EnumInfraTransportType.KAFKA,
        operation="publish",
        correlation_id=correlation_id,
        target_name="dev.onex.evt.node-introspection.v1",
        port=9092,
    )
    error = InfraTimeoutError("publish timed out after 5s", context, attempt=2)
    assert error.correlation_id == correlation_id
    assert error.infra_context is context
    assert error.context == {
        "transport_type": "kafka",
        "operation": "publish",
        "correlation_id": str(correlation_id),
        "target_name": "dev.onex.evt.node-introspection.v1",
        "port": 9092,
        "attempt": 2,
    }


def test_unavailable_error_carries_retry_after_and_circuit_state() -> None:
    error = InfraUnavailableError(
        "vault is unavailable",
        retry_after_seconds=12.5,
        circuit_state=EnumCircuitState.OPEN,
    )
    assert error.retry_after_seconds == 12.5
    assert error.circuit_state is EnumCircuitState.OPEN
    assert error.to_dict()["context"] == {
        "correlation_id": str(error.correlation_id),
        "retry_after_seconds": "12.5",
        "circuit_state": "open",
    }


def test_only_connection_and_timeout_errors_are_transient() -> None:
    transient = {cls.__name__ for cls in ALL_ERRORS if cls.transient}
    assert transient == {"InfraConnectionError", "InfraTimeoutError"}


def _raise_with_planted_secrets(error_class: type[RuntimeHostError]) -> RuntimeHostError:
    context = ModelInfraErrorContext(
        transport_type=EnumInfraTransportType.DATABASE,
        operation=f"connect password={CANARY}",
        target_name=DSN,
        dsn=DSN,
        password=CANARY,
        headers={"Authorization": f"Bearer {CANARY}"},
    )
    try:
        try:
            raise OSError(f"could not connect to {DSN}")
        except OSError as cause:
            raise error_class(
                f"Failed to connect to {DSN} with token={CANARY}",
                context=context,
                vault_token=f"hvs.{CANARY}abcdefghijkl",
                note=f"password: {CANARY}",
            ) from cause
    except RuntimeHostError as error:
        return error
    raise AssertionError("unreachable")


def _log_with_exc_info(error: BaseException) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SanitizingLogFilter())
    handler.setFormatter(logging.Formatter("%(message)s %(dsn)s"))
    logger = logging.getLogger("test_errors.canary")
    logger.addHandler(handler)
    try:
        logger.error("handling failed for %s", DSN, exc_info=error, extra={"dsn": DSN})
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


@pytest.mark.parametrize("error_class", ALL_ERRORS)
def test_planted_secrets_appear_in_no_error_output(error_class: type[RuntimeHostError]) -> None:
    error = _raise_with_planted_secrets(error_class)
    logged = _log_with_exc_info(error)
    outputs = {
        "str": str(error),
        "repr": repr(error),
        "args": repr(error.args),
        "message": error.message,
        "context": repr(error.context),
        "infra_context": repr(error.infra_context),
        "to_dict": repr(error.to_dict()),
        "log": logged,
    }
    leaks = [name for name, text in outputs.items() if CANARY in text]
    assert leaks == []
    # The outputs are still useful: the cause and the traceback are there, scrubbed.
    assert "OSError: could not connect to postgresql://onex:***@db.internal" in logged
    assert "cause" in error.to_dict()


def test_log_filter_scrubs_a_foreign_exception_chain() -> None:
    try:
        try:
            raise ValueError(f"bad dsn {DSN}")
        except ValueError as inner:
            raise RuntimeError(f"wrapping password={CANARY}") from inner
    except RuntimeError as outer:
        logged = _log_with_exc_info(outer)
    assert CANARY not in logged
    assert "ValueError: bad dsn postgresql://onex:***@db.internal:5432/onex" in logged
