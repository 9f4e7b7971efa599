"""What the bus needs from aiokafka's records and consumers (aiokafka ships no type hints)."""

from collections.abc import Mapping, Sequence
from typing import Protocol

from aiokafka import TopicPartition  # type: ignore[import-untyped]


class Record(Protocol):
    """One fetched Kafka record."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]]: ...


class Consumer(Protocol):
    """The consumer operations used for commits, rewinds and pauses."""

    async def commit(self, offsets: Mapping[TopicPartition, int]) -> None: ...
    def seek(self, partition: TopicPartition, offset: int) -> None: ...
    def pause(self, *partitions: TopicPartition) -> None: ...
    def resume(self, *partitions: TopicPartition) -> None: ...
    def assignment(self) -> set[TopicPartition]: ...


def topic_partition(record: Record) -> TopicPartition:
    """The partition `record` came from."""
    return TopicPartition(record.topic, record.partition)
