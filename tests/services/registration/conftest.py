"""A private PostgreSQL database with the registry schema, emptied before each test."""

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import PostgresRegistrationStore


@pytest.fixture(scope="module")
async def registry_database(local_stack: ModelOnexSettings) -> AsyncIterator[str]:
    """A fresh database for this module's tests, dropped afterwards."""
    name = f"onex_test_registry_{uuid4().hex[:12]}"
    async with PostgresPoolManager.from_settings(local_stack) as admin:
        await admin.execute(f"CREATE DATABASE {name}")
        try:
            async with PostgresPoolManager.from_settings(local_stack, database=name) as db:
                await PostgresRegistrationStore(db).ensure_schema()
            yield name
        finally:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def db(
    local_stack: ModelOnexSettings, registry_database: str
) -> AsyncIterator[PostgresPoolManager]:
    async with PostgresPoolManager.from_settings(local_stack, database=registry_database) as db:
        await db.execute(
            "TRUNCATE node_registrations, onex_processed_messages, registration_outbox;"
            "UPDATE node_heartbeat_watermark SET watermark = '-infinity'"
        )
        yield db


@pytest.fixture
def store(db: PostgresPoolManager) -> PostgresRegistrationStore:
    return PostgresRegistrationStore(db)
