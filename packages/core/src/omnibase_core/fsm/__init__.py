"""Table-driven finite state machines declared in contracts (the `fsm:` section)."""

from omnibase_core.fsm.enum_fsm_guard_op import EnumFsmGuardOp
from omnibase_core.fsm.model_fsm_definition import ModelFsmDefinition
from omnibase_core.fsm.model_fsm_guard import ModelFsmGuard
from omnibase_core.fsm.model_fsm_intent_spec import ModelFsmIntentSpec
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition

__all__ = [
    "EnumFsmGuardOp",
    "ModelFsmDefinition",
    "ModelFsmGuard",
    "ModelFsmIntentSpec",
    "ModelFsmTransition",
]
