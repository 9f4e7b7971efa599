from pydantic import BaseModel, ConfigDict, Field

from omnibase_core.workflow.enum_step_status import EnumStepStatus
from omnibase_core.workflow.model_step_result import ModelStepResult


class ModelWorkflowResult(BaseModel):
    """The outcome of one workflow run: a result per step, in declaration order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: dict[str, ModelStepResult]
    duration_seconds: float = Field(ge=0)

    @property
    def succeeded(self) -> bool:
        """True when every step succeeded."""
        return all(step.status is EnumStepStatus.SUCCEEDED for step in self.steps.values())

    @property
    def outputs(self) -> dict[str, object]:
        """The outputs of the steps that succeeded, by step name."""
        return {
            name: step.output
            for name, step in self.steps.items()
            if step.status is EnumStepStatus.SUCCEEDED
        }
