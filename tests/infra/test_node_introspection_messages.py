"""The node-side registration messages refuse what a registry must never store or publish."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumNodeKind
from omnibase_core.messaging import REGISTRATION_TOPICS, ModelTopic
from omnibase_core.models.generated import (
    EnumNodeType,
    ModelNodeIntrospectionEvent,
    ModelRegistryRequestIntrospection,
)
from pydantic import ValidationError

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def event(**overrides: object) -> ModelNodeIntrospectionEvent:
    fields: dict[str, object] = {
        "node_id": str(uuid4()),
        "node_name": "registry-effect",
        "node_type": "EFFECT",
        "node_version": "1.2.3",
        "contract_fingerprint": "1.2.3:0123456789ab",
        "capabilities": ["execute_operation"],
        "endpoints": {"health": "http://127.0.0.1:8085/health"},
        "metadata": {"team": "platform"},
        "reason": "startup",
        "emitted_at": NOW.isoformat(),
        **overrides,
    }
    return ModelNodeIntrospectionEvent.model_validate(fields)


def test_a_well_formed_introspection_event_round_trips_through_json() -> None:
    sent = event()
    assert ModelNodeIntrospectionEvent.model_validate_json(sent.model_dump_json()) == sent


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"node_name": "Registry_Effect"}, "node_name"),
        ({"node_name": "r" * 64}, "node_name"),
        ({"node_type": "effect"}, "node_type"),
        ({"node_version": "1.2"}, "node_version"),
        ({"contract_fingerprint": "1.2.3"}, "contract_fingerprint"),
        ({"capabilities": [f"run_{i}" for i in range(257)]}, "capabilities"),
        ({"capabilities": ["run job"]}, "capabilities"),
        ({"endpoints": {f"e{i}": "http://h/" for i in range(17)}}, "endpoints"),
        ({"endpoints": {"api": "http://user:pw@h/api"}}, "endpoints"),
        ({"endpoints": {"api": "http://h/api?token=x"}}, "endpoints"),
        ({"endpoints": {"API": "http://h/api"}}, "endpoints"),
        ({"metadata": {"note": "x" * 513}}, "metadata"),
        ({"metadata": {f"k{i}": "v" for i in range(33)}}, "metadata"),
        ({"metadata": {"Bad Key": "v"}}, "metadata"),
        ({"reason": "bored"}, "reason"),
        ({"emitted_at": "2026-11-01T00:00:00"}, "emitted_at"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_introspection_event_refuses(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        event(**overrides)
    assert {str(error["loc"][0]) for error in caught.value.errors()} == {field}


def test_node_type_values_are_the_contract_archetypes() -> None:
    assert [kind.value for kind in EnumNodeType] == [kind.value for kind in EnumNodeKind]


def test_registry_request_without_target_asks_every_node() -> None:
    request = ModelRegistryRequestIntrospection(requested_at=NOW)
    assert request.target_node_id is None
    assert (
        ModelRegistryRequestIntrospection.model_validate_json(request.model_dump_json()) == request
    )


def test_registration_topics_follow_the_services_readme() -> None:
    names = [str(topic.with_env("dev")) for topic in REGISTRATION_TOPICS]
    assert names == [
        "dev.onex.evt.node-introspection.v1",
        "dev.onex.evt.node-heartbeat.v1",
        "dev.onex.cmd.node-registration-ack.v1",
        "dev.onex.evt.node-shutdown.v1",
        "dev.onex.cmd.registry-request-introspection.v1",
        "dev.onex.evt.node-registration-decision.v1",
        "dev.onex.evt.runtime-tick.v1",
        "dev.onex.intent.consul-registration.v1",
        "dev.onex.evt.consul-registration-result.v1",
    ]
    assert all(ModelTopic.parse(name).env == "dev" for name in names)
