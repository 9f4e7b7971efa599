from typing import Protocol

from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes._context import HandlerContext
from omnibase_core.nodes.model_handler_output import ModelHandlerOutput


class ProtocolNodeHandler(Protocol):
    """A handler named in `handler_routing`: built with the container, called per message."""

    async def handle(
        self, envelope: ModelEventEnvelope[object], context: HandlerContext
    ) -> ModelHandlerOutput: ...
