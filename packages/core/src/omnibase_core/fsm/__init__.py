"""Table-driven finite state machines declared in contracts (the `fsm:` section)."""

from omnibase_core.fsm._engine import FsmEngine, FsmFired
from omnibase_core.fsm.enum_fsm_guard_op import EnumFsmGuardOp
from omnibase_core.fsm.enum_fsm_rejection import EnumFsmRejection
from omnibase_core.fsm.model_fsm_definition import ModelFsmDefinition
from omnibase_core.fsm.model_fsm_event import ModelFsmEvent
from omnibase_core.fsm.model_fsm_guard import ModelFsmGuard
from omnibase_core.fsm.model_fsm_intent import ModelFsmIntent
from omnibase_core.fsm.model_fsm_intent_spec import ModelFsmIntentSpec
from omnibase_core.fsm.model_fsm_state import ModelFsmState
from omnibase_core.fsm.model_fsm_step import ModelFsmStep
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition

__all__ = [
    "EnumFsmGuardOp",
    "EnumFsmRejection",
    "FsmEngine",
    "FsmFired",
    "ModelFsmDefinition",
    "ModelFsmEvent",
    "ModelFsmGuard",
    "ModelFsmIntent",
    "ModelFsmIntentSpec",
    "ModelFsmState",
    "ModelFsmStep",
    "ModelFsmTransition",
]
