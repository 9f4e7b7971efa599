from pydantic import BaseModel, ConfigDict

from omnibase_core.fsm.enum_fsm_rejection import EnumFsmRejection
from omnibase_core.fsm.model_fsm_intent import ModelFsmIntent
from omnibase_core.fsm.model_fsm_state import ModelFsmState
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition


class ModelFsmStep(BaseModel):
    """The outcome of applying one event: the new state and its intents, or a rejection.

    When rejected, `new_state` is the state given, `intents` is empty and `rejection` and
    `reason` say why; otherwise `transition` is the one that fired.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    new_state: ModelFsmState
    intents: tuple[ModelFsmIntent, ...] = ()
    transition: ModelFsmTransition | None = None
    rejection: EnumFsmRejection | None = None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        """True when a transition fired."""
        return self.rejection is None
