from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.fsm._paths import check_path
from omnibase_core.fsm.model_fsm_guard import ModelFsmGuard
from omnibase_core.fsm.model_fsm_intent_spec import ModelFsmIntentSpec


class ModelFsmTransition(BaseModel):
    """On `trigger` in one of the `from` states, when every guard holds, move to `to`.

    `update` sets state data keys from field paths (read before the transition);
    `intents` are emitted when the transition fires.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True)

    from_states: tuple[str, ...] = Field(alias="from", min_length=1)
    trigger: str = Field(min_length=1)
    to: str = Field(min_length=1)
    guards: tuple[ModelFsmGuard, ...] = ()
    intents: tuple[ModelFsmIntentSpec, ...] = ()
    update: dict[str, str] = Field(default_factory=dict)

    @field_validator("from_states", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check(self) -> "ModelFsmTransition":
        for key, path in self.update.items():
            problem = check_path(path)
            if problem:
                raise ContractFieldError(("update", key), problem)
        return self
