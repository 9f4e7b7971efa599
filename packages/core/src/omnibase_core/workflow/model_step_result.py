from pydantic import BaseModel, ConfigDict, Field

from omnibase_core.workflow.enum_step_status import EnumStepStatus


class ModelStepResult(BaseModel):
    """What happened to one step: status, tries, time taken, error text and output."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    status: EnumStepStatus
    attempts: int = Field(ge=0)
    duration_seconds: float = Field(ge=0)
    error: str | None = None
    output: object = None
