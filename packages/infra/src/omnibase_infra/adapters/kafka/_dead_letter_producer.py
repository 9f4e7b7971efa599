"""Writes dead letters with their original bytes (FastStream's publish only takes text headers)."""

import asyncio

from aiokafka import AIOKafkaProducer  # type: ignore[import-untyped]

from omnibase_infra.adapters.kafka._dead_letter import DeadLetter
from omnibase_infra.adapters.kafka.model_kafka_bus_config import ModelKafkaBusConfig

_HEADROOM = 65_536


class DeadLetterProducer:
    """An aiokafka producer for `<topic>.dlq`, connected on the first dead letter only."""

    def __init__(self, config: ModelKafkaBusConfig) -> None:
        self._config = config
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def send(self, topic: str, letter: DeadLetter) -> None:
        """Write `letter` to `topic` and return once the broker has it (acks=all)."""
        producer = await self._started()
        await producer.send_and_wait(topic, letter.value, key=letter.key, headers=letter.headers)

    async def aclose(self) -> None:
        """Flush and close the producer, if it was ever connected."""
        async with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def _started(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                config = self._config
                producer = AIOKafkaProducer(
                    bootstrap_servers=config.bootstrap_servers,
                    client_id=f"{config.client_id}-dlq",
                    acks="all",
                    enable_idempotence=config.enable_idempotence,
                    # A dead letter is at most one consumed value plus the dlq_* headers.
                    max_request_size=max(config.max_message_bytes, 1_048_576) + _HEADROOM,
                    request_timeout_ms=config.request_timeout_ms,
                )
                try:
                    await producer.start()
                except BaseException:
                    await producer.stop()
                    raise
                self._producer = producer
            return self._producer
