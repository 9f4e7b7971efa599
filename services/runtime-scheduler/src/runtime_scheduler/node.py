from omnibase_core.nodes import NodeEffect


class NodeRuntimeSchedulerEffect(NodeEffect):
    """Declarative effect: produces RuntimeTick under a Valkey lease (see contract.yaml)."""

    pass
