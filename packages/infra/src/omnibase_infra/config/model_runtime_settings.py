from pydantic import BaseModel, ConfigDict, Field


class ModelRuntimeSettings(BaseModel):
    """How a node's runtime host serves HTTP, batches messages and shuts down."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # `/health`, `/ready` and `/metrics`; port 0 picks a free port (it is logged at start).
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8085, ge=0, le=65535)
    # On SIGTERM, in-flight messages get this long to finish and be committed.
    graceful_timeout_seconds: float = Field(default=30.0, gt=0)
    # At most this many records are handled (and committed) together.
    max_batch_records: int = Field(default=500, ge=1)
    log_level: str = "INFO"
    # A node served over HTTP registers itself (MixinNodeIntrospection) and heartbeats this
    # often; the registry's liveness timeout should cover a few missed beats.
    introspection: bool = True
    heartbeat_interval_seconds: float = Field(default=30.0, ge=0.001)
