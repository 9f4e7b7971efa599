"""The store's handler (routed by contract.yaml): one cache write per count."""

from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import HandlerContext, ModelHandlerOutput
from omnibase_spi import ProtocolCache

from examples.models import ModelWordCountStored, ModelWordsCounted

KEY_PREFIX = "examples:word-count:"
TTL_SECONDS = 3600.0


class HandlerStoreWordCount:
    """Keep the count as JSON under `examples:word-count:<text_id>` for an hour.

    Writing the same count again is harmless, so a redelivered message changes nothing.
    """

    def __init__(self, container: ModelONEXContainer) -> None:
        self._cache = container.resolve(ProtocolCache)

    async def handle(
        self, envelope: ModelEventEnvelope[ModelWordsCounted], context: HandlerContext
    ) -> ModelHandlerOutput:
        counted = envelope.payload
        key = KEY_PREFIX + counted.text_id
        value = counted.model_dump_json().encode()
        await context.run("cache.set", lambda: self._cache.set(key, value, ttl_seconds=TTL_SECONDS))
        stored = ModelWordCountStored(text_id=counted.text_id, key=key, words=counted.words)
        return ModelHandlerOutput(events=(context.event(stored),))
