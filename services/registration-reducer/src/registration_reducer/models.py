"""The messages the reducer's contract names."""

from omnibase_core.models.generated import (
    ModelNodeAckTimedOut,
    ModelNodeActivated,
    ModelNodeDeregistered,
    ModelNodeHeartbeat,
    ModelNodeLivenessExpired,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationRejected,
)

__all__ = [
    "ModelNodeAckTimedOut",
    "ModelNodeActivated",
    "ModelNodeDeregistered",
    "ModelNodeHeartbeat",
    "ModelNodeLivenessExpired",
    "ModelNodeRegistrationAccepted",
    "ModelNodeRegistrationRejected",
]
