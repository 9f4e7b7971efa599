"""The composition root the runtime host calls: the clock's stores, and the clock itself.

`onex run runtime-scheduler` resolves the contract's dependencies from `wire` (they also
answer `/ready`) and enters `running(settings, publish)` once the node has started: the
tick loop runs beside the node's HTTP endpoints and stops, releasing its lease, on SIGTERM.
"""

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings

from runtime_scheduler._app import running
from runtime_scheduler._tick_store import PostgresTickStore
from runtime_scheduler.protocol_lease_store import ProtocolLeaseStore
from runtime_scheduler.protocol_tick_store import ProtocolTickStore

NAME = "runtime-scheduler"

__all__ = ["running", "wire"]


def wire(container: ModelONEXContainer, settings: ModelOnexSettings) -> None:
    """Register the lease store (Valkey) and the tick store (PostgreSQL, migrated)."""

    async def leases(_: ModelONEXContainer) -> ValkeyAdapter:
        return ValkeyAdapter.from_settings(settings)

    async def database(_: ModelONEXContainer) -> PostgresPoolManager:
        return PostgresPoolManager.from_settings(settings, application_name=NAME)  # opens on use

    async def ticks(container: ModelONEXContainer) -> PostgresTickStore:
        store = PostgresTickStore(await container.aresolve(PostgresPoolManager))
        await store.migrate()
        return store

    container.register_factory(ProtocolLeaseStore, leases)
    container.register_factory(PostgresPoolManager, database)
    container.register_factory(ProtocolTickStore, ticks)
