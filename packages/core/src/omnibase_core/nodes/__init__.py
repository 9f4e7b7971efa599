"""The four node archetypes and the handler calling convention.

A node is `class NodeFooReducer(NodeReducer): pass` in a module beside its contract.yaml;
handlers named in the contract are classes built with the container whose
`async handle(envelope, context)` returns a ModelHandlerOutput.
"""

from omnibase_core.nodes._context import HandlerContext
from omnibase_core.nodes.model_handler_output import ModelHandlerOutput
from omnibase_core.nodes.node_compute import NodeCompute
from omnibase_core.nodes.node_effect import NodeEffect
from omnibase_core.nodes.node_orchestrator import NodeOrchestrator
from omnibase_core.nodes.node_reducer import NodeReducer
from omnibase_core.nodes.protocol_node_handler import ProtocolNodeHandler

__all__ = [
    "HandlerContext",
    "ModelHandlerOutput",
    "NodeCompute",
    "NodeEffect",
    "NodeOrchestrator",
    "NodeReducer",
    "ProtocolNodeHandler",
]
