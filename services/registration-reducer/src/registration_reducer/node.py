from omnibase_core.nodes import NodeReducer


class NodeRegistrationReducer(NodeReducer):
    """Declarative reducer - the FSM in contract.yaml does the work."""

    pass
