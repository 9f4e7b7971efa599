"""The composition root the runtime host calls: the registry the orchestrator depends on,
and the registry query served on its HTTP port."""

from collections.abc import Sequence
from datetime import timedelta

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings, ModelRegistrationSettings
from omnibase_infra.registration import (
    CachedRegistryReader,
    PostgresRegistrationStore,
    ProtocolTimeoutClaimer,
    RegistryEndpoint,
    open_registry_database,
    registry_cache,
    registry_routes,
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

    async def cache(_: ModelONEXContainer) -> ValkeyAdapter:
        return registry_cache(settings)  # connects on first use

    async def cached_registry(container: ModelONEXContainer) -> CachedRegistryReader:
        store = await container.aresolve(PostgresRegistrationStore)
        valkey = await container.aresolve(ValkeyAdapter)
        return CachedRegistryReader(store, valkey, ttl_seconds=policy.query_cache_ttl_seconds)

    container.register_factory(ValkeyAdapter, cache)
    container.register_factory(CachedRegistryReader, cached_registry)


def routes(
    container: ModelONEXContainer, settings: ModelOnexSettings
) -> Sequence[tuple[str, RegistryEndpoint]]:
    """GET /registry/nodes and /registry/nodes/{node_id}: the registry, read through Valkey."""

    async def reader() -> CachedRegistryReader:
        return await container.aresolve(CachedRegistryReader)

    return registry_routes(reader)
