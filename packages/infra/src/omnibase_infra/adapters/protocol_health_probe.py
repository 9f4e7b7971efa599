from typing import Protocol, runtime_checkable
from uuid import UUID


@runtime_checkable
class ProtocolHealthProbe(Protocol):
    """An adapter a node's `/ready` can ask whether its external service answers right now."""

    @property
    def target_name(self) -> str:
        """The service and address probed, safe to show (`postgres 127.0.0.1:5432`)."""
        ...

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when the service answers; raise a `RuntimeHostError` saying why it does not."""
        ...
