from omnibase_core.nodes import NodeEffect


class NodeWordCountStoreEffect(NodeEffect):
    """Declarative effect - all behavior defined in contract.yaml."""
