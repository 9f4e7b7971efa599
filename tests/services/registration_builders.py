"""Builders for registration messages and envelopes, and a fake Consul, for the service tests."""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeHealth,
    EnumNodeIntrospectionReason,
    EnumNodeShutdownReason,
    EnumNodeType,
    ModelConsulRegisterIntent,
    ModelConsulService,
    ModelNodeAckTimedOut,
    ModelNodeActivated,
    ModelNodeDeregistered,
    ModelNodeHeartbeat,
    ModelNodeIntrospectionEvent,
    ModelNodeLivenessExpired,
    ModelNodeRegistrationAccepted,
)
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import (
    InfraConnectionError,
    InfraUnavailableError,
    ModelInfraErrorContext,
)
from pydantic import BaseModel

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ACK_TIMEOUT = timedelta(seconds=30)
LIVENESS = timedelta(seconds=90)


def introspection(
    node_id: UUID | None = None,
    *,
    reason: EnumNodeIntrospectionReason = EnumNodeIntrospectionReason.STARTUP,
    fingerprint: str = "1.2.0:0123456789ab",
    at: datetime = T0,
) -> ModelNodeIntrospectionEvent:
    """A valid announcement of a node with a health endpoint."""
    return ModelNodeIntrospectionEvent(
        node_id=node_id or uuid4(),
        node_name="orders-effect",
        node_type=EnumNodeType.EFFECT,
        node_version="1.2.0",
        contract_fingerprint=fingerprint,
        capabilities=["execute_operation"],
        endpoints={
            "health": "http://10.0.0.7:8085/health",
            "metrics": "http://10.0.0.7:8085/metrics",
        },
        metadata={"team": "orders"},
        reason=reason,
        emitted_at=at,
    )


def service(node_id: UUID) -> ModelConsulService:
    return ModelConsulService(
        service_id=str(node_id),
        service_name="orders-effect",
        address="10.0.0.7",
        port=8085,
        tags=["effect", "v1.2.0"],
        meta={"node_id": str(node_id)},
        health_check_url="http://10.0.0.7:8085/health",
    )


def accepted(node_id: UUID, at: datetime = T0) -> ModelNodeRegistrationAccepted:
    return ModelNodeRegistrationAccepted(
        node_id=node_id,
        ack_deadline=at + ACK_TIMEOUT,
        accepted_at=at,
        introspection=introspection(node_id, at=at),
        registration=ModelConsulRegisterIntent(
            service=service(node_id), health=EnumNodeHealth.HEALTHY
        ),
    )


def activated(node_id: UUID, at: datetime = T0) -> ModelNodeActivated:
    return ModelNodeActivated(
        node_id=node_id,
        activated_at=at,
        liveness_deadline=at + LIVENESS,
        liveness_timeout_seconds=LIVENESS.total_seconds(),
    )


def heartbeat(
    node_id: UUID,
    sequence: int,
    at: datetime,
    health: EnumNodeHealth = EnumNodeHealth.HEALTHY,
) -> ModelNodeHeartbeat:
    return ModelNodeHeartbeat(node_id=node_id, sequence=sequence, emitted_at=at, health=health)


def ack_timed_out(node_id: UUID, deadline: datetime) -> ModelNodeAckTimedOut:
    return ModelNodeAckTimedOut(node_id=node_id, ack_deadline=deadline, detected_at=deadline)


def liveness_expired(node_id: UUID, deadline: datetime) -> ModelNodeLivenessExpired:
    return ModelNodeLivenessExpired(
        node_id=node_id, deadline=deadline, watermark=deadline, detected_at=deadline
    )


def deregistered(node_id: UUID, at: datetime = T0) -> ModelNodeDeregistered:
    return ModelNodeDeregistered(
        node_id=node_id, reason=EnumNodeShutdownReason.GRACEFUL, deregistered_at=at
    )


def envelope(
    payload: BaseModel,
    *,
    entity_id: str | None = None,
    category: EnumMessageCategory = EnumMessageCategory.EVENT,
    at: datetime = T0,
) -> ModelEventEnvelope[object]:
    """`payload` in an envelope keyed by its node id (or `entity_id`)."""
    key = entity_id or str(getattr(payload, "node_id", "none"))
    return ModelEventEnvelope[object](
        message_type=type(payload).__name__,
        category=category,
        entity_id=key,
        emitted_at=at,
        producer="tests",
        payload=payload,
    )


CONSUL = ModelInfraErrorContext(transport_type=EnumInfraTransportType.CONSUL, operation="register")


class FakeConsul:
    """Service instances by id; `down_for` calls fail as if the agent were unreachable."""

    def __init__(self) -> None:
        self.services: dict[str, dict[str, object]] = {}
        self.calls = 0
        self.down_for = 0
        self.breaker_open = False

    async def register_service(
        self,
        *,
        service_id: str,
        service_name: str,
        address: str,
        port: int,
        tags: Sequence[str] = (),
        meta: Mapping[str, str] | None = None,
        health_check_url: str | None = None,
    ) -> None:
        self._call()
        self.services[service_id] = {
            "name": service_name,
            "address": f"{address}:{port}",
            "tags": list(tags),
            "meta": dict(meta or {}),
            "check": health_check_url,
        }

    async def deregister_service(self, service_id: str) -> None:
        self._call()
        self.services.pop(service_id, None)

    async def list_service_ids(self, service_name: str) -> Sequence[str]:
        return [sid for sid, entry in self.services.items() if entry["name"] == service_name]

    def _call(self) -> None:
        self.calls += 1
        if self.breaker_open:
            raise InfraUnavailableError(
                "Consul breaker open",
                CONSUL,
                retry_after_seconds=5.0,
                circuit_state=EnumCircuitState.OPEN,
            )
        if self.down_for > 0:
            self.down_for -= 1
            raise InfraConnectionError("Consul refused the connection", CONSUL)
