from omnibase_core.container import ModelONEXContainer
from omnibase_core.errors import NodeRoutingError
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.models.generated import (
    EnumConsulOperation,
    ModelConsulDeregisterIntent,
    ModelConsulRegisterIntent,
    ModelConsulRegistrationResult,
)
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput
from omnibase_spi import ProtocolServiceDiscovery

REGISTER = "consul.register"
DEREGISTER = "consul.deregister"


class HandlerConsulIntent:
    """Register or deregister a node's service instance in Consul, then confirm it.

    Both are idempotent (the service id is the node id: registering again replaces the
    entry, deregistering a missing one is fine), so a redelivered intent is harmless. While
    Consul is down the call fails as an outage, and the runtime holds the intent and tries
    again later instead of dropping it.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        self._consul = container.resolve(ProtocolServiceDiscovery)

    async def handle(
        self, envelope: ModelEventEnvelope[ModelIntent], context: HandlerContext
    ) -> ModelHandlerOutput:
        intent = envelope.payload
        if intent.intent_type == REGISTER:
            result = await self._register(
                ModelConsulRegisterIntent.model_validate(intent.payload), context
            )
        elif intent.intent_type == DEREGISTER:
            result = await self._deregister(
                ModelConsulDeregisterIntent.model_validate(intent.payload), context
            )
        else:
            raise NodeRoutingError(
                f"registry-effect carries out {REGISTER} and {DEREGISTER} intents, not "
                f"{intent.intent_type!r}",
                correlation_id=envelope.correlation_id,
                context={"intent_type": intent.intent_type},
            )
        return ModelHandlerOutput(events=(context.event(result),))

    async def _register(
        self, intent: ModelConsulRegisterIntent, context: HandlerContext
    ) -> ModelConsulRegistrationResult:
        service = intent.service
        await context.run(
            REGISTER,
            lambda: self._consul.register_service(
                service_id=service.service_id,
                service_name=service.service_name,
                address=service.address,
                port=service.port,
                tags=[*service.tags, f"health-{intent.health.value}"],
                meta=service.meta,
                health_check_url=service.health_check_url,
            ),
        )
        return ModelConsulRegistrationResult(
            service_id=service.service_id,
            operation=EnumConsulOperation.REGISTER,
            health=intent.health,
            completed_at=context.now,
        )

    async def _deregister(
        self, intent: ModelConsulDeregisterIntent, context: HandlerContext
    ) -> ModelConsulRegistrationResult:
        await context.run(DEREGISTER, lambda: self._consul.deregister_service(intent.service_id))
        return ModelConsulRegistrationResult(
            service_id=intent.service_id,
            operation=EnumConsulOperation.DEREGISTER,
            completed_at=context.now,
        )
