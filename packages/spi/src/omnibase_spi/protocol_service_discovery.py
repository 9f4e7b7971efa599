from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class ProtocolServiceDiscovery(Protocol):
    """Registers service instances in a catalogue (e.g. Consul) and looks them up."""

    async def register_service(
        self,
        *,
        service_id: str,
        service_name: str,
        address: str,
        port: int,
        tags: Sequence[str] = (),
        meta: Mapping[str, str] | None = None,
        health_check_url: str | None = None,
    ) -> None:
        """Register (or update) one instance under a stable `service_id`."""
        ...

    async def deregister_service(self, service_id: str) -> None:
        """Remove an instance (no error if it is already gone)."""
        ...

    async def list_service_ids(self, service_name: str) -> Sequence[str]:
        """The ids of the registered instances of `service_name`."""
        ...
