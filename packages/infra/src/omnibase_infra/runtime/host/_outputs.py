"""Where a handler's outputs go: events and commands to their produced topics, intents to
the node's intent topic, a compute result to the event topic of its type (if produced)."""

from datetime import UTC, datetime

from omnibase_core.contracts import ModelContract
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import NodeOutputError
from omnibase_core.messaging import ModelTopic
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.nodes import ModelHandlerOutput

Envelope = ModelEventEnvelope[object]
Outgoing = list[tuple[str, Envelope]]


class OutputRoutes:
    """The produced topics of one node in one environment."""

    def __init__(self, contract: ModelContract, env: str) -> None:
        self._producer = contract.name
        self._topics: dict[str, str] = {}
        self._intents: dict[str, str] = {}
        for binding in contract.produces:
            if binding.category is EnumMessageCategory.INTENT:
                self._intents[ModelTopic.parse(binding.topic).name] = binding.topic_for(env)
            else:
                self._topics[binding.message_name] = binding.topic_for(env)

    def outgoing(self, cause: Envelope, output: ModelHandlerOutput) -> Outgoing:
        """The (topic, envelope) pairs to publish for `output`, caused by `cause`."""
        if not (output.events or output.commands or output.intents or output.result is not None):
            return []
        messages = [
            (self._topic_of(emitted, cause), emitted)
            for emitted in (*output.events, *output.commands)
        ]
        messages += [self._intent(intent, cause) for intent in output.intents]
        result = output.result
        if result is not None and type(result).__name__ in self._topics:
            event = cause.child(result, producer=self._producer, emitted_at=datetime.now(UTC))
            messages.append((self._topics[event.message_type], event))
        return messages

    def _topic_of(self, emitted: Envelope, cause: Envelope) -> str:
        topic = self._topics.get(emitted.message_type)
        if topic is None:
            raise NodeOutputError(
                f"{self._producer} emitted {emitted.message_type}, which its contract does not "
                "produce; add it to produces",
                correlation_id=cause.correlation_id,
            )
        return topic

    def _intent(self, intent: ModelIntent, cause: Envelope) -> tuple[str, Envelope]:
        topic = self._intents.get(intent.target)
        if topic is None and len(self._intents) == 1:
            topic = next(iter(self._intents.values()))
        if topic is None:
            raise NodeOutputError(
                f"{self._producer} emitted an intent for {intent.target!r} but produces no "
                f"onex.intent.{intent.target}.v<N> topic (intent topics: "
                f"{', '.join(self._intents) or 'none'})",
                correlation_id=cause.correlation_id,
            )
        envelope = ModelEventEnvelope[object](
            message_type=ModelIntent.__name__,
            category=EnumMessageCategory.INTENT,
            correlation_id=intent.correlation_id,
            causation_id=cause.message_id,
            entity_id=intent.entity_id,
            emitted_at=datetime.now(UTC),
            producer=self._producer,
            payload=intent,
        )
        return topic, envelope
