from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope


@runtime_checkable
class ProtocolDispatchResult(Protocol):
    """What a dispatcher reports back: whether it succeeded and the messages it produced."""

    @property
    def succeeded(self) -> bool:
        """True when the message was handled."""
        ...

    @property
    def outputs(self) -> Sequence[ModelEventEnvelope[object]]:
        """Envelopes to publish because of this message (events, commands, intents)."""
        ...
