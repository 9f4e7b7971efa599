"""The pool survives a real PostgreSQL restart without restarting the process.

The test restarts a private PostgreSQL (its own port and state folder, started through the
local_infra API) so that tests elsewhere keep the shared server.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator

import pytest
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.errors import InfraConnectionError, InfraUnavailableError
from omnibase_infra.local_infra import start_stack, stop_stack


def _quiet(line: str) -> None:
    """Progress lines of the private server are not interesting here."""


@pytest.fixture(scope="module")
def private_postgres(
    local_stack: ModelOnexSettings, unused_tcp_port_factory: Callable[[], int]
) -> Iterator[ModelOnexSettings]:
    settings = local_stack.model_copy(
        update={
            # Kept between runs (inside the git-ignored state folder) so initdb runs once.
            "state_dir": local_stack.state_dir / "test-postgres-restart",
            "postgres": local_stack.postgres.model_copy(update={"port": unused_tcp_port_factory()}),
        }
    )
    stop_stack(settings, _quiet, ["postgres"])  # left over by an interrupted run
    start_stack(settings, _quiet, ["postgres"])
    yield settings
    stop_stack(settings, _quiet, ["postgres"])


async def _eventually(call: Callable[[], Awaitable[object]], within: float) -> object:
    """The first result of `call` that does not raise, retried until `within` seconds pass."""
    deadline = time.monotonic() + within
    while True:
        try:
            return await call()
        except (InfraConnectionError, InfraUnavailableError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def test_pool_recovers_after_the_server_restarts(private_postgres: ModelOnexSettings) -> None:
    db = PostgresPoolManager.from_settings(
        private_postgres,
        min_pool_size=2,
        retry=ModelRetryPolicy(max_attempts=1),
        circuit_breaker=ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=0.3),
    )
    async with db:
        pid_before = await db.fetchval("SELECT pg_backend_pid()")

        await asyncio.to_thread(stop_stack, private_postgres, _quiet, ["postgres"])
        for _ in range(2):
            with pytest.raises(InfraConnectionError):
                await db.fetchval("SELECT 1")
        with pytest.raises(InfraUnavailableError):
            await db.fetchval("SELECT 1")
        assert db.circuit_state is EnumCircuitState.OPEN

        await asyncio.to_thread(start_stack, private_postgres, _quiet, ["postgres"])
        pid_after = await _eventually(lambda: db.fetchval("SELECT pg_backend_pid()"), within=15)

        assert pid_after != pid_before
        assert db.circuit_state is EnumCircuitState.CLOSED
        assert await db.fetchval("SELECT count(*) FROM generate_series(1, 3)") == 3
