from pydantic import BaseModel, ConfigDict


class ModelKafkaSettings(BaseModel):
    """Where the Kafka broker listens and which Apache Kafka release runs locally."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 9092
    controller_port: int = 9093
    version: str = "4.1.1"
    scala_version: str = "2.13"
    # Client side (the event bus). Tests shorten the group timings (NOTES.md).
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000
    fetch_max_wait_ms: int = 100
    # Larger payloads are dead-lettered, never handled; the broker's own limit is about 1 MiB.
    max_message_bytes: int = 1_048_576
    # Idempotent producer (acks=all); turn off only for brokers without it (e.g. Tansu).
    enable_idempotence: bool = True

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"
