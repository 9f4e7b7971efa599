"""The word counter's handler (routed by contract.yaml): pure, no I/O, no clock."""

from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput

from examples.models import ModelTextSubmitted, ModelWordsCounted


class HandlerCountWords:
    """Count a text's words (runs of non-space characters), lines and characters.

    A COMPUTE handler returns a result; the runtime publishes it on the contract's topic
    for its type (`onex.evt.words-counted.v1`).
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        pass

    async def handle(
        self, envelope: ModelEventEnvelope[ModelTextSubmitted], context: HandlerContext
    ) -> ModelHandlerOutput:
        text = envelope.payload.text
        counted = ModelWordsCounted(
            text_id=envelope.payload.text_id,
            words=len(text.split()),
            lines=len(text.splitlines()),
            characters=len(text),
        )
        return ModelHandlerOutput(result=counted)  # published on its produced topic
