from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    ModelNodeAckTimedOut,
    ModelNodeLivenessExpired,
    ModelRuntimeTick,
)
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput
from omnibase_infra.config import ModelRegistrationSettings
from omnibase_infra.registration import ProtocolTimeoutClaimer


class HandlerRuntimeTick:
    """On each tick, claim the due ack timeouts and liveness expiries and decide them.

    Claims are taken in the database before anything is emitted, so several orchestrator
    replicas never decide the same timeout twice; liveness is judged against the heartbeat
    watermark, not the tick's clock, so a lagging pipeline does not expire live nodes.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        self._claims = container.resolve(ProtocolTimeoutClaimer)
        self._settings = container.resolve(ModelRegistrationSettings)

    async def handle(
        self, envelope: ModelEventEnvelope[ModelRuntimeTick], context: HandlerContext
    ) -> ModelHandlerOutput:
        now, limit = envelope.payload.now, self._settings.claim_batch_size
        timed_out = [
            ModelNodeAckTimedOut(
                node_id=claim.node_id, ack_deadline=claim.deadline, detected_at=now
            )
            for claim in await self._claims.claim_ack_timeouts(now, limit=limit)
        ]
        expired = [
            ModelNodeLivenessExpired(
                node_id=claim.node_id,
                deadline=claim.deadline,
                watermark=claim.judged_at,
                detected_at=now,
            )
            for claim in await self._claims.claim_liveness_expiries(now, limit=limit)
        ]
        events = (
            *(context.event(d, entity_id=str(d.node_id)) for d in timed_out),
            *(context.event(d, entity_id=str(d.node_id)) for d in expired),
        )
        return ModelHandlerOutput(events=events)
