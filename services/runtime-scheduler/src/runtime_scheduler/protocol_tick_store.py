from datetime import datetime
from typing import Protocol, runtime_checkable

from omnibase_core.models.generated import ModelRuntimeTick


@runtime_checkable
class ProtocolTickStore(Protocol):
    """A clock's durable state: the last sequence and time issued, and who may issue next."""

    async def claim(self, name: str, owner: str) -> int:
        """Make `owner` the only issuer of clock `name`; returns its new epoch (always higher).

        From now on `advance` with any earlier epoch is refused.
        """
        ...

    async def advance(
        self, name: str, owner: str, epoch: int, now: datetime
    ) -> ModelRuntimeTick | None:
        """The next tick of clock `name`, or None if a later claim has taken `epoch`'s place.

        Its sequence is one more than the last issued; its time is `now` or the last issued
        time, whichever is later.
        """
        ...
