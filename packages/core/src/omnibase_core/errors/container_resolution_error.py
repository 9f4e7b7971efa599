from omnibase_core.errors.model_onex_error import ModelOnexError


class ContainerResolutionError(ModelOnexError):
    """The container cannot provide a requested service (not registered, or not allowed)."""

    default_code = "ONEX_DEPENDENCY_MISSING"
