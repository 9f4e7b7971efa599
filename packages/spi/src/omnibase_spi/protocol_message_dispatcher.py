from typing import Protocol, runtime_checkable

from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope

from omnibase_spi.protocol_dispatch_result import ProtocolDispatchResult


@runtime_checkable
class ProtocolMessageDispatcher(Protocol):
    """Handles the envelopes a dispatch engine routes to it, and owns its own resilience.

    Routing (category, topic, message types) is given when the dispatcher is registered;
    the payload is `object` because the engine routes on metadata, not payload shape.
    """

    async def handle(self, envelope: ModelEventEnvelope[object]) -> ProtocolDispatchResult:
        """Handle one message; raise to report a failure (the engine records it)."""
        ...
