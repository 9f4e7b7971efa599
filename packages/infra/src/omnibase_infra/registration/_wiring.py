"""The one PostgreSQL pool a registration service opens, with the registry tables in place."""

from omnibase_core.container import ModelONEXContainer

from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration._store import PostgresRegistrationStore


async def open_registry_database(
    container: ModelONEXContainer, settings: ModelOnexSettings, *, application_name: str
) -> PostgresPoolManager:
    """The container's pool (opened once, closed with the container), the registry migrated.

    The first call registers and opens it; later calls return the same pool.
    """
    if not container.has(PostgresPoolManager):

        async def pool(_: ModelONEXContainer) -> PostgresPoolManager:
            db = PostgresPoolManager.from_settings(settings, application_name=application_name)
            await db.start()
            try:
                await PostgresRegistrationStore(db).ensure_schema()
            except BaseException:
                await db.close()
                raise
            return db

        container.register_factory(PostgresPoolManager, pool)
    return await container.aresolve(PostgresPoolManager)
