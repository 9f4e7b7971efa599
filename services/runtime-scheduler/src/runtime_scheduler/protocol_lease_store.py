from typing import Protocol, runtime_checkable


@runtime_checkable
class ProtocolLeaseStore(Protocol):
    """Named leases with a time to live, each held by at most one owner (Valkey's adapter)."""

    async def try_acquire(self, name: str, owner: str, ttl_seconds: float) -> bool:
        """Take lease `name` for `owner` if it is free (or already `owner`'s); True if held."""
        ...

    async def renew(self, name: str, owner: str, ttl_seconds: float) -> bool:
        """Restart the lease's time to live if `owner` holds it; False if it does not."""
        ...

    async def release(self, name: str, owner: str) -> bool:
        """Give the lease up if `owner` holds it; False (and no change) otherwise."""
        ...
