"""PostgreSQL adapter: a guarded asyncpg pool, task-scoped transactions, migrations, idempotency.

    async with PostgresPoolManager.from_settings(load_settings()) as db:
        await apply_migrations(db, Path("migrations"), namespace="registration")
        async with db.transaction():
            if await PostgresIdempotencyStore(db).mark_processed(consumer, message_id):
                await db.execute("INSERT ...", ...)

Errors: `InfraConnectionError` (server unreachable), `InfraUnavailableError` (breaker open),
`InfraAuthenticationError` (never retried), `InfraTimeoutError` (statement or client
timeout), `PostgresQueryError` (the server rejected the SQL), `ProtocolConfigurationError`.
"""

from omnibase_infra.adapters.postgres._idempotency import PostgresIdempotencyStore
from omnibase_infra.adapters.postgres._migrations import (
    MIGRATIONS_TABLE,
    applied_migrations,
    apply_migrations,
    load_migrations,
)
from omnibase_infra.adapters.postgres._pool import (
    IsolationLevel,
    PostgresConnection,
    PostgresPoolManager,
)
from omnibase_infra.adapters.postgres.errors import PostgresQueryError
from omnibase_infra.adapters.postgres.model_migration import ModelMigration
from omnibase_infra.adapters.postgres.model_postgres_adapter_config import (
    ModelPostgresAdapterConfig,
)

__all__ = [
    "MIGRATIONS_TABLE",
    "IsolationLevel",
    "ModelMigration",
    "ModelPostgresAdapterConfig",
    "PostgresConnection",
    "PostgresIdempotencyStore",
    "PostgresPoolManager",
    "PostgresQueryError",
    "applied_migrations",
    "apply_migrations",
    "load_migrations",
]
