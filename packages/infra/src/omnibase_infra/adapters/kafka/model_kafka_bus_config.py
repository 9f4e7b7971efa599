from typing import Literal

from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelKafkaBusConfig(BaseModel):
    """How the Kafka event bus connects, batches, retries handlers and dead-letters messages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "onex"
    # acks=all always; the idempotent producer needs broker support (Apache Kafka has it).
    enable_idempotence: bool = True
    request_timeout_ms: int = Field(default=30_000, ge=1_000)
    publish_timeout_seconds: float = Field(default=30.0, gt=0)
    # Consumed payloads above this size are dead-lettered (and a DLQ record keeps only the
    # first `dead_letter_sample_bytes` of them); published ones are refused.
    max_message_bytes: int = Field(default=1_048_576, ge=1_024)
    dead_letter_sample_bytes: int = Field(default=65_536, ge=0)
    # Consumer group timings (tests shorten them, see NOTES.md) and batching.
    session_timeout_ms: int = Field(default=10_000, ge=100)
    heartbeat_interval_ms: int = Field(default=3_000, ge=10)
    fetch_max_wait_ms: int = Field(default=100, ge=0)
    # The broker answers a fetch once this much arrived (or fetch_max_wait_ms passed).
    fetch_min_bytes: int = Field(default=1, ge=1)
    max_batch_records: int = Field(default=500, ge=1)
    batch_timeout_ms: int = Field(default=100, ge=1)
    auto_offset_reset: Literal["earliest", "latest"] = "earliest"
    # Consumed topics that do not exist yet are created with these settings.
    topic_partitions: int = Field(default=3, ge=1)
    topic_replication_factor: int = Field(default=1, ge=1)
    # A failing handler: tried this often (with backoff), then dead-lettered.
    handler_retry: ModelRetryPolicy = ModelRetryPolicy(
        max_attempts=3, backoff_seconds=0.2, max_backoff_seconds=5.0
    )
    # While a dependency is down (or the DLQ write fails) a partition is paused, not committed,
    # and tried again after a backoff growing from the first to the second value.
    hold_backoff_seconds: tuple[float, float] = (0.5, 30.0)
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy(
        threshold=5, reset_timeout_seconds=10.0
    )
    # On stop, in-flight batches get this long to finish and commit.
    graceful_timeout_seconds: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _timings(self) -> "ModelKafkaBusConfig":
        if self.heartbeat_interval_ms >= self.session_timeout_ms:
            raise ValueError("heartbeat_interval_ms must be below session_timeout_ms")
        low, high = self.hold_backoff_seconds
        if not 0 < low <= high:
            raise ValueError("hold_backoff_seconds must be (first > 0, max >= first)")
        return self

    @property
    def target_name(self) -> str:
        """`kafka host:port`: how errors, logs and metrics name the cluster."""
        return f"kafka {self.bootstrap_servers}"
