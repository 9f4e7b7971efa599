from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from omnibase_core.enums import EnumMessageCategory

T = TypeVar("T")
P = TypeVar("P")

_SEMVER = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class ModelEventEnvelope(BaseModel, Generic[T]):
    """The one wrapper around every ONEX message on the wire (events, commands and intents).

    `entity_id` is the Kafka key: every message about one entity stays in one partition.
    Build children with `child()` so correlation and causation follow the message chain.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_id: UUID = Field(default_factory=uuid4)
    message_type: str = Field(min_length=1)
    schema_version: str = Field(default="1.0.0", pattern=_SEMVER)
    category: EnumMessageCategory
    correlation_id: UUID = Field(default_factory=uuid4)
    causation_id: UUID | None = None
    entity_id: str = Field(min_length=1)
    emitted_at: UtcDatetime
    producer: str = Field(min_length=1)
    payload: T

    @classmethod
    def create(
        cls,
        payload: P,
        *,
        entity_id: str,
        producer: str,
        emitted_at: datetime,
        category: EnumMessageCategory = EnumMessageCategory.EVENT,
        correlation_id: UUID | None = None,
        message_type: str | None = None,
        schema_version: str = "1.0.0",
    ) -> "ModelEventEnvelope[P]":
        """Start a new message chain (a fresh correlation id unless one is given)."""
        return ModelEventEnvelope(
            message_type=message_type or type(payload).__name__,
            schema_version=schema_version,
            category=category,
            correlation_id=correlation_id or uuid4(),
            entity_id=entity_id,
            emitted_at=emitted_at,
            producer=producer,
            payload=payload,
        )

    def child(
        self,
        payload: P,
        *,
        producer: str,
        emitted_at: datetime,
        category: EnumMessageCategory = EnumMessageCategory.EVENT,
        entity_id: str | None = None,
        message_type: str | None = None,
        schema_version: str = "1.0.0",
    ) -> "ModelEventEnvelope[P]":
        """A message caused by this one: same correlation id, causation id = this message id."""
        return ModelEventEnvelope(
            message_type=message_type or type(payload).__name__,
            schema_version=schema_version,
            category=category,
            correlation_id=self.correlation_id,
            causation_id=self.message_id,
            entity_id=entity_id or self.entity_id,
            emitted_at=emitted_at,
            producer=producer,
            payload=payload,
        )
