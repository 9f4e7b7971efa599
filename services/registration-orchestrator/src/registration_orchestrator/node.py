from omnibase_core.nodes import NodeOrchestrator


class NodeRegistrationOrchestrator(NodeOrchestrator):
    """Declarative orchestrator - all behavior defined in contract.yaml."""

    pass  # No custom code - driven entirely by contract
