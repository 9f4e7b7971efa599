from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from omnibase_core.fsm._checks import check_definition
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition


class ModelFsmDefinition(BaseModel):
    """A state machine declared in a contract's `fsm:` section.

    Checked when loaded: every state is reachable from `initial`, transitions name declared
    states, terminal states have no way out, and at most one transition can fire for any
    (state, trigger). Transitions sharing a state and trigger must each carry a guard on the
    same field that contradicts one of the other's: eq/ne, lt/ge, le/gt or in/not_in with the
    same operand, is_null/not_null, eq with different values, or in with disjoint lists.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    states: tuple[str, ...] = Field(min_length=1)
    initial: str
    terminal: tuple[str, ...] = ()
    transitions: tuple[ModelFsmTransition, ...] = ()

    @field_validator("states")
    @classmethod
    def _unique(cls, states: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for state in states:
            if state in seen:
                raise ValueError(f"state {state!r} is declared twice")
            seen.add(state)
        return states

    @model_validator(mode="after")
    def _check(self) -> "ModelFsmDefinition":
        check_definition(self)
        return self
