from pydantic import BaseModel, ConfigDict


class ModelServerProcess(BaseModel):
    """What a pid file under `.onex/run/` records about one running local server."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pid: int
    # psutil's creation time: tells our server apart from a later process given the same pid.
    create_time: float
    # What it was started with, to notice settings that changed while it ran.
    command: tuple[str, ...] = ()
    ports: dict[str, int] = {}
    # True once `after_ready` has seeded this run of the server.
    seeded: bool = False
