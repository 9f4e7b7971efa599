"""What the archetypes share: load the contract beside the subclass, wire handlers, check output."""

import inspect
import sys
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel

from omnibase_core.container import ModelONEXContainer
from omnibase_core.contracts._loader import load_node_contract
from omnibase_core.enums import EnumMessageCategory, EnumNodeKind, EnumNodeOutputType
from omnibase_core.errors import ContainerResolutionError, NodeOutputError, NodeRoutingError
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes._context import HandlerContext
from omnibase_core.nodes.model_handler_output import ModelHandlerOutput
from omnibase_core.nodes.protocol_node_handler import ProtocolNodeHandler

Envelope = ModelEventEnvelope[object]
CONTRACT_FILE = "contract.yaml"
# The kinds of output in the order of ModelHandlerOutput's fields (see _check_output).
_KINDS = tuple(EnumNodeOutputType)


class NodeBase:
    """Base of the archetypes; subclass one of them (`class X(NodeReducer): pass`)."""

    kind: ClassVar[EnumNodeKind]
    outputs: ClassVar[frozenset[EnumNodeOutputType]]

    def __init__(self, container: ModelONEXContainer) -> None:
        cls = type(self)
        if "kind" in cls.__dict__ or cls is NodeBase:
            raise TypeError(
                f"{cls.__name__} is an archetype: subclass it in a module beside a {CONTRACT_FILE}"
            )
        self.contract_path = Path(inspect.getfile(cls)).with_name(CONTRACT_FILE)
        package = sys.modules[cls.__module__].__package__ or None
        self.contract, self._resolved = load_node_contract(
            self.contract_path, package=package, node_kind=self.kind
        )
        self.fingerprint = self.contract.fingerprint
        self.container = container
        self._check_dependencies()
        self._unvalidated = frozenset(
            b.message_name for b in self.contract.consumes if b.validated_by == "handler"
        )
        self._envelope_types = {
            name: ModelEventEnvelope[model]  # type: ignore[valid-type]
            for name, model in self._resolved.messages.items()
        }
        self._envelope_types.update(dict.fromkeys(self._unvalidated, Envelope))
        self._consumed = tuple(binding.message_name for binding in self.contract.consumes)
        self._decoders = {name: self._envelope_types[name] for name in self._consumed}
        # What parse_envelope leaves in a payload; handle() need not decode those again.
        self._payload_models = {
            name: self._resolved.messages[name]
            for name in self._consumed
            if name not in self._unvalidated
        }
        self._produced = {b.message_name: b.category for b in self.contract.produces}
        self._produces_intents = EnumMessageCategory.INTENT in self._produced.values()
        # Checked after every call, so only the kinds this archetype may not return.
        self._forbidden = tuple(i for i, kind in enumerate(_KINDS) if kind not in self.outputs)
        self._handlers: dict[str, ProtocolNodeHandler] = {
            name: handler(self._handler_container())
            for name, handler in self._resolved.handlers.items()
        }

    @property
    def name(self) -> str:
        """The node's class name (used as `requested_by` in dependency errors)."""
        return type(self).__name__

    def message_model(self, message_type: str) -> type[BaseModel] | None:
        """The payload model of a message this node consumes or produces."""
        return self._resolved.messages.get(message_type)

    def parse_envelope(self, data: bytes | str, message_type: str | None = None) -> Envelope:
        """Decode a JSON envelope, validating its payload with the contract's model.

        Pass `message_type` (from the routing header) to validate in one pass. A message
        bound with `validated_by: handler` keeps its payload as plain JSON data.
        """
        if message_type is None:
            message_type = ModelEventEnvelope[object].model_validate_json(data).message_type
        envelope_type = self._decoders.get(message_type)
        if envelope_type is None:
            raise self._no_route(message_type, None)
        envelope: Envelope = envelope_type.model_validate_json(data)
        if envelope.message_type != message_type:
            raise NodeRoutingError(
                f"{self.name}: the routing header says {message_type!r} but the envelope "
                f"says {envelope.message_type!r}",
                correlation_id=envelope.correlation_id,
            )
        return envelope

    async def handle(
        self, envelope: Envelope, *, now: datetime | None = None, projection: object = None
    ) -> ModelHandlerOutput:
        """Handle one message and return what the node emits (checked against its archetype).

        `now` is used by orchestrators (and effects), `projection` by reducers; others
        ignore them.
        """
        envelope = self._decoded(envelope)
        output = await self._dispatch(envelope, now, projection)
        self._check_output(output, envelope)
        return output

    async def _dispatch(
        self, envelope: Envelope, now: datetime | None, projection: object
    ) -> ModelHandlerOutput:
        handler = self._handlers.get(envelope.message_type)
        if handler is None:
            raise self._no_route(envelope.message_type, envelope)
        context = HandlerContext(self.contract, envelope, self._clock(now), projection)
        output: object = await handler.handle(envelope, context)
        if not isinstance(output, ModelHandlerOutput):
            raise NodeOutputError(
                f"{type(handler).__name__}.handle returned {type(output).__name__}, "
                "not ModelHandlerOutput",
                correlation_id=envelope.correlation_id,
            )
        return output

    def _clock(self, now: datetime | None) -> datetime | None:
        """The time handlers see; None for archetypes that have no clock."""
        return None

    def _handler_container(self) -> ModelONEXContainer:
        return self.container.scoped(requested_by=self.name, allowed=self._resolved.dependencies)

    def _decoded(self, envelope: Envelope) -> Envelope:
        payload, message_type = envelope.payload, envelope.message_type
        if type(payload) is self._payload_models.get(message_type):
            return envelope  # as parse_envelope left it
        if isinstance(payload, BaseModel) or message_type in self._unvalidated:
            return envelope
        envelope_type = self._envelope_types.get(envelope.message_type)
        if envelope_type is None:
            raise self._no_route(envelope.message_type, envelope)
        return envelope_type.model_validate(envelope.model_dump())

    def _check_dependencies(self) -> None:
        missing = [dep for dep in self._resolved.dependencies if not self.container.has(dep)]
        if missing:
            names = ", ".join(f"{dep.__module__}.{dep.__qualname__}" for dep in missing)
            raise ContainerResolutionError(
                f"cannot build {self.name}: the container provides none of {names} "
                f"(declared in {self.contract_path} dependencies); register them before "
                "constructing the node",
                context={"requested_by": self.name, "protocol": names},
            )

    def _check_output(self, output: ModelHandlerOutput, envelope: Envelope) -> None:
        events, commands, intents = output.events, output.commands, output.intents
        projection, result = output.projection, output.result
        present = (events, commands, intents, projection is not None, result is not None)
        for index in self._forbidden:
            if present[index]:
                extra = output.output_types - self.outputs
                self._output_error(
                    envelope,
                    f"{self.kind} nodes return {_names(self.outputs)}, not {_names(extra)}",
                )
        if events or commands:
            self._check_produced((*events, *commands), envelope)
        if intents and not self._produces_intents:
            self._output_error(envelope, "intents need an onex.intent.* topic in produces")

    def _check_produced(self, emitted: tuple[Envelope, ...], envelope: Envelope) -> None:
        produced = self._produced
        for message in emitted:
            if produced.get(message.message_type) is not message.category:
                self._output_error(
                    envelope,
                    f"{message.category.name} {message.message_type} is not in the contract's "
                    f"produces (as an onex.{message.category.value}.* topic)",
                )

    def _output_error(self, envelope: Envelope, reason: str) -> None:
        raise NodeOutputError(
            f"{self.name}: {reason}",
            correlation_id=envelope.correlation_id,
            context={"node": self.name, "message_type": envelope.message_type},
        )

    def _no_route(self, message_type: str, envelope: Envelope | None) -> NodeRoutingError:
        known = ", ".join(self._consumed) or "nothing"
        return NodeRoutingError(
            f"{self.name} does not consume {message_type!r} (its contract consumes: {known})",
            correlation_id=envelope.correlation_id if envelope else None,
            context={"node": self.name, "message_type": message_type},
        )


def _names(kinds: frozenset[EnumNodeOutputType]) -> str:
    return ", ".join(sorted(kinds)) or "nothing"
