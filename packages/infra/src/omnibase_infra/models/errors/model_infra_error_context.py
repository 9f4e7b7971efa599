from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.observability import sanitize_mapping


class ModelInfraErrorContext(BaseModel):
    """Where an infrastructure error happened: transport, operation, target and correlation id.

    Extra keyword fields are accepted (`port=5432`, `topic="..."`); every value is scrubbed of
    secrets when the context is built, so a context is always safe to log.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    transport_type: EnumInfraTransportType | None = None
    operation: str | None = None
    correlation_id: UUID = Field(default_factory=uuid4)
    target_name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _scrub_secrets(cls, data: object) -> object:
        if isinstance(data, dict):
            return sanitize_mapping(data)
        return data

    @field_validator("correlation_id", mode="before")
    @classmethod
    def _new_id_when_missing(cls, value: object) -> object:
        return uuid4() if value is None else value

    def to_fields(self) -> dict[str, object]:
        """The set fields as JSON-ready values (what errors carry as their `context`)."""
        return self.model_dump(mode="json", exclude_none=True)
