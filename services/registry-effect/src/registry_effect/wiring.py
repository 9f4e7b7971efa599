"""The composition root: settings -> Consul adapter -> the container the node is built with."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from omnibase_core.container import ModelONEXContainer
from omnibase_core.contracts import load_contract
from omnibase_infra.adapters.consul import DEFAULT_CONSUL_META_KEYS, ConsulAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_spi import ProtocolServiceDiscovery

CONTRACT = Path(__file__).with_name("contract.yaml")


@asynccontextmanager
async def dependencies(settings: ModelOnexSettings) -> AsyncIterator[ModelONEXContainer]:
    """Open a Consul adapter with the contract's breaker and the registry's meta allow-list."""
    breaker = load_contract(CONTRACT).resilience.circuit_breaker
    meta_keys = DEFAULT_CONSUL_META_KEYS | set(settings.registration.consul_meta_keys)
    async with ConsulAdapter.from_settings(
        settings, circuit_breaker=breaker, meta_keys=meta_keys
    ) as consul:
        container = ModelONEXContainer()
        container.register_instance(ProtocolServiceDiscovery, consul)
        yield container
