"""Ordered SQL migrations, each applied once in its own transaction and recorded with a checksum.

A migration is a file `<version>_<title>.sql` (`0001_create_nodes.sql`) in a folder owned by
one component; its rows in `onex_schema_migrations` carry that component's namespace, so
several components share one database. Concurrent migrators (several replicas starting at
once) are serialised by a PostgreSQL advisory lock.
"""

import hashlib
import itertools
import re
from contextlib import suppress
from pathlib import Path
from uuid import UUID

from asyncpg import PostgresError

from omnibase_infra.adapters.postgres._pool import PostgresPoolManager
from omnibase_infra.adapters.postgres._translate import postgres_reason
from omnibase_infra.adapters.postgres.errors import PostgresQueryError
from omnibase_infra.adapters.postgres.model_migration import ModelMigration
from omnibase_infra.errors import InfraTimeoutError, ProtocolConfigurationError, RuntimeHostError

MIGRATIONS_TABLE = "onex_schema_migrations"
_FILE_NAME = re.compile(r"(?P<version>\d+)_(?P<title>[A-Za-z0-9_.-]+)\.sql")
# One lock for every namespace: it also guards creating the version table itself.
_LOCK_KEY = int.from_bytes(hashlib.sha256(MIGRATIONS_TABLE.encode()).digest()[:8], signed=True)
_CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    namespace  text        NOT NULL,
    version    bigint      NOT NULL,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, version)
)"""


def load_migrations(folder: Path) -> list[ModelMigration]:
    """The `.sql` files of `folder` in version order; a misnamed or duplicate file is an error."""
    if not folder.is_dir():
        raise ProtocolConfigurationError(
            f"migration folder {folder} does not exist; pass the folder holding the .sql files"
        )
    migrations = sorted((_read(path) for path in folder.glob("*.sql")), key=lambda m: m.version)
    for earlier, later in itertools.pairwise(migrations):
        if earlier.version == later.version:
            raise ProtocolConfigurationError(
                f"{folder}: {earlier.name} and {later.name} have the same version "
                f"{earlier.version}; renumber one of them"
            )
    return migrations


async def apply_migrations(
    db: PostgresPoolManager,
    folder: Path,
    *,
    namespace: str,
    lock_timeout_seconds: float = 60.0,
    migration_timeout_seconds: float = 600.0,
    correlation_id: UUID | None = None,
) -> list[ModelMigration]:
    """Apply the migrations of `folder` not yet recorded for `namespace`; return those applied.

    Each file runs in its own transaction together with its record, so a failing file
    leaves nothing behind. A file edited after it was applied, a recorded file that is
    gone, or a new file numbered below the newest applied one is an error: add a new
    migration instead. Files must not contain BEGIN/COMMIT (or statements that cannot run
    in a transaction, such as CREATE INDEX CONCURRENTLY).
    """
    migrations = load_migrations(folder)
    async with db.connection(correlation_id=correlation_id):
        await _lock(db, lock_timeout_seconds, correlation_id)
        try:
            await db.execute(_CREATE_TABLE, correlation_id=correlation_id)
            applied = await _applied_checksums(db, namespace, correlation_id)
            pending = _pending(migrations, applied, folder, namespace)
            for migration in pending:
                await _apply(db, migration, folder, namespace, migration_timeout_seconds)
            return pending
        finally:
            # A lost connection has released the lock already (and pooling resets it anyway).
            with suppress(RuntimeHostError):
                await db.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def applied_migrations(
    db: PostgresPoolManager, namespace: str, *, correlation_id: UUID | None = None
) -> dict[int, str]:
    """The versions recorded for `namespace`, each with its file name (empty before any run)."""
    exists = await db.fetchval("SELECT to_regclass($1)::text", MIGRATIONS_TABLE)
    if exists is None:
        return {}
    rows = await db.fetch(
        f"SELECT version, name FROM {MIGRATIONS_TABLE} WHERE namespace = $1 ORDER BY version",
        namespace,
        correlation_id=correlation_id,
    )
    return {row["version"]: row["name"] for row in rows}


def _read(path: Path) -> ModelMigration:
    match = _FILE_NAME.fullmatch(path.name)
    if match is None:
        raise ProtocolConfigurationError(
            f"{path}: name migration files <version>_<title>.sql, e.g. 0001_create_nodes.sql"
        )
    raw = path.read_bytes()
    try:
        sql = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolConfigurationError(
            f"{path}: not UTF-8 (byte {error.start}); save the file as UTF-8"
        ) from None
    if not sql.strip():
        raise ProtocolConfigurationError(
            f"{path}: the migration is empty; write its SQL or delete it"
        )
    return ModelMigration(
        version=int(match["version"]),
        name=path.name,
        checksum=hashlib.sha256(raw).hexdigest(),
        sql=sql,
    )


async def _lock(db: PostgresPoolManager, timeout: float, correlation_id: UUID | None) -> None:
    try:
        await db.execute(
            "SELECT pg_advisory_lock($1)", _LOCK_KEY, timeout=timeout, correlation_id=correlation_id
        )
    except InfraTimeoutError as error:
        raise InfraTimeoutError(
            f"another migrator held the migration lock for over {timeout:.0f} s; wait for it "
            "to finish or find the stuck session (pg_locks, locktype 'advisory')",
            error.infra_context,
        ) from error


async def _applied_checksums(
    db: PostgresPoolManager, namespace: str, correlation_id: UUID | None
) -> dict[int, tuple[str, str]]:
    rows = await db.fetch(
        f"SELECT version, name, checksum FROM {MIGRATIONS_TABLE} WHERE namespace = $1",
        namespace,
        correlation_id=correlation_id,
    )
    return {row["version"]: (row["name"], row["checksum"]) for row in rows}


def _pending(
    migrations: list[ModelMigration],
    applied: dict[int, tuple[str, str]],
    folder: Path,
    namespace: str,
) -> list[ModelMigration]:
    by_version = {migration.version: migration for migration in migrations}
    for version, (name, checksum) in sorted(applied.items()):
        migration = by_version.get(version)
        if migration is None:
            raise ProtocolConfigurationError(
                f"{folder}: {name} was applied (namespace {namespace!r}) but its file is gone; "
                "restore it (applied migrations are never deleted)"
            )
        if migration.checksum != checksum:
            raise ProtocolConfigurationError(
                f"{folder / migration.name} changed after it was applied (namespace "
                f"{namespace!r}; checksum {checksum[:12]} recorded, {migration.checksum[:12]} "
                "now); restore it and put the change in a new migration"
            )
    newest = max(applied, default=-1)
    pending = [migration for migration in migrations if migration.version not in applied]
    for migration in pending:
        if migration.version < newest:
            raise ProtocolConfigurationError(
                f"{folder / migration.name} is numbered below {applied[newest][0]}, which is "
                "already applied; renumber it above the newest applied migration"
            )
    return pending


async def _apply(
    db: PostgresPoolManager,
    migration: ModelMigration,
    folder: Path,
    namespace: str,
    timeout: float,
) -> None:
    async with db.transaction():
        try:
            await db.execute(migration.sql, timeout=timeout)
        except PostgresQueryError as error:
            cause = error.__cause__
            reason = postgres_reason(cause) if isinstance(cause, PostgresError) else error.message
            raise PostgresQueryError(
                f"{folder / migration.name}{_line_of(error, migration.sql)} failed: "
                f"{reason}; fix the file (it was rolled back and not recorded)",
                error.infra_context,
                sqlstate=error.sqlstate,
            ) from error
        await db.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} (namespace, version, name, checksum) "
            "VALUES ($1, $2, $3, $4)",
            namespace,
            migration.version,
            migration.name,
            migration.checksum,
        )


def _line_of(error: RuntimeHostError, sql: str) -> str:
    """`:<line>` of the failing statement when the server reports a position."""
    position = getattr(error.__cause__, "position", None)
    if not isinstance(position, str) or not position.isdigit():
        return ""
    return f":{sql[: int(position)].count(chr(10)) + 1}"
