"""Workflows declared in contracts (the `workflow:` section): DAGs of retried, timed steps."""

from omnibase_core.workflow.enum_step_failure_strategy import EnumStepFailureStrategy
from omnibase_core.workflow.model_step_retry import ModelStepRetry
from omnibase_core.workflow.model_workflow_definition import ModelWorkflowDefinition
from omnibase_core.workflow.model_workflow_step import ModelWorkflowStep

__all__ = [
    "EnumStepFailureStrategy",
    "ModelStepRetry",
    "ModelWorkflowDefinition",
    "ModelWorkflowStep",
]
