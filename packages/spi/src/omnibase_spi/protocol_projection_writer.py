from typing import Protocol, TypeVar, runtime_checkable

ProjectionT_contra = TypeVar("ProjectionT_contra", contravariant=True)


@runtime_checkable
class ProtocolProjectionWriter(Protocol[ProjectionT_contra]):
    """Stores projections, fenced by version so a replayed or stale write changes nothing."""

    async def upsert(self, entity_id: str, projection: ProjectionT_contra, *, version: int) -> bool:
        """Store `projection` if `version` is newer than the stored one; True if it was written."""
        ...
