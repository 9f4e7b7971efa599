from pydantic import BaseModel, ConfigDict, Field, model_validator

from omnibase_core.workflow._checks import check_workflow
from omnibase_core.workflow.model_workflow_step import ModelWorkflowStep


class ModelWorkflowDefinition(BaseModel):
    """A DAG of steps declared in a contract's `workflow:` section.

    Checked when loaded: step names are unique, every `depends_on` names a step, and the
    dependencies have no cycle (the error names it: `a -> b -> a`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: tuple[ModelWorkflowStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> "ModelWorkflowDefinition":
        check_workflow(self)
        return self
