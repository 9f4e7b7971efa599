"""The composition root the runtime host calls: the reducer's unit of work on PostgreSQL."""

from pathlib import Path

from omnibase_core.container import ModelONEXContainer
from omnibase_core.contracts import load_contract
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import (
    PostgresRegistrationStore,
    RegistrationUnitOfWork,
    open_registry_database,
    registry_cache,
)
from omnibase_infra.runtime import ProtocolUnitOfWork

CONTRACT = Path(__file__).with_name("contract.yaml")
NAME = "registration-reducer"


def wire(container: ModelONEXContainer, settings: ModelOnexSettings) -> None:
    """Register the unit of work that stores each batch (rows + processed ids) in one transaction.

    After each commit it invalidates the registry query cache in Valkey. The reducer node
    itself resolves nothing (it performs no I/O).
    """
    contract = load_contract(CONTRACT)

    async def unit_of_work(container: ModelONEXContainer) -> RegistrationUnitOfWork:
        db = await open_registry_database(container, settings, application_name=NAME)
        store = PostgresRegistrationStore(db)
        idempotency = PostgresIdempotencyStore(db)
        return RegistrationUnitOfWork(
            db,
            store,
            idempotency,
            consumer=NAME,
            contract=contract,
            contract_path=str(CONTRACT),
            cache=await container.aresolve(ValkeyAdapter),
        )

    async def cache(_: ModelONEXContainer) -> ValkeyAdapter:
        return registry_cache(settings)  # connects on first use

    container.register_factory(ValkeyAdapter, cache)

    container.register_factory(ProtocolUnitOfWork, unit_of_work)
