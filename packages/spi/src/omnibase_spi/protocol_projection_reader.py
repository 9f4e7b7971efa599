from collections.abc import Sequence
from typing import Protocol, TypeVar, runtime_checkable

ProjectionT_co = TypeVar("ProjectionT_co", covariant=True)


@runtime_checkable
class ProtocolProjectionReader(Protocol[ProjectionT_co]):
    """Reads the current projection (read model) of entities, e.g. node registrations."""

    async def get(self, entity_id: str) -> ProjectionT_co | None:
        """The projection of one entity, or None if it has none."""
        ...

    async def list_all(self, *, limit: int = 1000) -> Sequence[ProjectionT_co]:
        """Up to `limit` projections, in a stable order."""
        ...
