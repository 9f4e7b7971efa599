"""The messages the orchestrator's contract names."""

from omnibase_core.models.generated import (
    ModelNodeAckTimedOut,
    ModelNodeActivated,
    ModelNodeDeregistered,
    ModelNodeIntrospectionEvent,
    ModelNodeLivenessExpired,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationAck,
    ModelNodeRegistrationRejected,
    ModelNodeShutdown,
    ModelRuntimeTick,
)

__all__ = [
    "ModelNodeAckTimedOut",
    "ModelNodeActivated",
    "ModelNodeDeregistered",
    "ModelNodeIntrospectionEvent",
    "ModelNodeLivenessExpired",
    "ModelNodeRegistrationAccepted",
    "ModelNodeRegistrationAck",
    "ModelNodeRegistrationRejected",
    "ModelNodeShutdown",
    "ModelRuntimeTick",
]
