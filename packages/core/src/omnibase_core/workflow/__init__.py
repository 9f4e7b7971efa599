"""Workflows declared in contracts (the `workflow:` section): DAGs of retried, timed steps."""

from omnibase_core.workflow._engine import WorkflowEngine
from omnibase_core.workflow._step import StepAction
from omnibase_core.workflow.enum_step_failure_strategy import EnumStepFailureStrategy
from omnibase_core.workflow.enum_step_status import EnumStepStatus
from omnibase_core.workflow.model_step_result import ModelStepResult
from omnibase_core.workflow.model_step_retry import ModelStepRetry
from omnibase_core.workflow.model_workflow_definition import ModelWorkflowDefinition
from omnibase_core.workflow.model_workflow_result import ModelWorkflowResult
from omnibase_core.workflow.model_workflow_step import ModelWorkflowStep

__all__ = [
    "EnumStepFailureStrategy",
    "EnumStepStatus",
    "ModelStepResult",
    "ModelStepRetry",
    "ModelWorkflowDefinition",
    "ModelWorkflowResult",
    "ModelWorkflowStep",
    "StepAction",
    "WorkflowEngine",
]
