from pydantic import BaseModel, ConfigDict


class ModelKafkaSettings(BaseModel):
    """Where the Kafka broker listens and which Apache Kafka release runs locally."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 9092
    controller_port: int = 9093
    version: str = "4.1.1"
    scala_version: str = "2.13"

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"
