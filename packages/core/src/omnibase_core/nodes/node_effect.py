from datetime import UTC, datetime
from typing import ClassVar

from omnibase_core.enums import EnumNodeKind, EnumNodeOutputType
from omnibase_core.nodes._node_base import NodeBase


class NodeEffect(NodeBase):
    """The only archetype that performs I/O, through adapters resolved from the container.

    Handlers wrap each adapter call in `context.run("<operation>", call)` so the contract's
    timeout and retry settings apply; results are reported as events.
    """

    kind: ClassVar[EnumNodeKind] = EnumNodeKind.EFFECT
    outputs: ClassVar[frozenset[EnumNodeOutputType]] = frozenset(
        {EnumNodeOutputType.EVENT, EnumNodeOutputType.RESULT}
    )

    def _clock(self, now: datetime | None) -> datetime | None:
        return now or datetime.now(UTC)
