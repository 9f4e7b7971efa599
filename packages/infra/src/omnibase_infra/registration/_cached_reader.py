"""The registry read through a Valkey cache that the reducer invalidates after each commit."""

import logging
import secrets
from collections.abc import Sequence

from omnibase_spi import ProtocolCache, ProtocolProjectionReader
from pydantic import TypeAdapter

from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.errors import RuntimeHostError
from omnibase_infra.observability import sanitize
from omnibase_infra.registration.model_node_registration import ModelNodeRegistration

logger = logging.getLogger(__name__)

# Every cached read lives under the current generation; deleting this key drops them all.
GENERATION_KEY = "registry:generation"
_LIST = TypeAdapter(list[ModelNodeRegistration])
_ONE = TypeAdapter(ModelNodeRegistration | None)


def registry_cache(settings: ModelOnexSettings) -> ValkeyAdapter:
    """The Valkey cache of the registry in `settings.postgres.database` (connects on use).

    Its keys carry the database name, so registries in different databases sharing one
    Valkey never read each other's entries.
    """
    prefix = f"onex:registry:{settings.postgres.database}:"
    return ValkeyAdapter.from_settings(settings, key_prefix=prefix, client_name="onex-registry")


async def invalidate_registry_cache(cache: ProtocolCache) -> None:
    """Make every cached registry read stale: call after a registry change has committed."""
    await cache.delete(GENERATION_KEY)


class CachedRegistryReader:
    """`ProtocolProjectionReader[ModelNodeRegistration]` over PostgreSQL with a read cache.

    Reads are cached for `ttl_seconds` under a generation key that the reducer deletes
    after each commit (`invalidate_registry_cache`). A reader takes the generation before
    it reads PostgreSQL, so a result read just before a commit lands under a generation
    that the commit then drops: no read after a change sees the old rows. The TTL is the
    safety net for a lost invalidation. When Valkey fails, reads go to PostgreSQL.
    """

    def __init__(
        self,
        reader: ProtocolProjectionReader[ModelNodeRegistration],
        cache: ProtocolCache | None,
        *,
        ttl_seconds: float = 5.0,
    ) -> None:
        self._reader = reader
        self._cache = cache
        self._ttl = ttl_seconds
        self._cache_failing = False

    async def get(self, entity_id: str) -> ModelNodeRegistration | None:
        """The registration of one node (by node id), or None."""
        generation = await self._generation()
        key = f"registry:{generation}:node:{entity_id}"
        cached = await self._cached(key) if generation else None
        if cached is not None:
            return _ONE.validate_json(cached)
        registration = await self._reader.get(entity_id)
        if generation:
            await self._store(key, _ONE.dump_json(registration))
        return registration

    async def list_all(self, *, limit: int = 1000) -> Sequence[ModelNodeRegistration]:
        """Up to `limit` registrations, by node name then node id."""
        generation = await self._generation()
        key = f"registry:{generation}:nodes:{limit}"
        cached = await self._cached(key) if generation else None
        if cached is not None:
            return _LIST.validate_json(cached)
        registrations = list(await self._reader.list_all(limit=limit))
        if generation:
            await self._store(key, _LIST.dump_json(registrations))
        return registrations

    async def _generation(self) -> str | None:
        """The current cache generation (a new one if none); None when the cache fails."""
        current = await self._cached(GENERATION_KEY)
        if current is not None:
            return current.decode()
        fresh = secrets.token_hex(8)
        # Readers racing here each set their own: only wasted entries, never stale ones.
        return (
            fresh if await self._store(GENERATION_KEY, fresh.encode(), ttl=self._ttl * 4) else None
        )

    async def _cached(self, key: str) -> bytes | None:
        if self._cache is None:
            return None
        try:
            value = await self._cache.get(key)
        except RuntimeHostError as error:
            self._failed(error)
            return None
        self._cache_failing = False
        return value

    async def _store(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        if self._cache is None:
            return False
        try:
            await self._cache.set(key, value, ttl_seconds=ttl or self._ttl)
        except RuntimeHostError as error:
            self._failed(error)
            return False
        return True

    def _failed(self, error: RuntimeHostError) -> None:
        if not self._cache_failing:
            logger.warning(
                "registry cache unavailable, reading PostgreSQL: %s", sanitize(str(error))
            )
        self._cache_failing = True
