from typing import Protocol, runtime_checkable


@runtime_checkable
class ProtocolCache(Protocol):
    """A key-value cache with expiry (a read cache in front of a slower store)."""

    async def get(self, key: str) -> bytes | None:
        """The cached value, or None when absent or expired."""
        ...

    async def set(self, key: str, value: bytes, *, ttl_seconds: float | None = None) -> None:
        """Cache `value` under `key`, for `ttl_seconds` if given."""
        ...

    async def delete(self, key: str) -> None:
        """Forget `key` (no error if it is absent)."""
        ...
