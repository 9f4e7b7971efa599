from datetime import datetime
from uuid import UUID

from omnibase_core.models.generated import (
    EnumNodeIntrospectionReason,
    EnumNodeType,
    ModelNodeIntrospectionEvent,
)
from pydantic import BaseModel, ConfigDict, Field


class ModelNodeIntrospectionData(BaseModel):
    """What a node says about itself: identity, capabilities, endpoints and labels.

    `method_signatures` stays empty unless the node asked for signatures, and is never
    published: introspection events carry capability names only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: UUID
    node_name: str
    node_type: EnumNodeType
    node_version: str
    contract_fingerprint: str
    capabilities: tuple[str, ...]
    endpoints: dict[str, str] = Field(default_factory=dict)
    metadata: dict[str, str] = Field(default_factory=dict)
    method_signatures: dict[str, str] = Field(default_factory=dict)

    def to_event(
        self, reason: EnumNodeIntrospectionReason, emitted_at: datetime
    ) -> ModelNodeIntrospectionEvent:
        """The introspection event announcing this data now, for `reason`."""
        return ModelNodeIntrospectionEvent(
            node_id=self.node_id,
            node_name=self.node_name,
            node_type=self.node_type,
            node_version=self.node_version,
            contract_fingerprint=self.contract_fingerprint,
            capabilities=list(self.capabilities),
            endpoints=dict(self.endpoints),
            metadata=dict(self.metadata),
            reason=reason,
            emitted_at=emitted_at,
        )
