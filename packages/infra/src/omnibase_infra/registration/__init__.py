"""The node registry shared by the registration services: projection store, claims, fakes.

    store = PostgresRegistrationStore(db)
    await store.ensure_schema()                       # node_registrations + processed messages
    registration = await store.get(str(node_id))      # ModelNodeRegistration | None
    claimed = await store.claim_ack_timeouts(now, limit=500)

    unit = RegistrationUnitOfWork(db, store, PostgresIdempotencyStore(db),
                                  consumer="registration-reducer")
    outputs = await unit.run(envelopes, handle)   # the runtime's ProtocolUnitOfWork

    reader = CachedRegistryReader(store, registry_cache(settings))  # queries, cached in Valkey
    routes = registry_routes(get_reader)              # GET /registry/nodes[/{node_id}]

The topics are `omnibase_core.messaging.TOPIC_*`; the messages are the generated models in
`omnibase_core.models.generated`. `omnibase_infra.registration.testing.InMemoryRegistrationStore`
is the fake for handler tests.
"""

from omnibase_infra.registration._cached_reader import (
    CachedRegistryReader,
    invalidate_registry_cache,
    registry_cache,
)
from omnibase_infra.registration._routes import REGISTRY_PATH, RegistryEndpoint, registry_routes
from omnibase_infra.registration._rows import DATA_COLUMNS
from omnibase_infra.registration._store import (
    MIGRATIONS,
    MIGRATIONS_NAMESPACE,
    PostgresRegistrationStore,
)
from omnibase_infra.registration._unit_of_work import RegistrationUnitOfWork
from omnibase_infra.registration._wiring import open_registry_database
from omnibase_infra.registration.enum_registration_state import EnumRegistrationState
from omnibase_infra.registration.errors import ProjectionConflictError
from omnibase_infra.registration.model_claimed_timeout import ModelClaimedTimeout
from omnibase_infra.registration.model_node_registration import ModelNodeRegistration
from omnibase_infra.registration.model_projection_write import ModelProjectionWrite
from omnibase_infra.registration.protocol_timeout_claimer import ProtocolTimeoutClaimer

__all__ = [
    "DATA_COLUMNS",
    "MIGRATIONS",
    "MIGRATIONS_NAMESPACE",
    "REGISTRY_PATH",
    "CachedRegistryReader",
    "EnumRegistrationState",
    "ModelClaimedTimeout",
    "ModelNodeRegistration",
    "ModelProjectionWrite",
    "PostgresRegistrationStore",
    "ProjectionConflictError",
    "ProtocolTimeoutClaimer",
    "RegistrationUnitOfWork",
    "RegistryEndpoint",
    "invalidate_registry_cache",
    "open_registry_database",
    "registry_cache",
    "registry_routes",
]
