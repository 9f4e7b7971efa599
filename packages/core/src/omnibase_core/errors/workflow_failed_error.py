from omnibase_core.errors.model_onex_error import ModelOnexError


class WorkflowFailedError(ModelOnexError):
    """An orchestrator's workflow was aborted by a failed step; nothing it decided is emitted."""

    default_code = "ONEX_WORKFLOW_FAILED"
