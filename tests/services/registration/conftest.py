"""The module's registry database (tests/services/conftest.py), emptied before each test."""

from collections.abc import AsyncIterator

import pytest
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import PostgresRegistrationStore


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
