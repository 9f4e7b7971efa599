from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class ModelClaimedTimeout(BaseModel):
    """A timeout this caller claimed (and so must emit): the node, its deadline, the judge time.

    `judged_at` is what the deadline was compared with: the tick time for ack timeouts, the
    heartbeat watermark for liveness expiries.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: UUID
    deadline: datetime
    judged_at: datetime
