from datetime import timedelta

from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeHealth,
    EnumNodeIntrospectionReason,
    ModelConsulRegisterIntent,
    ModelNodeIntrospectionEvent,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationRejected,
)
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput
from omnibase_infra.config import ModelRegistrationSettings
from omnibase_infra.registration import EnumRegistrationState, ModelNodeRegistration
from omnibase_spi import ProtocolProjectionReader

from registration_orchestrator.handlers._admission import admit, service_for


class HandlerNodeIntrospected:
    """Accept an announced node with an ack deadline, or reject an announcement with the reason.

    An active node answering an introspection request with the same registration is left
    alone (no decision, no Consul write); a node that (re)started, or re-announces because it
    read that the registry let it go, is accepted again even if the projection still shows
    it active (the reducer may not have stored that ending yet; the acceptance lands behind
    it on the node's partition). A redelivered announcement yields its acceptance with the
    same message id again, which the reducer drops as already processed.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        self._registry: ProtocolProjectionReader[ModelNodeRegistration] = container.resolve(
            ProtocolProjectionReader
        )
        self._settings = container.resolve(ModelRegistrationSettings)

    async def handle(
        self, envelope: ModelEventEnvelope[object], context: HandlerContext
    ) -> ModelHandlerOutput:
        event = admit(envelope, context.now)
        if isinstance(event, ModelNodeRegistrationRejected):
            return ModelHandlerOutput(events=(context.event(event),))
        # Only a requested re-announcement may be skipped: the others need no registry read.
        if event.reason is EnumNodeIntrospectionReason.REQUESTED and _already_registered(
            await self._registry.get(str(event.node_id)), event
        ):
            return ModelHandlerOutput()
        service = service_for(event, self._settings.consul_meta_keys)
        accepted = ModelNodeRegistrationAccepted(
            node_id=event.node_id,
            ack_deadline=context.now + timedelta(seconds=self._settings.ack_timeout_seconds),
            accepted_at=context.now,
            introspection=event,
            registration=ModelConsulRegisterIntent(service=service, health=EnumNodeHealth.HEALTHY),
        )
        return ModelHandlerOutput(events=(context.event(accepted),))


def _already_registered(
    current: ModelNodeRegistration | None, event: ModelNodeIntrospectionEvent
) -> bool:
    """True for a requested re-announcement of an active node that changes nothing we keep."""
    if current is None or current.state is not EnumRegistrationState.ACTIVE:
        return False
    if event.reason is not EnumNodeIntrospectionReason.REQUESTED:
        # A restarted node waits for its acceptance to ack it; a re-announcing one was told
        # it expired or timed out, which the projection may not show yet.
        return False
    return (
        current.contract_fingerprint == event.contract_fingerprint
        and current.name == event.node_name
        and current.node_type == event.node_type.value
        and current.node_version == event.node_version
        and list(current.capabilities) == event.capabilities
        and current.endpoints == event.endpoints
        and current.metadata == event.metadata
    )
