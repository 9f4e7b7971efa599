"""ONEX service provider interfaces: the protocols infrastructure implements (no code).

The per-message handler protocol is core's `ProtocolNodeHandler` (it takes core's
`HandlerContext`); it is re-exported here so every seam can be found in one place.
"""

from omnibase_core.nodes import ProtocolNodeHandler

from omnibase_spi.protocol_cache import ProtocolCache
from omnibase_spi.protocol_dispatch_result import ProtocolDispatchResult
from omnibase_spi.protocol_event_bus import EnvelopeHandler, ProtocolEventBus, Unsubscribe
from omnibase_spi.protocol_idempotency_store import ProtocolIdempotencyStore
from omnibase_spi.protocol_message_dispatcher import ProtocolMessageDispatcher
from omnibase_spi.protocol_projection_reader import ProtocolProjectionReader
from omnibase_spi.protocol_projection_writer import ProtocolProjectionWriter
from omnibase_spi.protocol_reducer import ProtocolReducer
from omnibase_spi.protocol_secret_store import ProtocolSecretStore
from omnibase_spi.protocol_service_discovery import ProtocolServiceDiscovery

__all__ = [
    "EnvelopeHandler",
    "ProtocolCache",
    "ProtocolDispatchResult",
    "ProtocolEventBus",
    "ProtocolIdempotencyStore",
    "ProtocolMessageDispatcher",
    "ProtocolNodeHandler",
    "ProtocolProjectionReader",
    "ProtocolProjectionWriter",
    "ProtocolReducer",
    "ProtocolSecretStore",
    "ProtocolServiceDiscovery",
    "Unsubscribe",
]
