from omnibase_core.errors.model_onex_error import ModelOnexError


class NodeOutputError(ModelOnexError):
    """A handler returned output its node archetype may not produce."""

    default_code = "ONEX_NODE_OUTPUT_INVALID"
