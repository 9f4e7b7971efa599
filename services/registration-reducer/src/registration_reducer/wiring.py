"""The composition root: settings -> PostgreSQL registry -> the reducer's unit of work."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import PostgresRegistrationStore, RegistrationUnitOfWork

CONSUMER = "registration-reducer"


@asynccontextmanager
async def dependencies(settings: ModelOnexSettings) -> AsyncIterator[ModelONEXContainer]:
    """Open the registry (creating its tables if needed); close it when the block ends.

    The reducer node itself resolves nothing (it performs no I/O); the runtime takes the
    `RegistrationUnitOfWork` from this container to persist each batch before publishing.
    """
    async with PostgresPoolManager.from_settings(settings, application_name=CONSUMER) as db:
        registry = PostgresRegistrationStore(db)
        await registry.ensure_schema()
        container = ModelONEXContainer()
        container.register_instance(
            RegistrationUnitOfWork,
            RegistrationUnitOfWork(db, registry, PostgresIdempotencyStore(db), consumer=CONSUMER),
        )
        yield container
