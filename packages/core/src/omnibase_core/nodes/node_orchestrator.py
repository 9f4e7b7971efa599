from datetime import UTC, datetime
from typing import ClassVar

from omnibase_core.enums import EnumNodeKind, EnumNodeOutputType
from omnibase_core.nodes._node_base import NodeBase


class NodeOrchestrator(NodeBase):
    """Coordinates a workflow: decides from messages and the injected `now`, emits events
    and commands."""

    kind: ClassVar[EnumNodeKind] = EnumNodeKind.ORCHESTRATOR
    outputs: ClassVar[frozenset[EnumNodeOutputType]] = frozenset(
        {EnumNodeOutputType.EVENT, EnumNodeOutputType.COMMAND}
    )

    def _clock(self, now: datetime | None) -> datetime | None:
        if now is None:
            return datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware (UTC)")
        return now
