"""Valkey (Redis protocol) as a cache and a lease store, pooled and behind a circuit breaker."""

import math
from typing import Self
from uuid import UUID

from redis.asyncio import BlockingConnectionPool, Redis
from redis.commands.core import AsyncScript

from omnibase_infra.adapters._config import build_config
from omnibase_infra.adapters._guard import GuardedAdapter
from omnibase_infra.adapters.valkey import _lease_scripts
from omnibase_infra.adapters.valkey._stale_retry import StaleConnectionRetry
from omnibase_infra.adapters.valkey._translate import translate_valkey_error
from omnibase_infra.adapters.valkey.model_valkey_adapter_config import ModelValkeyAdapterConfig
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError


class ValkeyAdapter(GuardedAdapter):
    """A `ProtocolCache` and owner-checked leases on one Valkey server.

    A lease is a key holding its owner's id with a time to live: `try_acquire` takes it
    if free (SET NX PX), `renew` and `release` act only for the owner (atomic Lua). A
    scheduler replica that keeps renewing before the TTL ends keeps the lease; one that
    dies loses it when the TTL runs out.
    """

    transport_type = EnumInfraTransportType.VALKEY

    def __init__(self, config: ModelValkeyAdapterConfig) -> None:
        self.config = config
        self._client: Redis | None = None
        self._scripts: dict[str, AsyncScript] = {}
        self._init_guard(config.target_name, config.circuit_breaker, config.retry)

    @classmethod
    def from_settings(cls, settings: ModelOnexSettings, **overrides: object) -> Self:
        """An adapter for `settings.valkey`, with any config field overridden by keyword."""
        base = {"host": settings.valkey.host, "port": settings.valkey.port}
        return cls(
            build_config(ModelValkeyAdapterConfig, base, overrides, env_prefix="ONEX_VALKEY__")
        )

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self, *, correlation_id: UUID | None = None) -> None:
        """Check now that the server answers (connections open on demand)."""
        await self.ping(correlation_id=correlation_id)

    async def close(self) -> None:
        """Close every pooled connection."""
        client, self._client = self._client, None
        self._scripts = {}
        if client is not None:
            await client.aclose()

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when the server answers PING; raise the reason otherwise."""
        await self._retried("ping", lambda: self._redis().ping(), correlation_id)

    async def get(self, key: str, *, correlation_id: UUID | None = None) -> bytes | None:
        """The cached value, or None when absent or expired."""
        value = await self._retried(
            "get", lambda: self._redis().get(self._key(key)), correlation_id
        )
        return value.encode() if isinstance(value, str) else value

    async def set(
        self,
        key: str,
        value: bytes,
        *,
        ttl_seconds: float | None = None,
        correlation_id: UUID | None = None,
    ) -> None:
        """Cache `value` under `key`, for `ttl_seconds` if given (else until deleted)."""
        ttl_ms = None if ttl_seconds is None else _milliseconds(ttl_seconds)
        await self._retried(
            "set", lambda: self._redis().set(self._key(key), value, px=ttl_ms), correlation_id
        )

    async def delete(self, key: str, *, correlation_id: UUID | None = None) -> None:
        """Forget `key` (no error if it is absent)."""
        await self._retried("delete", lambda: self._redis().delete(self._key(key)), correlation_id)

    async def try_acquire(
        self, name: str, owner: str, ttl_seconds: float, *, correlation_id: UUID | None = None
    ) -> bool:
        """Take lease `name` for `owner` if nobody else holds it; True when `owner` holds it.

        Taking a lease `owner` already holds succeeds and restarts its TTL.
        """
        return await self._run_lease("acquire", name, owner, ttl_seconds, correlation_id)

    async def renew(
        self, name: str, owner: str, ttl_seconds: float, *, correlation_id: UUID | None = None
    ) -> bool:
        """Restart the TTL of lease `name` if `owner` holds it; False if it does not (any more)."""
        return await self._run_lease("renew", name, owner, ttl_seconds, correlation_id)

    async def release(self, name: str, owner: str, *, correlation_id: UUID | None = None) -> bool:
        """Give lease `name` up if `owner` holds it; False (and no change) otherwise."""
        return await self._run_lease("release", name, owner, None, correlation_id)

    async def lease_owner(self, name: str, *, correlation_id: UUID | None = None) -> str | None:
        """Who holds lease `name` right now, or None."""
        owner = await self._retried(
            "lease_owner", lambda: self._redis().get(self._lease_key(name)), correlation_id
        )
        return owner.decode() if isinstance(owner, bytes) else owner

    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        return translate_valkey_error(error, context)

    async def _run_lease(
        self,
        action: str,
        name: str,
        owner: str,
        ttl_seconds: float | None,
        correlation_id: UUID | None,
    ) -> bool:
        args: list[str | int] = [owner]
        if ttl_seconds is not None:
            args.append(_milliseconds(ttl_seconds))
        script = self._script(action)
        outcome: object = await self._retried(
            f"lease_{action}",
            lambda: script(keys=[self._lease_key(name)], args=args),
            correlation_id,
        )
        return outcome == 1

    def _redis(self) -> Redis:
        if self._client is None:
            config = self.config
            pool = BlockingConnectionPool(
                host=config.host,
                port=config.port,
                db=config.db,
                username=config.username,
                password=config.password.get_secret_value() if config.password else None,
                client_name=config.client_name,
                max_connections=config.max_connections,
                timeout=config.acquire_timeout_seconds,
                socket_connect_timeout=config.connect_timeout_seconds,
                socket_timeout=config.command_timeout_seconds,
                retry=StaleConnectionRetry(),
            )
            self._client = Redis.from_pool(pool)
        return self._client

    def _script(self, action: str) -> AsyncScript:
        script = self._scripts.get(action)
        if script is None:
            source = {
                "acquire": _lease_scripts.ACQUIRE,
                "renew": _lease_scripts.RENEW,
                "release": _lease_scripts.RELEASE,
            }[action]
            script = self._scripts[action] = self._redis().register_script(source)
        return script

    def _key(self, key: str) -> str:
        return f"{self.config.key_prefix}{key}"

    def _lease_key(self, name: str) -> str:
        return f"{self.config.key_prefix}lease:{name}"


def _milliseconds(seconds: float) -> int:
    if not seconds > 0 or math.isinf(seconds):
        raise ValueError(
            f"a time to live must be a positive, finite number of seconds, not {seconds}"
        )
    return max(1, math.ceil(seconds * 1000))
