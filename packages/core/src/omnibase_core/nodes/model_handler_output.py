from pydantic import BaseModel, ConfigDict

from omnibase_core.enums import EnumNodeOutputType
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent


class ModelHandlerOutput(BaseModel):
    """What a handler returns; each archetype may fill only some fields.

    EFFECT: events (and a result) · COMPUTE: result · REDUCER: projection and intents ·
    ORCHESTRATOR: events and commands. Build envelopes with `context.event()` and
    `context.command()`, intents with `context.intent()`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    events: tuple[ModelEventEnvelope[object], ...] = ()
    commands: tuple[ModelEventEnvelope[object], ...] = ()
    intents: tuple[ModelIntent, ...] = ()
    projection: object = None
    result: object = None

    @property
    def output_types(self) -> frozenset[EnumNodeOutputType]:
        """The kinds of output present."""
        present = {
            EnumNodeOutputType.EVENT: bool(self.events),
            EnumNodeOutputType.COMMAND: bool(self.commands),
            EnumNodeOutputType.INTENT: bool(self.intents),
            EnumNodeOutputType.PROJECTION: self.projection is not None,
            EnumNodeOutputType.RESULT: self.result is not None,
        }
        return frozenset(kind for kind, there in present.items() if there)
