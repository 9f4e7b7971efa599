"""The composition root: settings -> PostgreSQL registry -> the container the node is built with."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings, ModelRegistrationSettings
from omnibase_infra.registration import PostgresRegistrationStore, ProtocolTimeoutClaimer
from omnibase_spi import ProtocolProjectionReader


@asynccontextmanager
async def dependencies(settings: ModelOnexSettings) -> AsyncIterator[ModelONEXContainer]:
    """Open the registry (creating its tables if needed); close it when the block ends."""
    policy = settings.registration
    async with PostgresPoolManager.from_settings(
        settings, application_name="registration-orchestrator"
    ) as db:
        registry = PostgresRegistrationStore(
            db, reclaim_after=timedelta(seconds=policy.reclaim_after_seconds)
        )
        await registry.ensure_schema()
        container = ModelONEXContainer()
        container.register_instance(ProtocolProjectionReader, registry)
        container.register_instance(ProtocolTimeoutClaimer, registry)
        container.register_instance(ModelRegistrationSettings, policy)
        yield container
