from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class ModelIntent(BaseModel):
    """A reducer's request that an effect do something (e.g. register a node in Consul).

    Reducers emit intents instead of performing I/O; the runtime publishes each one in an
    INTENT envelope keyed by `entity_id`, and an effect node carries it out.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent_type: str = Field(min_length=1)
    target: str = Field(min_length=1)
    entity_id: str = Field(min_length=1)
    payload: dict[str, object] = Field(default_factory=dict)
    correlation_id: UUID
