# ruff: noqa: I001 -- the sample keeps RULES.md's import order verbatim
"""RULES.md "Example - Reviewing Exposed Capabilities", run as written.

Everything between the markers is copied verbatim from RULES.md; the test below checks the
outcome its last comment promises.
"""

# --- verbatim from RULES.md ----------------------------------------------------------------
from pydantic import BaseModel

from omnibase_infra.mixins import MixinNodeIntrospection


# Simplified placeholder models for demonstration purposes.
# In production ONEX nodes, these would be named following the convention:
# - Model<NodeName>Input (e.g., ModelVaultHandlerInput, ModelConsulAdapterInput)
# - Model<NodeName>Output (e.g., ModelVaultHandlerOutput, ModelConsulAdapterOutput)
# See docs/architecture/CURRENT_NODE_ARCHITECTURE.md for full examples.


class NodeInput(BaseModel):
    """Placeholder input model for demonstration.

    Represents the typed input payload for a node operation.
    ONEX nodes use strongly-typed Pydantic models to ensure
    type safety and enable contract-driven validation.
    """

    value: str


class NodeOutput(BaseModel):
    """Placeholder output model for demonstration.

    Represents the typed output result from a node operation.
    All ONEX nodes return strongly-typed Pydantic models,
    never raw dictionaries or untyped data.
    """

    processed: bool


class MyNode(MixinNodeIntrospection):
    def execute_operation(self, data: NodeInput) -> NodeOutput:
        """Public operation - WILL be exposed."""
        return self._internal_process(data)

    def _internal_process(self, data: NodeInput) -> NodeOutput:
        """Private method - will NOT be exposed."""
        return NodeOutput(processed=True)

    def get_status(self) -> str:
        """Utility method - will NOT be exposed (get_* prefix filtered)."""
        return "healthy"


# Review what gets exposed
node = MyNode()
capabilities = node.get_capabilities()
# capabilities will only include "execute_operation"
# --- end of the RULES.md sample ------------------------------------------------------------


def test_rules_sample_exposes_execute_operation_only() -> None:
    assert capabilities == ["execute_operation"]
    assert MyNode().get_capabilities() == ["execute_operation"]
