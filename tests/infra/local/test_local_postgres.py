"""The local PostgreSQL server: the ONEX role and database, reached over TCP with a password."""

import uuid

import asyncpg
import pytest
from omnibase_infra.config import ModelOnexSettings

pytestmark = pytest.mark.usefixtures("local_stack")


async def _connect(settings: ModelOnexSettings, password: str | None = None) -> asyncpg.Connection:
    postgres = settings.postgres
    return await asyncpg.connect(
        host=postgres.host,
        port=postgres.port,
        user=postgres.user,
        password=password or postgres.password.get_secret_value(),
        database=postgres.database,
    )


async def test_upsert_then_read_back(local_stack: ModelOnexSettings) -> None:
    table = f"test_upsert_{uuid.uuid4().hex}"
    connection = await _connect(local_stack)
    try:
        await connection.execute(
            f"CREATE TABLE {table} (node_id text PRIMARY KEY, state text NOT NULL, version int)"
        )
        upsert = (
            f"INSERT INTO {table} (node_id, state, version) VALUES ($1, $2, $3) "
            "ON CONFLICT (node_id) DO UPDATE SET state = EXCLUDED.state, version = EXCLUDED.version"
        )
        await connection.execute(upsert, "node-a", "pending", 1)
        await connection.execute(upsert, "node-b", "pending", 1)
        await connection.execute(upsert, "node-a", "active", 2)
        rows = await connection.fetch(f"SELECT node_id, state, version FROM {table} ORDER BY 1")
        await connection.execute(f"DROP TABLE {table}")
    finally:
        await connection.close()

    assert [tuple(row) for row in rows] == [("node-a", "active", 2), ("node-b", "pending", 1)]


async def test_onex_role_is_not_a_superuser(local_stack: ModelOnexSettings) -> None:
    connection = await _connect(local_stack)
    try:
        superuser = await connection.fetchval(
            "SELECT rolsuper FROM pg_roles WHERE rolname = $1", local_stack.postgres.user
        )
    finally:
        await connection.close()
    assert superuser is False


async def test_wrong_password_is_refused(local_stack: ModelOnexSettings) -> None:
    with pytest.raises(asyncpg.InvalidPasswordError):
        await _connect(local_stack, password="not-the-password")
