from pydantic import BaseModel, ConfigDict, Field, model_validator

from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.fsm._paths import check_path


class ModelFsmIntentSpec(BaseModel):
    """An intent a transition emits: its type and how to fill its payload.

    `payload` maps each payload key to a field path (`event.payload.node_id`,
    `state.data.service_id`), read from the event and the state *before* the transition;
    `constants` adds literal payload values.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent_type: str = Field(min_length=1)
    payload: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> "ModelFsmIntentSpec":
        for key, path in self.payload.items():
            problem = check_path(path)
            if problem:
                raise ContractFieldError(("payload", key), problem)
        for key in self.constants:
            if key in self.payload:
                raise ContractFieldError(("constants", key), "key is also in payload")
        return self
