from omnibase_core.nodes import NodeEffect


class NodeBenchB1Effect(NodeEffect):
    """Declarative effect - all behavior defined in contract.yaml."""
