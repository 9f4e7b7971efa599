"""The benchmark's message payload (a heartbeat-sized message)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ModelBenchHeartbeat(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: str
    sequence: int
    health: str
    observed_at: datetime
    tags: tuple[str, ...]
