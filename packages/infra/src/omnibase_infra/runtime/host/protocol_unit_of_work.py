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
    skipped duplicate, unless a `ProtocolOutboxUnitOfWork` kept its output unpublished).
    Raise to abort: nothing is published or committed, and the runtime retries (a
    RuntimeHostError that is transient, or InfraUnavailableError, means "the database is
    down": the messages wait, nothing is dead-lettered).
    """

    async def run(
        self, envelopes: Sequence[ModelEventEnvelope[object]], handle: HandleMessage
    ) -> Sequence[ModelHandlerOutput]: ...


@runtime_checkable
class ProtocolOutboxUnitOfWork(ProtocolUnitOfWork, Protocol):
    """A unit of work that commits its outputs in an outbox with the batch.

    `run` returns the stored output again for a message it has seen before whose output was
    never published (the process died between commit and publish). The runtime calls
    `published` with the messages whose outputs it published, before committing offsets,
    so that a plain duplicate of them later yields nothing.
    """

    async def published(self, envelopes: Sequence[ModelEventEnvelope[object]]) -> None: ...
