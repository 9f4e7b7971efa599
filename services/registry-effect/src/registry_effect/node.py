from omnibase_core.nodes import NodeEffect


class NodeRegistryEffect(NodeEffect):
    """Declarative effect - all behavior defined in contract.yaml."""

    pass
