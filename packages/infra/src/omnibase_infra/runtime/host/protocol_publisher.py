from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from omnibase_core.models.events import ModelEventEnvelope


@runtime_checkable
class ProtocolPublisher(Protocol):
    """Publishes several envelopes at once and returns when the broker has all of them."""

    async def publish_many(
        self, messages: Sequence[tuple[str, ModelEventEnvelope[object]]]
    ) -> None: ...
