"""SQL migrations against the real local PostgreSQL: order, records, changes, concurrency."""

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from omnibase_infra.adapters.postgres import (
    MIGRATIONS_TABLE,
    PostgresPoolManager,
    PostgresQueryError,
    applied_migrations,
    apply_migrations,
    load_migrations,
)
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.errors import InfraTimeoutError, ProtocolConfigurationError


@dataclass
class Scenario:
    """A migration folder, the namespace it is recorded under and the table it creates."""

    folder: Path
    namespace: str
    table: str

    def write(self, name: str, sql: str) -> Path:
        path = self.folder / name
        path.write_text(sql.replace("{table}", self.table))
        return path


@pytest.fixture
async def db(local_stack: ModelOnexSettings) -> AsyncIterator[PostgresPoolManager]:
    async with PostgresPoolManager.from_settings(local_stack) as manager:
        yield manager


@pytest.fixture
async def scenario(db: PostgresPoolManager, tmp_path: Path) -> AsyncIterator[Scenario]:
    suffix = uuid.uuid4().hex[:12]
    yield Scenario(folder=tmp_path, namespace=f"test-{suffix}", table=f"test_mig_{suffix}")
    await db.execute(f"DROP TABLE IF EXISTS test_mig_{suffix}")
    await db.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE namespace = $1", f"test-{suffix}")


async def test_migrations_apply_in_numeric_order_once(
    db: PostgresPoolManager, scenario: Scenario
) -> None:
    scenario.write("10_add_rows.sql", "INSERT INTO {table} VALUES ('ten');")
    scenario.write(
        "2_create.sql", "CREATE TABLE {table} (step text);\nINSERT INTO {table} VALUES ('two');"
    )
    (scenario.folder / "README.md").write_text("not a migration")

    first = await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
    again = await apply_migrations(db, scenario.folder, namespace=scenario.namespace)

    assert [migration.name for migration in first] == ["2_create.sql", "10_add_rows.sql"]
    assert again == []
    assert await db.fetchval(f"SELECT array_agg(step) FROM {scenario.table}") == ["two", "ten"]
    recorded = await applied_migrations(db, scenario.namespace)
    assert recorded == {2: "2_create.sql", 10: "10_add_rows.sql"}
    checksums = await db.fetch(
        f"SELECT checksum FROM {MIGRATIONS_TABLE} WHERE namespace = $1 ORDER BY version",
        scenario.namespace,
    )
    assert [row["checksum"] for row in checksums] == [migration.checksum for migration in first]


async def test_a_new_migration_is_applied_on_the_next_run(
    db: PostgresPoolManager, scenario: Scenario
) -> None:
    scenario.write("0001_create.sql", "CREATE TABLE {table} (step text);")
    await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
    scenario.write("0002_add_column.sql", "ALTER TABLE {table} ADD COLUMN done boolean;")

    applied = await apply_migrations(db, scenario.folder, namespace=scenario.namespace)

    assert [migration.version for migration in applied] == [2]
    columns = await db.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1",
        scenario.table,
    )
    assert {row["column_name"] for row in columns} == {"step", "done"}


async def test_a_failing_migration_is_rolled_back_and_names_its_file_and_line(
    db: PostgresPoolManager, scenario: Scenario
) -> None:
    scenario.write("0001_create.sql", "CREATE TABLE {table} (step text);")
    bad = scenario.write(
        "0002_broken.sql", "INSERT INTO {table} VALUES ('half');\nINSERT INTO {table} VALUS ('x');"
    )

    with pytest.raises(PostgresQueryError) as raised:
        await apply_migrations(db, scenario.folder, namespace=scenario.namespace)

    assert f"{bad}:2" in raised.value.message
    assert raised.value.sqlstate == "42601"
    assert await applied_migrations(db, scenario.namespace) == {1: "0001_create.sql"}
    assert await db.fetchval(f"SELECT count(*) FROM {scenario.table}") == 0

    scenario.write("0002_broken.sql", "INSERT INTO {table} VALUES ('fixed');")
    applied = await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
    assert [migration.version for migration in applied] == [2]


async def test_changing_an_applied_migration_is_an_error(
    db: PostgresPoolManager, scenario: Scenario
) -> None:
    path = scenario.write("0001_create.sql", "CREATE TABLE {table} (step text);")
    await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
    scenario.write("0001_create.sql", "CREATE TABLE {table} (step text, extra int);")

    with pytest.raises(ProtocolConfigurationError) as raised:
        await apply_migrations(db, scenario.folder, namespace=scenario.namespace)

    assert f"{path} changed after it was applied" in raised.value.message
    assert "new migration" in raised.value.message


async def test_deleting_an_applied_migration_is_an_error(
    db: PostgresPoolManager, scenario: Scenario
) -> None:
    path = scenario.write("0001_create.sql", "CREATE TABLE {table} (step text);")
    await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
    path.unlink()

    with pytest.raises(ProtocolConfigurationError, match=r"0001_create\.sql was applied"):
        await apply_migrations(db, scenario.folder, namespace=scenario.namespace)


async def test_a_new_migration_numbered_below_an_applied_one_is_an_error(
    db: PostgresPoolManager, scenario: Scenario
) -> None:
    scenario.write("0003_create.sql", "CREATE TABLE {table} (step text);")
    await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
    scenario.write("0002_late.sql", "INSERT INTO {table} VALUES ('late');")

    with pytest.raises(ProtocolConfigurationError, match=r"0002_late\.sql is numbered below"):
        await apply_migrations(db, scenario.folder, namespace=scenario.namespace)


async def test_namespaces_keep_separate_records(
    db: PostgresPoolManager, scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scenario.write("0001_create.sql", "CREATE TABLE {table} (step text);")
    other = Scenario(tmp_path_factory.mktemp("other"), f"{scenario.namespace}-b", scenario.table)
    other.write("0001_insert.sql", "INSERT INTO {table} VALUES ('b');")
    try:
        await apply_migrations(db, scenario.folder, namespace=scenario.namespace)
        applied = await apply_migrations(db, other.folder, namespace=other.namespace)
        assert [migration.name for migration in applied] == ["0001_insert.sql"]
    finally:
        await db.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE namespace = $1", other.namespace)


async def test_concurrent_migrators_apply_each_migration_exactly_once(
    local_stack: ModelOnexSettings, scenario: Scenario
) -> None:
    scenario.write("0001_create.sql", "CREATE TABLE {table} (step text PRIMARY KEY);")
    for version in range(2, 6):
        # The sleep widens the window in which an unserialised migrator would step in.
        scenario.write(
            f"000{version}_step.sql",
            f"SELECT pg_sleep(0.05); INSERT INTO {{table}} VALUES ('{version}');",
        )

    async def migrate() -> list[int]:
        async with PostgresPoolManager.from_settings(local_stack, min_pool_size=0) as own_pool:
            applied = await apply_migrations(
                own_pool, scenario.folder, namespace=scenario.namespace
            )
            return [migration.version for migration in applied]

    results = await asyncio.gather(*(migrate() for _ in range(4)))

    assert sorted(version for result in results for version in result) == [1, 2, 3, 4, 5]
    assert sorted(results, key=len)[-1] == [1, 2, 3, 4, 5]
    async with PostgresPoolManager.from_settings(local_stack) as db:
        assert await db.fetchval(f"SELECT count(*) FROM {scenario.table}") == 4


async def test_a_migrator_gives_up_when_another_holds_the_lock_too_long(
    db: PostgresPoolManager, local_stack: ModelOnexSettings, scenario: Scenario
) -> None:
    scenario.write("0001_create.sql", "CREATE TABLE {table} (step text);")
    lock_key = int.from_bytes(hashlib.sha256(MIGRATIONS_TABLE.encode()).digest()[:8], signed=True)
    async with db.connection():
        await db.execute("SELECT pg_advisory_lock($1)", lock_key)
        try:
            async with PostgresPoolManager.from_settings(local_stack) as other:
                with pytest.raises(InfraTimeoutError, match="another migrator held"):
                    await apply_migrations(
                        other,
                        scenario.folder,
                        namespace=scenario.namespace,
                        lock_timeout_seconds=0.2,
                    )
        finally:
            await db.execute("SELECT pg_advisory_unlock($1)", lock_key)

    assert await applied_migrations(db, scenario.namespace) == {}


def test_misnamed_and_duplicate_files_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "create_nodes.sql").write_text("SELECT 1;")
    with pytest.raises(ProtocolConfigurationError, match=r"<version>_<title>\.sql"):
        load_migrations(tmp_path)

    (tmp_path / "create_nodes.sql").unlink()
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "1_b.sql").write_text("SELECT 2;")
    with pytest.raises(ProtocolConfigurationError, match="same version 1"):
        load_migrations(tmp_path)


def test_missing_folder_and_empty_file_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ProtocolConfigurationError, match="does not exist"):
        load_migrations(tmp_path / "nowhere")
    (tmp_path / "0001_empty.sql").write_text("  \n")
    with pytest.raises(
        ProtocolConfigurationError,
        match=r"0001_empty\.sql: the migration is empty",
    ):
        load_migrations(tmp_path)
