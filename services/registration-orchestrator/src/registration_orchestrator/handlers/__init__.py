"""The orchestrator's handlers, one per consumed message (routed by contract.yaml)."""

from registration_orchestrator.handlers.handler_node_introspected import HandlerNodeIntrospected
from registration_orchestrator.handlers.handler_node_registration_ack import (
    HandlerNodeRegistrationAck,
)
from registration_orchestrator.handlers.handler_node_shutdown import HandlerNodeShutdown
from registration_orchestrator.handlers.handler_runtime_tick import HandlerRuntimeTick

__all__ = [
    "HandlerNodeIntrospected",
    "HandlerNodeRegistrationAck",
    "HandlerNodeShutdown",
    "HandlerRuntimeTick",
]
