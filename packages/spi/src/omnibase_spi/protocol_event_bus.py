from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar, runtime_checkable

from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope

PayloadT = TypeVar("PayloadT")

EnvelopeHandler = Callable[[ModelEventEnvelope[object]], Awaitable[None]]
Unsubscribe = Callable[[], Awaitable[None]]


@runtime_checkable
class ProtocolEventBus(Protocol):
    """Publishes envelopes to topics and delivers a topic's envelopes to subscribers."""

    async def publish(self, topic: str, envelope: ModelEventEnvelope[PayloadT]) -> None:
        """Send `envelope` to `topic`, keyed by its entity id; return once it is accepted."""
        ...

    async def subscribe(
        self, topic: str, handler: EnvelopeHandler, *, group_id: str
    ) -> Unsubscribe:
        """Call `handler` for each envelope on `topic` (one consumer of `group_id`).

        Returns a coroutine function that stops the subscription.
        """
        ...
