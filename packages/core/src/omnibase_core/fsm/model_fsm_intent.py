from pydantic import BaseModel, ConfigDict, Field


class ModelFsmIntent(BaseModel):
    """An intent emitted by a transition, with its payload filled in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent_type: str
    payload: dict[str, object] = Field(default_factory=dict)
