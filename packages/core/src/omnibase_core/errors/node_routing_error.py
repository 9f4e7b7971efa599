from omnibase_core.errors.model_onex_error import ModelOnexError


class NodeRoutingError(ModelOnexError):
    """A node received a message that no handler in its contract accepts."""

    default_code = "ONEX_NODE_NO_ROUTE"
