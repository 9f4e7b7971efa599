from datetime import timedelta

from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import ModelNodeActivated, ModelNodeRegistrationAck
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput
from omnibase_infra.config import ModelRegistrationSettings


class HandlerNodeRegistrationAck:
    """Activate a node that acknowledged its acceptance, with a liveness deadline.

    The projection is not consulted: the node acks only after reading its acceptance on the
    decision topic, so the activation lands behind it on the same partition, and the
    reducer's FSM ignores it unless the node is still awaiting its ack (a late ack after an
    ack timeout, or a duplicate, changes nothing).
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        self._settings = container.resolve(ModelRegistrationSettings)

    async def handle(
        self, envelope: ModelEventEnvelope[ModelNodeRegistrationAck], context: HandlerContext
    ) -> ModelHandlerOutput:
        node_id = envelope.payload.node_id
        timeout = self._settings.liveness_timeout_seconds
        activated = ModelNodeActivated(
            node_id=node_id,
            activated_at=context.now,
            liveness_deadline=context.now + timedelta(seconds=timeout),
            liveness_timeout_seconds=timeout,
        )
        return ModelHandlerOutput(events=(context.event(activated, entity_id=str(node_id)),))
