"""Valkey adapter: a `ProtocolCache` and owner-checked leases over redis.asyncio.

    async with ValkeyAdapter.from_settings(load_settings()) as valkey:
        await valkey.set("node:abc", payload, ttl_seconds=30)
        if await valkey.try_acquire("liveness-sweeper", owner=replica_id, ttl_seconds=10):
            ...  # renew before the TTL ends; release when done

Errors: `InfraConnectionError` (server unreachable), `InfraUnavailableError` (breaker open),
`InfraAuthenticationError` (never retried), `InfraTimeoutError`, and `RuntimeHostError`
with code `VALKEY_COMMAND_ERROR` when the server rejects a command.
"""

from omnibase_infra.adapters.valkey._adapter import ValkeyAdapter
from omnibase_infra.adapters.valkey.model_valkey_adapter_config import ModelValkeyAdapterConfig

__all__ = ["ModelValkeyAdapterConfig", "ValkeyAdapter"]
