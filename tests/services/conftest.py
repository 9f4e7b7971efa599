"""The registry database of a test module, and the shared message builders on the path."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.adapters.postgres.testing import scratch_database
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import PostgresRegistrationStore

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # registration_builders.py


@pytest.fixture(scope="module")
async def registry_database(local_stack: ModelOnexSettings) -> AsyncIterator[str]:
    """A database of this module's own with the registry schema, dropped afterwards."""
    async with scratch_database(local_stack, "onex_test_registry") as name:
        async with PostgresPoolManager.from_settings(local_stack, database=name) as db:
            await PostgresRegistrationStore(db).ensure_schema()
        yield name
