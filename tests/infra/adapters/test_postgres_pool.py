"""PostgresPoolManager against the real local PostgreSQL: queries, transactions, failures."""

import logging
import traceback
import uuid
from collections.abc import AsyncIterator

import pytest
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from omnibase_infra.adapters import ProtocolHealthProbe
from omnibase_infra.adapters.postgres import PostgresPoolManager, PostgresQueryError
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ProtocolConfigurationError,
    RuntimeHostError,
)
from omnibase_infra.observability import render_metrics

NO_RETRY = ModelRetryPolicy(max_attempts=1)


@pytest.fixture
async def db(local_stack: ModelOnexSettings) -> AsyncIterator[PostgresPoolManager]:
    async with PostgresPoolManager.from_settings(local_stack) as manager:
        yield manager


@pytest.fixture
async def table(db: PostgresPoolManager) -> AsyncIterator[str]:
    name = f"test_pool_{uuid.uuid4().hex}"
    await db.execute(f"CREATE TABLE {name} (id int PRIMARY KEY, note text)")
    yield name
    await db.execute(f"DROP TABLE {name}")


def everything_shown(error: RuntimeHostError, caplog: pytest.LogCaptureFixture) -> str:
    """Every place a secret could leak from a failed call: the error, its chain, logs, metrics."""
    return "\n".join(
        [
            str(error),
            repr(error),
            str(error.to_dict()),
            str(error.context),
            "".join(traceback.format_exception(error)),
            caplog.text,
            render_metrics().decode(),
        ]
    )


async def test_rows_written_are_read_back(db: PostgresPoolManager, table: str) -> None:
    await db.executemany(f"INSERT INTO {table} VALUES ($1, $2)", [(1, "one"), (2, "two")])
    status = await db.execute(f"UPDATE {table} SET note = $1 WHERE id = $2", "uno", 1)

    rows = await db.fetch(f"SELECT id, note FROM {table} ORDER BY id")
    assert status == "UPDATE 1"
    assert [tuple(row) for row in rows] == [(1, "uno"), (2, "two")]
    assert await db.fetchrow(f"SELECT note FROM {table} WHERE id = 3") is None
    assert await db.fetchval(f"SELECT count(*) FROM {table}") == 2


async def test_transaction_commits_every_write_or_none(db: PostgresPoolManager, table: str) -> None:
    with pytest.raises(RuntimeError, match="handler failed"):
        async with db.transaction():
            await db.execute(f"INSERT INTO {table} VALUES (1, 'lost')")
            raise RuntimeError("handler failed after writing")
    async with db.transaction():
        await db.execute(f"INSERT INTO {table} VALUES (2, 'kept')")
        await db.execute(f"INSERT INTO {table} VALUES (3, 'kept')")

    assert await db.fetchval(f"SELECT array_agg(id ORDER BY id) FROM {table}") == [2, 3]


async def test_queries_inside_a_transaction_share_its_connection(db: PostgresPoolManager) -> None:
    async with db.transaction() as connection:
        first = await db.fetchval("SELECT txid_current()")
        second = await db.fetchval("SELECT txid_current()")
        direct = await connection.fetchval("SELECT txid_current()")
    outside = await db.fetchval("SELECT txid_current()")

    assert first == second == direct
    assert outside != first


async def test_nested_transaction_rolls_back_alone(db: PostgresPoolManager, table: str) -> None:
    async with db.transaction():
        await db.execute(f"INSERT INTO {table} VALUES (1, 'outer')")
        with pytest.raises(PostgresQueryError) as raised:
            async with db.transaction():
                await db.execute(f"INSERT INTO {table} VALUES (2, 'inner')")
                await db.execute(f"INSERT INTO {table} VALUES (1, 'duplicate')")

    assert raised.value.sqlstate == "23505"
    assert await db.fetchval(f"SELECT array_agg(id) FROM {table}") == [1]


async def test_sql_error_is_a_query_error_and_leaves_the_breaker_closed(
    local_stack: ModelOnexSettings,
) -> None:
    breaker = ModelCircuitBreakerPolicy(threshold=1, reset_timeout_seconds=60)
    async with PostgresPoolManager.from_settings(local_stack, circuit_breaker=breaker) as db:
        with pytest.raises(PostgresQueryError) as raised:
            await db.fetch("SELECT * FROM no_such_table_anywhere")
        assert await db.fetchval("SELECT 1") == 1

    assert raised.value.sqlstate == "42P01"
    assert raised.value.code == "DATABASE_QUERY_ERROR"
    assert "no_such_table_anywhere" in raised.value.message
    assert db.circuit_state is EnumCircuitState.CLOSED


async def test_a_rejected_argument_value_is_not_repeated_in_the_error(
    db: PostgresPoolManager, caplog: pytest.LogCaptureFixture
) -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    with pytest.raises(PostgresQueryError) as raised:
        await db.fetchval("SELECT $1::int", canary)
    with pytest.raises(PostgresQueryError) as cast:
        await db.fetchval(f"SELECT '{canary}'::int")

    assert canary not in str(raised.value) + str(cast.value)
    assert "argument $1" in raised.value.message


async def test_server_down_is_a_connection_error_naming_the_target(
    local_stack: ModelOnexSettings, unused_tcp_port: int
) -> None:
    db = PostgresPoolManager.from_settings(
        local_stack, port=unused_tcp_port, retry=NO_RETRY, connect_timeout_seconds=1
    )
    with pytest.raises(InfraConnectionError) as raised:
        await db.fetchval("SELECT 1")

    context = raised.value.infra_context
    assert context.transport_type is EnumInfraTransportType.DATABASE
    assert context.operation == "connect"
    assert context.target_name == f"postgres 127.0.0.1:{unused_tcp_port}"
    assert raised.value.code == "DATABASE_CONNECTION_ERROR"
    assert "onex infra up" in raised.value.message


async def test_breaker_opens_after_repeated_failures_and_fails_fast(
    local_stack: ModelOnexSettings, unused_tcp_port: int
) -> None:
    breaker = ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=30)
    db = PostgresPoolManager.from_settings(
        local_stack, port=unused_tcp_port, retry=NO_RETRY, circuit_breaker=breaker
    )
    for _ in range(2):
        with pytest.raises(InfraConnectionError):
            await db.ping()
    with pytest.raises(InfraUnavailableError) as raised:
        await db.ping()

    assert db.circuit_state is EnumCircuitState.OPEN
    assert raised.value.circuit_state is EnumCircuitState.OPEN
    assert raised.value.retry_after_seconds is not None
    assert 0 < raised.value.retry_after_seconds <= 30


async def test_connecting_is_retried_before_giving_up(
    local_stack: ModelOnexSettings, unused_tcp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    retry = ModelRetryPolicy(max_attempts=3, backoff_seconds=0.01, max_backoff_seconds=0.02)
    db = PostgresPoolManager.from_settings(local_stack, port=unused_tcp_port, retry=retry)
    with caplog.at_level(logging.INFO), pytest.raises(InfraConnectionError):
        await db.ping()

    retries = [record for record in caplog.records if record.getMessage().startswith("Retrying")]
    assert len(retries) == 2


async def test_bad_password_is_an_authentication_error_never_retried_nor_shown(
    local_stack: ModelOnexSettings, caplog: pytest.LogCaptureFixture
) -> None:
    canary = f"canary-pw-{uuid.uuid4().hex}"
    breaker = ModelCircuitBreakerPolicy(threshold=1, reset_timeout_seconds=60)
    db = PostgresPoolManager.from_settings(local_stack, password=canary, circuit_breaker=breaker)
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):
            with pytest.raises(InfraAuthenticationError) as raised:
                await db.ping()

    assert not [record for record in caplog.records if "Retrying" in record.getMessage()]
    assert db.circuit_state is EnumCircuitState.CLOSED
    assert "check ONEX_POSTGRES__USER" in raised.value.message
    shown = everything_shown(raised.value, caplog)
    assert canary not in shown
    assert f"{local_stack.postgres.user}:" not in shown  # no DSN, with or without password


async def test_statement_timeout_is_a_timeout_error(local_stack: ModelOnexSettings) -> None:
    async with PostgresPoolManager.from_settings(local_stack, statement_timeout_seconds=0.1) as db:
        with pytest.raises(InfraTimeoutError) as raised:
            await db.execute("SELECT pg_sleep(5)")
        assert await db.fetchval("SELECT 1") == 1

    assert raised.value.infra_context.operation == "execute"
    assert raised.value.transient


async def test_client_timeout_cancels_the_query_and_keeps_the_pool_usable(
    db: PostgresPoolManager,
) -> None:
    with pytest.raises(InfraTimeoutError):
        await db.fetchval("SELECT pg_sleep(5)", timeout=0.2)

    assert await db.fetchval("SELECT 41 + 1") == 42


async def test_ping_answers_and_the_manager_is_a_health_probe(
    db: PostgresPoolManager, local_stack: ModelOnexSettings
) -> None:
    await db.ping()

    assert isinstance(db, ProtocolHealthProbe)
    server = local_stack.postgres
    assert db.target_name == f"postgres {server.host}:{server.port}"


async def test_closing_the_manager_closes_its_connections(local_stack: ModelOnexSettings) -> None:
    name = f"onex-test-{uuid.uuid4().hex[:12]}"
    count = "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1"
    async with PostgresPoolManager.from_settings(local_stack) as observer:
        async with PostgresPoolManager.from_settings(
            local_stack, application_name=name, min_pool_size=3
        ) as db:
            await db.ping()
            assert await observer.fetchval(count, name) == 3
        assert await observer.fetchval(count, name) == 0


async def test_an_invalid_override_names_the_field_but_not_the_value(
    local_stack: ModelOnexSettings,
) -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    with pytest.raises(ProtocolConfigurationError) as raised:
        PostgresPoolManager.from_settings(local_stack, port=canary, min_pool_size=-1)

    assert "port" in raised.value.message
    assert "min_pool_size" in raised.value.message
    assert canary not in str(raised.value) + "".join(traceback.format_exception(raised.value))
