from omnibase_core.nodes import NodeCompute


class NodeWordCounterCompute(NodeCompute):
    """Declarative compute - all behavior defined in contract.yaml."""
