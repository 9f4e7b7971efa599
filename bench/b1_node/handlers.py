from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput

from b1_node.models import ModelBenchHeartbeat

_NOTHING = ModelHandlerOutput()


class HandlerIgnore:
    """Accept the message and emit nothing: the cost left is the runtime's."""

    def __init__(self, container: ModelONEXContainer) -> None:
        pass

    async def handle(
        self, envelope: ModelEventEnvelope[ModelBenchHeartbeat], context: HandlerContext
    ) -> ModelHandlerOutput:
        return _NOTHING
