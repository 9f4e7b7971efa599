"""An in-memory cache and lease store with the Valkey adapter's interface, for unit tests.

Time is read from `clock` (seconds), so a test moves it forward instead of sleeping.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID


@dataclass
class _Entry:
    value: bytes
    expires_at: float | None


class InMemoryValkey:
    """`ProtocolCache` plus `try_acquire`/`renew`/`release`/`lease_owner`, held in dicts."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._leases: dict[str, _Entry] = {}

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Always answers."""

    async def get(self, key: str, *, correlation_id: UUID | None = None) -> bytes | None:
        """The cached value, or None when absent or expired."""
        entry = self._live(self._entries, key)
        return None if entry is None else entry.value

    async def set(
        self,
        key: str,
        value: bytes,
        *,
        ttl_seconds: float | None = None,
        correlation_id: UUID | None = None,
    ) -> None:
        """Cache `value` under `key`, for `ttl_seconds` if given."""
        self._entries[key] = _Entry(value, self._expiry(ttl_seconds))

    async def delete(self, key: str, *, correlation_id: UUID | None = None) -> None:
        """Forget `key` (no error if it is absent)."""
        self._entries.pop(key, None)

    async def try_acquire(
        self, name: str, owner: str, ttl_seconds: float, *, correlation_id: UUID | None = None
    ) -> bool:
        """Take lease `name` for `owner` if free or already `owner`'s (then its TTL restarts)."""
        holder = self._live(self._leases, name)
        if holder is not None and holder.value != owner.encode():
            return False
        self._leases[name] = _Entry(owner.encode(), self._expiry(ttl_seconds))
        return True

    async def renew(
        self, name: str, owner: str, ttl_seconds: float, *, correlation_id: UUID | None = None
    ) -> bool:
        """Restart the TTL of lease `name` if `owner` holds it."""
        if await self.lease_owner(name) != owner:
            return False
        self._leases[name] = _Entry(owner.encode(), self._expiry(ttl_seconds))
        return True

    async def release(self, name: str, owner: str, *, correlation_id: UUID | None = None) -> bool:
        """Give lease `name` up if `owner` holds it."""
        if await self.lease_owner(name) != owner:
            return False
        del self._leases[name]
        return True

    async def lease_owner(self, name: str, *, correlation_id: UUID | None = None) -> str | None:
        """Who holds lease `name` right now, or None."""
        holder = self._live(self._leases, name)
        return None if holder is None else holder.value.decode()

    def _expiry(self, ttl_seconds: float | None) -> float | None:
        if ttl_seconds is None:
            return None
        if not ttl_seconds > 0:
            raise ValueError(
                f"a time to live must be a positive number of seconds, not {ttl_seconds}"
            )
        return self._clock() + ttl_seconds

    def _live(self, entries: dict[str, _Entry], key: str) -> _Entry | None:
        entry = entries.get(key)
        if entry is not None and entry.expires_at is not None and entry.expires_at <= self._clock():
            del entries[key]
            return None
        return entry
