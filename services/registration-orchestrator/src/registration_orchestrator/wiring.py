"""The composition root the runtime host calls: the registry the orchestrator depends on."""

from datetime import timedelta

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.config import ModelOnexSettings, ModelRegistrationSettings
from omnibase_infra.registration import (
    PostgresRegistrationStore,
    ProtocolTimeoutClaimer,
    open_registry_database,
)
from omnibase_spi import ProtocolProjectionReader

NAME = "registration-orchestrator"


def wire(container: ModelONEXContainer, settings: ModelOnexSettings) -> None:
    """Register the PostgreSQL registry (tables created on first use) and the timeouts."""
    policy = settings.registration

    async def registry(container: ModelONEXContainer) -> PostgresRegistrationStore:
        db = await open_registry_database(container, settings, application_name=NAME)
        reclaim_after = timedelta(seconds=policy.reclaim_after_seconds)
        return PostgresRegistrationStore(db, reclaim_after=reclaim_after)

    async def same_registry(container: ModelONEXContainer) -> PostgresRegistrationStore:
        return await container.aresolve(PostgresRegistrationStore)

    container.register_factory(PostgresRegistrationStore, registry)
    container.register_factory(ProtocolProjectionReader, same_registry)
    container.register_factory(ProtocolTimeoutClaimer, same_registry)
    container.register_instance(ModelRegistrationSettings, policy)
