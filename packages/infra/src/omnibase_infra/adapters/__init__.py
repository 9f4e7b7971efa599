"""Adapters to external services, one sub-package each; import from the sub-package.

- `omnibase_infra.adapters.postgres`: asyncpg pool manager, migrations, idempotency store.
- `omnibase_infra.adapters.valkey`: cache and owner-checked leases on Valkey (Redis protocol).
- `omnibase_infra.adapters.kafka`: the event bus (FastStream/aiokafka, DLQ, at-least-once) and its
  in-memory twin (`...kafka.testing.InMemoryEventBus`).
- `omnibase_infra.adapters.http`: HTTP client with timeouts, breaker and mapped status errors.

Every adapter is async, pooled, guarded by its own circuit breaker, raises only the
`omnibase_infra.errors` tree (secret-free), works as `async with`, and answers `ping()`
(`ProtocolHealthProbe`) for a node's `/ready`. Sub-packages are imported on demand, so
importing this package pulls in no client library.
"""

from omnibase_infra.adapters.protocol_health_probe import ProtocolHealthProbe

__all__ = ["ProtocolHealthProbe"]
