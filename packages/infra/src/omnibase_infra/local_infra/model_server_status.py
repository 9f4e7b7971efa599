from pathlib import Path

from pydantic import BaseModel, ConfigDict

from omnibase_infra.local_infra.enum_server_state import EnumServerState


class ModelServerStatus(BaseModel):
    """One row of the local stack's status table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str
    port: int
    pid: int | None
    state: EnumServerState
    log_path: Path

    @property
    def ready(self) -> bool:
        return self.state is EnumServerState.READY
