from typing import ClassVar

from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumNodeKind, EnumNodeOutputType
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes._node_base import NodeBase
from omnibase_core.nodes.model_handler_output import ModelHandlerOutput


class NodeCompute(NodeBase):
    """A pure transformation: each message in, one result out; no I/O, no clock."""

    kind: ClassVar[EnumNodeKind] = EnumNodeKind.COMPUTE
    outputs: ClassVar[frozenset[EnumNodeOutputType]] = frozenset({EnumNodeOutputType.RESULT})

    def _handler_container(self) -> ModelONEXContainer:
        return self.container.scoped(
            requested_by=self.name,
            allowed=(),
            denial="COMPUTE nodes perform no I/O, so their handlers resolve no services",
        )

    def _check_output(
        self, output: ModelHandlerOutput, envelope: ModelEventEnvelope[object]
    ) -> None:
        super()._check_output(output, envelope)
        if output.result is None:
            self._output_error(envelope, "a COMPUTE handler must return a result")
