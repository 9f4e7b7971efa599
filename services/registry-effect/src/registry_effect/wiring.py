"""The composition root the runtime host calls: the Consul adapter the effect depends on."""

from pathlib import Path

from omnibase_core.container import ModelONEXContainer
from omnibase_core.contracts import load_contract
from omnibase_infra.adapters.consul import DEFAULT_CONSUL_META_KEYS, ConsulAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.runtime import ProtocolUnitOfWork
from omnibase_spi import ProtocolServiceDiscovery

from registry_effect._unit_of_work import NodeConcurrentUnitOfWork

CONTRACT = Path(__file__).with_name("contract.yaml")


def wire(container: ModelONEXContainer, settings: ModelOnexSettings) -> None:
    """Register a Consul adapter with the contract's breaker and the registry's meta allow-list
    (closed by the container when the service stops), and the unit of work that carries out a
    batch's intents for up to ONEX_REGISTRATION__EFFECT_CONCURRENCY nodes at once."""
    breaker = load_contract(CONTRACT).resilience.circuit_breaker
    meta_keys = DEFAULT_CONSUL_META_KEYS | set(settings.registration.consul_meta_keys)

    async def consul(container: ModelONEXContainer) -> ConsulAdapter:
        adapter = ConsulAdapter.from_settings(
            settings, circuit_breaker=breaker, meta_keys=meta_keys
        )
        await adapter.start()
        return adapter

    container.register_factory(ProtocolServiceDiscovery, consul)
    container.register_instance(
        ProtocolUnitOfWork,
        NodeConcurrentUnitOfWork(settings.registration.effect_concurrency),
    )
