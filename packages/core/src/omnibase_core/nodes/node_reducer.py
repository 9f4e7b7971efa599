from datetime import datetime
from typing import ClassVar

from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumNodeKind, EnumNodeOutputType
from omnibase_core.fsm import EnumFsmRejection, FsmEngine, ModelFsmState
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.nodes._node_base import NodeBase
from omnibase_core.nodes.model_handler_output import ModelHandlerOutput


class NodeReducer(NodeBase):
    """Folds messages into a projection and emits intents; no I/O, no clock.

    With an `fsm` in its contract, every consumed message is a trigger (its class name) fed to
    the FSM engine: `projection` in, the new `ModelFsmState` and the transition's intents out
    (no projection when the event was rejected: nothing changes).
    """

    kind: ClassVar[EnumNodeKind] = EnumNodeKind.REDUCER
    outputs: ClassVar[frozenset[EnumNodeOutputType]] = frozenset(
        {EnumNodeOutputType.PROJECTION, EnumNodeOutputType.INTENT}
    )

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        fsm = self.contract.fsm
        self.engine: FsmEngine | None = FsmEngine(fsm) if fsm is not None else None

    def _handler_container(self) -> ModelONEXContainer:
        return self.container.scoped(
            requested_by=self.name,
            allowed=(),
            denial="REDUCER nodes perform no I/O, so their handlers resolve no services",
        )

    async def _dispatch(
        self, envelope: ModelEventEnvelope[object], now: datetime | None, projection: object
    ) -> ModelHandlerOutput:
        if self.engine is None:
            return await super()._dispatch(envelope, now, projection)
        if type(projection) is not ModelFsmState:
            projection = (
                ModelFsmState.model_validate(projection)
                if projection is not None
                else self.engine.initial_state()
            )
        fired = self.engine.fire(projection, envelope.message_type, envelope.payload)
        if isinstance(fired, EnumFsmRejection):
            return ModelHandlerOutput()
        if not fired.intents:
            return ModelHandlerOutput(projection=fired.new_state)
        intents = tuple(
            ModelIntent(
                intent_type=intent.intent_type,
                target=intent.intent_type.partition(".")[0],
                entity_id=envelope.entity_id,
                payload=intent.payload,
                correlation_id=envelope.correlation_id,
            )
            for intent in fired.intents
        )
        return ModelHandlerOutput(projection=fired.new_state, intents=intents)
