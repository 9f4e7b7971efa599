from datetime import datetime
from uuid import UUID

from omnibase_core.models.generated import EnumNodeHealth, ModelConsulService
from pydantic import BaseModel, ConfigDict, Field

from omnibase_infra.registration.enum_registration_state import EnumRegistrationState


class ModelNodeRegistration(BaseModel):
    """One row of the `node_registrations` projection: what the registry knows of a node."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: UUID
    state: EnumRegistrationState
    name: str | None = None
    node_type: str | None = None
    node_version: str | None = None
    contract_fingerprint: str | None = None
    capabilities: tuple[str, ...] = ()
    endpoints: dict[str, str] = Field(default_factory=dict)
    metadata: dict[str, str] = Field(default_factory=dict)
    service: ModelConsulService | None = None
    accepted_at: datetime | None = None
    ack_deadline: datetime | None = None
    activated_at: datetime | None = None
    liveness_timeout_seconds: float | None = None
    liveness_deadline: datetime | None = None
    last_heartbeat_at: datetime | None = None
    heartbeat_sequence: int | None = None
    health: EnumNodeHealth | None = None
    ack_timeout_emitted_at: datetime | None = None
    liveness_timeout_emitted_at: datetime | None = None
    last_applied_message_id: UUID | None = None
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
