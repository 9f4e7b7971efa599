"""A pool of PostgreSQL connections behind a circuit breaker, with task-scoped transactions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, Self, TypeAlias
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from omnibase_infra.adapters._config import build_config
from omnibase_infra.adapters._guard import GuardedAdapter
from omnibase_infra.adapters.postgres._translate import translate_postgres_error
from omnibase_infra.adapters.postgres.model_postgres_adapter_config import (
    ModelPostgresAdapterConfig,
)
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    PostgresConnection: TypeAlias = PoolConnectionProxy[asyncpg.Record]
else:  # asyncpg's classes are generic only in its stubs
    PostgresConnection = PoolConnectionProxy
IsolationLevel = Literal["read_committed", "read_uncommitted", "repeatable_read", "serializable"]

# The connection each pool manager has pinned for the current task (inside `connection()`
# or `transaction()`); child tasks inherit it, so they must not query concurrently.
_pinned: ContextVar[Mapping[PostgresPoolManager, PostgresConnection]] = ContextVar(
    "onex_postgres_pinned", default=MappingProxyType({})
)


class PostgresPoolManager(GuardedAdapter):
    """Pooled connections to one PostgreSQL database, guarded by a circuit breaker.

    `execute`/`fetch*` run on a pooled connection, or on the connection of the enclosing
    `transaction()` (or `connection()`) block of the same task: stores called inside one
    `async with db.transaction():` block commit or roll back together. Only opening a
    connection is retried; a statement that may have run is never repeated.
    """

    transport_type = EnumInfraTransportType.DATABASE

    def __init__(self, config: ModelPostgresAdapterConfig) -> None:
        self.config = config
        self._pool: asyncpg.Pool[asyncpg.Record] | None = None
        self._pool_lock = asyncio.Lock()
        self._init_guard(config.target_name, config.circuit_breaker, config.retry)

    @classmethod
    def from_settings(cls, settings: ModelOnexSettings, **overrides: object) -> Self:
        """A manager for `settings.postgres`, with any config field overridden by keyword."""
        postgres = settings.postgres
        base = {
            "host": postgres.host,
            "port": postgres.port,
            "database": postgres.database,
            "user": postgres.user,
            "password": postgres.password,
        }
        config = build_config(
            ModelPostgresAdapterConfig, base, overrides, env_prefix="ONEX_POSTGRES__"
        )
        return cls(config)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self, *, correlation_id: UUID | None = None) -> None:
        """Open the pool now (`min_pool_size` connections) instead of on first use."""
        await self._ensure_pool(correlation_id)

    async def close(self) -> None:
        """Close every pooled connection, waiting for borrowed ones up to the connect timeout."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), self.config.connect_timeout_seconds)
        except TimeoutError:
            logger.warning("Closing %s timed out; terminating its connections", self.target_name)
            pool.terminate()

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when the database answers `SELECT 1`; raise the reason otherwise."""
        await self.fetchval(
            "SELECT 1", timeout=self.config.connect_timeout_seconds, correlation_id=correlation_id
        )

    @asynccontextmanager
    async def connection(
        self, *, correlation_id: UUID | None = None
    ) -> AsyncIterator[PostgresConnection]:
        """Borrow one connection for this block; this task's queries inside it all use it."""
        pinned = _pinned.get().get(self)
        if pinned is not None:
            yield pinned
            return
        pool = await self._ensure_pool(correlation_id)
        timeout = self.config.acquire_timeout_seconds
        connection = await self._retried(
            "acquire", lambda: pool.acquire(timeout=timeout), correlation_id
        )
        token = _pinned.set(MappingProxyType({**_pinned.get(), self: connection}))
        try:
            yield connection
        finally:
            _pinned.reset(token)
            await pool.release(connection)

    @asynccontextmanager
    async def transaction(
        self,
        *,
        isolation: IsolationLevel | None = None,
        readonly: bool = False,
        correlation_id: UUID | None = None,
    ) -> AsyncIterator[PostgresConnection]:
        """Run this block in one transaction: commit at the end, roll back on any exception.

        Nested blocks become savepoints. Use the manager's `execute`/`fetch*` (or stores
        built on it) inside; they join the transaction of the current task.
        """
        async with self.connection(correlation_id=correlation_id) as connection:
            transaction = connection.transaction(isolation=isolation, readonly=readonly)
            await self._guarded("begin", transaction.start, correlation_id)
            try:
                yield connection
            except BaseException:
                await _roll_back(transaction, connection)
                raise
            await self._guarded("commit", transaction.commit, correlation_id)

    async def execute(
        self,
        query: str,
        *args: object,
        timeout: float | None = None,
        correlation_id: UUID | None = None,
    ) -> str:
        """Run a statement; return its status (`INSERT 0 1`). Several statements need no args."""
        async with self.connection(correlation_id=correlation_id) as connection:
            return await self._guarded(
                "execute", lambda: connection.execute(query, *args, timeout=timeout), correlation_id
            )

    async def executemany(
        self,
        query: str,
        args: Iterable[Sequence[object]],
        *,
        timeout: float | None = None,
        correlation_id: UUID | None = None,
    ) -> None:
        """Run one statement for each argument tuple (atomically, as asyncpg does)."""
        async with self.connection(correlation_id=correlation_id) as connection:
            await self._guarded(
                "executemany",
                lambda: connection.executemany(query, args, timeout=timeout),
                correlation_id,
            )

    async def fetch(
        self,
        query: str,
        *args: object,
        timeout: float | None = None,
        correlation_id: UUID | None = None,
    ) -> list[asyncpg.Record]:
        """Every row of a query."""
        async with self.connection(correlation_id=correlation_id) as connection:
            return await self._guarded(
                "fetch", lambda: connection.fetch(query, *args, timeout=timeout), correlation_id
            )

    async def fetchrow(
        self,
        query: str,
        *args: object,
        timeout: float | None = None,
        correlation_id: UUID | None = None,
    ) -> asyncpg.Record | None:
        """The first row of a query, or None."""
        async with self.connection(correlation_id=correlation_id) as connection:
            return await self._guarded(
                "fetchrow",
                lambda: connection.fetchrow(query, *args, timeout=timeout),
                correlation_id,
            )

    async def fetchval(
        self,
        query: str,
        *args: object,
        timeout: float | None = None,
        correlation_id: UUID | None = None,
    ) -> object:
        """The first column of the first row, or None."""
        async with self.connection(correlation_id=correlation_id) as connection:
            return await self._guarded(
                "fetchval",
                lambda: connection.fetchval(query, *args, timeout=timeout),
                correlation_id,
            )

    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        return translate_postgres_error(error, context, self.config.user)

    async def _ensure_pool(self, correlation_id: UUID | None) -> asyncpg.Pool[asyncpg.Record]:
        if self._pool is not None:
            return self._pool
        async with self._pool_lock:
            if self._pool is None:
                self._pool = await self._retried("connect", self._create_pool, correlation_id)
            return self._pool

    async def _create_pool(self) -> asyncpg.Pool[asyncpg.Record]:
        config = self.config
        server_settings = {"application_name": config.application_name}
        if config.statement_timeout_seconds is not None:
            server_settings["statement_timeout"] = str(int(config.statement_timeout_seconds * 1000))
        return await asyncpg.create_pool(
            host=config.host,
            port=config.port,
            user=config.user,
            password=config.password.get_secret_value(),
            database=config.database,
            min_size=config.min_pool_size,
            max_size=config.max_pool_size,
            timeout=config.connect_timeout_seconds,
            command_timeout=config.command_timeout_seconds,
            max_inactive_connection_lifetime=config.max_idle_seconds,
            server_settings=server_settings,
        )


async def _roll_back(transaction: Transaction, connection: PostgresConnection) -> None:
    """Roll back, or drop the connection if that fails (the server then rolls back itself)."""
    if connection.is_closed():
        return
    try:
        await transaction.rollback()
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
        connection.terminate()
