from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import ModelNodeDeregistered, ModelNodeShutdown
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput


class HandlerNodeShutdown:
    """Deregister a node that announced its shutdown, at once.

    Always decided, even when the projection does not show the node yet: an acceptance still
    on its way is ahead of this decision on the same partition, and the reducer's FSM ignores
    it for a node that is not registered.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        pass

    async def handle(
        self, envelope: ModelEventEnvelope[ModelNodeShutdown], context: HandlerContext
    ) -> ModelHandlerOutput:
        shutdown = envelope.payload
        deregistered = ModelNodeDeregistered(
            node_id=shutdown.node_id, reason=shutdown.reason, deregistered_at=context.now
        )
        entity_id = str(shutdown.node_id)
        return ModelHandlerOutput(events=(context.event(deregistered, entity_id=entity_id),))
