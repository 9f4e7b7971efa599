from pydantic import BaseModel, ConfigDict, Field

from omnibase_core.workflow.enum_step_failure_strategy import EnumStepFailureStrategy
from omnibase_core.workflow.model_step_retry import ModelStepRetry

_NAME = r"^[A-Za-z_][A-Za-z0-9_.-]*$"


class ModelWorkflowStep(BaseModel):
    """One step of a workflow: the action it runs, what it waits for and how it fails.

    `action` names an async callable the orchestrator provides; it receives the results of
    the steps in `depends_on`, keyed by step name. `timeout_seconds` bounds each try.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    action: str = Field(min_length=1)
    depends_on: tuple[str, ...] = ()
    timeout_seconds: float = Field(default=30.0, gt=0)
    retries: ModelStepRetry = ModelStepRetry()
    on_failure: EnumStepFailureStrategy = EnumStepFailureStrategy.ABORT
