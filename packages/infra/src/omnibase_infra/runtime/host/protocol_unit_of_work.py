from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import ModelHandlerOutput

# Handle one message given its entity's current projection (None when there is none).
HandleMessage = Callable[[ModelEventEnvelope[object], object], Awaitable[ModelHandlerOutput]]


@runtime_checkable
class ProtocolUnitOfWork(Protocol):
    """Wraps the handling of a batch of messages so what they change is stored atomically.

    The runtime calls `run` once per fetched batch (messages in partition order) and then
    publishes the returned outputs, then commits the Kafka offsets. A reducer's unit of work
    opens one transaction, reads each entity's projection, calls `handle(envelope,
    projection)` in order (feeding the new projection to the entity's next message), skips
    messages already recorded as processed, writes the projections and processed-message
    records, commits, and returns one output per envelope (an empty ModelHandlerOutput for a
    skipped duplicate). Raise to abort: nothing is published or committed, and the runtime
    retries (a RuntimeHostError that is transient, or InfraUnavailableError, means "the
    database is down": the messages wait, nothing is dead-lettered).
    """

    async def run(
        self, envelopes: Sequence[ModelEventEnvelope[object]], handle: HandleMessage
    ) -> Sequence[ModelHandlerOutput]: ...
