"""One node's message path: decode -> unit of work (handle) -> publish outputs.

The bus commits a batch's offsets only after `handle_batch` returned, so outputs are
always published before the messages that caused them are marked consumed.
"""

from collections.abc import Sequence

from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import (
    ModelHandlerOutput,
    NodeCompute,
    NodeEffect,
    NodeOrchestrator,
    NodeReducer,
)

from omnibase_infra.adapters.kafka import EnvelopeDecoder
from omnibase_infra.runtime.host._logging import CORRELATION_ID
from omnibase_infra.runtime.host._outputs import Outgoing, OutputRoutes
from omnibase_infra.runtime.host.protocol_publisher import ProtocolPublisher
from omnibase_infra.runtime.host.protocol_unit_of_work import (
    HandleMessage,
    ProtocolOutboxUnitOfWork,
    ProtocolUnitOfWork,
)

Envelope = ModelEventEnvelope[object]
Node = NodeEffect | NodeCompute | NodeReducer | NodeOrchestrator


class DirectUnitOfWork:
    """The unit of work of nodes that store nothing: handle each message, keep no state."""

    async def run(
        self, envelopes: Sequence[Envelope], handle: HandleMessage
    ) -> Sequence[ModelHandlerOutput]:
        return [await handle(envelope, None) for envelope in envelopes]


class NodePipeline:
    """Decodes, handles and publishes for one node; plug `decode` and `handle_batch` into
    the bus's `subscribe_batch`."""

    def __init__(
        self,
        node: Node,
        publisher: ProtocolPublisher,
        *,
        env: str,
        unit_of_work: ProtocolUnitOfWork | None = None,
    ) -> None:
        self.node = node
        # The bus's decoder: the envelope with its payload validated by the contract's model
        # (raises if the node does not consume it).
        self.decode: EnvelopeDecoder = node.parse_envelope
        self._publisher = publisher
        self._routes = OutputRoutes(node.contract, env)
        self._unit_of_work = unit_of_work or DirectUnitOfWork()
        outbox = unit_of_work if isinstance(unit_of_work, ProtocolOutboxUnitOfWork) else None
        self._published = outbox.published if outbox is not None else None

    async def handle_batch(self, envelopes: Sequence[Envelope]) -> None:
        """Handle `envelopes` in one unit of work, then publish every output (and wait), then
        tell an outbox unit of work which messages' outputs went out."""
        outputs = await self._unit_of_work.run(envelopes, self._handle)
        outgoing: Outgoing = []
        sources: list[Envelope] = []
        for envelope, output in zip(envelopes, outputs, strict=True):
            messages = self._routes.outgoing(envelope, output)
            if messages:
                outgoing += messages
                sources.append(envelope)
        if outgoing:
            await self._publisher.publish_many(outgoing)
            if self._published is not None:
                await self._published(sources)

    async def _handle(self, envelope: Envelope, projection: object) -> ModelHandlerOutput:
        token = CORRELATION_ID.set(envelope.correlation_id)
        try:
            return await self.node.handle(envelope, projection=projection)
        finally:
            CORRELATION_ID.reset(token)
