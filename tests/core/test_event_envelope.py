"""ModelEventEnvelope: frozen, UTC-only, lossless JSON, correlation rules; ModelIntent."""

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.models.events.model_event_envelope import (
    ModelEventEnvelope as ModelEventEnvelopeByPath,
)
from pydantic import BaseModel, ConfigDict, ValidationError


class ModelSamplePayload(BaseModel):
    model_config = ConfigDict(frozen=True)

    node_id: str
    count: int
    ratio: float
    tags: list[str]
    seen_at: datetime
    parent: UUID | None
    meta: dict[str, int]


NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

aware_datetimes = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone.min]),
)
payloads = st.builds(
    ModelSamplePayload,
    node_id=st.text(min_size=1),
    count=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    ratio=st.floats(allow_nan=False, allow_infinity=False),
    tags=st.lists(st.text()),
    seen_at=aware_datetimes,
    parent=st.none() | st.uuids(),
    meta=st.dictionaries(st.text(), st.integers(min_value=-(2**53), max_value=2**53)),
)
envelopes = st.builds(
    ModelEventEnvelope[ModelSamplePayload],
    message_id=st.uuids(),
    message_type=st.text(min_size=1),
    schema_version=st.from_regex(r"\A(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9])\Z"),
    category=st.sampled_from(EnumMessageCategory),
    correlation_id=st.uuids(),
    causation_id=st.none() | st.uuids(),
    entity_id=st.text(min_size=1),
    emitted_at=aware_datetimes,
    producer=st.text(min_size=1),
    payload=payloads,
)


@given(envelopes)
def test_json_round_trip_is_lossless(envelope: ModelEventEnvelope[ModelSamplePayload]) -> None:
    text = envelope.model_dump_json()
    back = ModelEventEnvelope[ModelSamplePayload].model_validate_json(text)
    assert back == envelope
    assert back.model_dump_json() == text


def test_public_import_path_is_the_module_path() -> None:
    assert ModelEventEnvelope is ModelEventEnvelopeByPath


def test_naive_emitted_at_is_rejected() -> None:
    with pytest.raises(ValidationError, match="Input should have timezone info"):
        ModelEventEnvelope[dict[str, int]](
            message_type="x",
            category=EnumMessageCategory.EVENT,
            entity_id="node-1",
            emitted_at=datetime(2026, 1, 1),
            producer="test",
            payload={},
        )


def test_emitted_at_is_normalised_to_utc() -> None:
    plus_two = datetime(2026, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    envelope = ModelEventEnvelope.create({}, entity_id="n", producer="p", emitted_at=plus_two)
    assert envelope.emitted_at.tzinfo is UTC
    assert envelope.emitted_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_envelope_is_frozen() -> None:
    envelope = ModelEventEnvelope.create({}, entity_id="n", producer="p", emitted_at=NOW)
    with pytest.raises(ValidationError, match="frozen"):
        envelope.entity_id = "other"  # type: ignore[misc]


def test_unknown_envelope_fields_are_rejected() -> None:
    envelope = ModelEventEnvelope.create({}, entity_id="n", producer="p", emitted_at=NOW)
    data = {**envelope.model_dump(mode="json"), "extra": 1}
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ModelEventEnvelope[object].model_validate(data)


def test_schema_version_must_be_semver() -> None:
    with pytest.raises(ValidationError, match="schema_version"):
        ModelEventEnvelope.create(
            {}, entity_id="n", producer="p", emitted_at=NOW, schema_version="1.0"
        )


def test_create_starts_a_chain_and_names_the_payload_type() -> None:
    payload = ModelIntent(intent_type="a.b", target="a", entity_id="n", correlation_id=uuid4())
    envelope = ModelEventEnvelope.create(payload, entity_id="n", producer="p", emitted_at=NOW)
    assert envelope.message_type == "ModelIntent"
    assert envelope.causation_id is None
    assert isinstance(envelope.correlation_id, UUID)
    given_id = uuid4()
    again = ModelEventEnvelope.create(
        payload, entity_id="n", producer="p", emitted_at=NOW, correlation_id=given_id
    )
    assert again.correlation_id == given_id


def test_child_propagates_correlation_and_sets_causation() -> None:
    parent = ModelEventEnvelope.create({"a": 1}, entity_id="node-1", producer="p", emitted_at=NOW)
    child = parent.child(
        {"b": 2}, producer="q", emitted_at=NOW, category=EnumMessageCategory.COMMAND
    )
    assert child.correlation_id == parent.correlation_id
    assert child.causation_id == parent.message_id
    assert child.message_id != parent.message_id
    assert child.entity_id == "node-1"
    assert child.category is EnumMessageCategory.COMMAND
    other = parent.child({"b": 2}, producer="q", emitted_at=NOW, entity_id="node-2")
    assert other.entity_id == "node-2"


def test_intent_has_one_shape() -> None:
    correlation = uuid4()
    intent = ModelIntent(
        intent_type="consul.register",
        target="consul",
        entity_id="node-1",
        payload={"service_id": "node-1"},
        correlation_id=correlation,
    )
    assert ModelIntent.model_validate_json(intent.model_dump_json()) == intent
    with pytest.raises(ValidationError, match="Extra inputs"):
        ModelIntent.model_validate({**intent.model_dump(), "priority": 1})
