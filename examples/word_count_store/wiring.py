"""The composition root the runtime host calls: the cache the store writes to."""

from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_spi import ProtocolCache


def wire(container: ModelONEXContainer, settings: ModelOnexSettings) -> None:
    """Register Valkey (`settings.valkey`) as the node's `ProtocolCache`."""

    async def cache(_: ModelONEXContainer) -> ValkeyAdapter:
        return ValkeyAdapter.from_settings(settings)

    container.register_factory(ProtocolCache, cache)
