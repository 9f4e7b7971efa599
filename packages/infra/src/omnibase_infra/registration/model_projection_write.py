from uuid import UUID

from omnibase_core.fsm import ModelFsmState
from pydantic import BaseModel, ConfigDict, Field


class ModelProjectionWrite(BaseModel):
    """A reducer's new state for one node, to store if `version` is above the stored one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: UUID
    state: ModelFsmState
    version: int = Field(ge=1)
    # The last message folded into `state` (recorded with the row).
    message_id: UUID | None = None
