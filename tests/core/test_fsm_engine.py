"""The FSM engine folds events into states; events it cannot take are typed rejections."""

from uuid import UUID, uuid4

import pytest
import yaml
from omnibase_core.fsm import (
    EnumFsmRejection,
    FsmEngine,
    ModelFsmDefinition,
    ModelFsmEvent,
    ModelFsmIntent,
    ModelFsmState,
)
from pydantic import BaseModel

REGISTRATION = """
states: [pending, accepted, active, expired, deregistered]
initial: pending
terminal: [deregistered]
transitions:
  - from: [pending, expired]
    trigger: introspected
    to: accepted
    update: {node_id: event.payload.node_id, last_sequence: event.payload.sequence}
    intents:
      - intent_type: consul.register
        payload: {node_id: event.payload.node_id}
        constants: {reason: introspected}
  - {from: accepted, trigger: acked, to: active}
  - from: active
    trigger: heartbeat
    to: active
    guards: [{field: event.payload.sequence, op: gt, value_from: state.data.last_sequence}]
    update: {last_sequence: event.payload.sequence}
  - from: active
    trigger: health_changed
    to: active
    guards: [{field: event.payload.health, op: ne, value_from: state.data.health}]
    update: {health: event.payload.health}
    intents:
      - intent_type: consul.update_health
        payload: {node_id: state.data.node_id, health: event.payload.health}
  - {from: active, trigger: expired, to: expired}
  - from: [accepted, active, expired]
    trigger: shutdown
    to: deregistered
    intents: [{intent_type: consul.deregister, payload: {node_id: state.data.node_id}}]
"""


@pytest.fixture(scope="module")
def engine() -> FsmEngine:
    return FsmEngine(ModelFsmDefinition.model_validate(yaml.safe_load(REGISTRATION)))


def event(trigger: str, **payload: object) -> ModelFsmEvent:
    return ModelFsmEvent(trigger=trigger, payload=payload)


def test_starts_in_the_initial_state(engine: FsmEngine) -> None:
    assert engine.initial_state() == ModelFsmState(name="pending")


def test_transition_moves_state_updates_data_and_emits_filled_intents(engine: FsmEngine) -> None:
    node_id = uuid4()
    step = engine.apply(engine.initial_state(), event("introspected", node_id=node_id, sequence=3))
    assert step.accepted
    assert step.new_state == ModelFsmState(
        name="accepted", data={"node_id": node_id, "last_sequence": 3}
    )
    assert step.intents == (
        ModelFsmIntent(
            intent_type="consul.register", payload={"reason": "introspected", "node_id": node_id}
        ),
    )
    assert step.transition is engine.definition.transitions[0]


def test_intent_payload_reads_the_state_before_the_transition(engine: FsmEngine) -> None:
    state = ModelFsmState(name="active", data={"node_id": "n1", "health": "healthy"})
    step = engine.apply(state, event("health_changed", health="degraded"))
    assert step.new_state.data == {"node_id": "n1", "health": "degraded"}
    assert step.intents[0].payload == {"node_id": "n1", "health": "degraded"}


def test_unknown_trigger_is_a_rejection_that_keeps_the_state(engine: FsmEngine) -> None:
    state = ModelFsmState(name="pending")
    step = engine.apply(state, event("heartbeat", sequence=1))
    assert step.rejection is EnumFsmRejection.UNKNOWN_TRIGGER
    assert not step.accepted
    assert step.new_state is state
    assert step.intents == ()
    assert step.reason == "unknown_trigger: trigger 'heartbeat' in state 'pending'"


def test_stale_heartbeat_fails_its_guard_and_changes_nothing(engine: FsmEngine) -> None:
    state = ModelFsmState(name="active", data={"last_sequence": 7})
    for sequence in (7, 5):
        step = engine.apply(state, event("heartbeat", sequence=sequence))
        assert step.rejection is EnumFsmRejection.GUARD_FAILED
        assert step.new_state is state
    assert engine.apply(state, event("heartbeat", sequence=8)).new_state.data == {
        "last_sequence": 8
    }


def test_event_in_terminal_state_is_rejected(engine: FsmEngine) -> None:
    step = engine.apply(ModelFsmState(name="deregistered"), event("introspected", node_id="x"))
    assert step.rejection is EnumFsmRejection.TERMINAL_STATE
    assert engine.is_terminal(step.new_state)


def test_undeclared_state_is_rejected_not_raised(engine: FsmEngine) -> None:
    step = engine.apply(ModelFsmState(name="corrupt"), event("acked"))
    assert step.rejection is EnumFsmRejection.UNKNOWN_STATE


@pytest.mark.parametrize(
    "payload",
    [{}, {"sequence": None}, {"sequence": "nine"}, {"sequence": [1]}],
    ids=["missing", "null", "wrong-type", "list"],
)
def test_guard_on_missing_or_mistyped_field_is_false_not_an_exception(
    engine: FsmEngine, payload: dict[str, object]
) -> None:
    state = ModelFsmState(name="active", data={"last_sequence": 1})
    step = engine.apply(state, ModelFsmEvent(trigger="heartbeat", payload=payload))
    assert step.rejection is EnumFsmRejection.GUARD_FAILED


def test_payload_paths_read_attributes_of_pydantic_messages(engine: FsmEngine) -> None:
    class Introspection(BaseModel):
        node_id: UUID
        sequence: int

    message = Introspection(node_id=uuid4(), sequence=1)
    step = engine.apply(
        engine.initial_state(), ModelFsmEvent(trigger="introspected", payload=message)
    )
    assert step.new_state.data["node_id"] == message.node_id


def test_missing_intent_field_becomes_none(engine: FsmEngine) -> None:
    step = engine.apply(ModelFsmState(name="active"), event("shutdown"))
    assert step.intents[0].payload == {"node_id": None}


def test_fold_runs_a_lifecycle_to_its_terminal_state(engine: FsmEngine) -> None:
    events = [
        event("introspected", node_id="n", sequence=0),
        event("acked"),
        event("heartbeat", sequence=1),
        event("heartbeat", sequence=1),
        event("expired"),
        event("introspected", node_id="n", sequence=4),
        event("shutdown"),
        event("acked"),
    ]
    final = engine.fold(events)
    assert final.name == "deregistered"
    assert final.data == {"node_id": "n", "last_sequence": 4}


def test_first_transition_whose_guards_hold_fires() -> None:
    fsm = ModelFsmDefinition.model_validate(
        yaml.safe_load("""
states: [idle, hot, cold]
initial: idle
transitions:
  - {from: idle, trigger: t, to: hot, guards: [{field: event.payload.c, op: ge, value: 30}]}
  - {from: idle, trigger: t, to: cold, guards: [{field: event.payload.c, op: lt, value: 30}]}
""")
    )
    engine = FsmEngine(fsm)
    assert engine.apply(engine.initial_state(), event("t", c=31)).new_state.name == "hot"
    assert engine.apply(engine.initial_state(), event("t", c=3)).new_state.name == "cold"


@pytest.mark.parametrize(
    ("op", "value", "payload_value", "holds"),
    [
        ("eq", "a", "a", True),
        ("ne", "a", "a", False),
        ("le", 2, 2, True),
        ("ge", 2, 1, False),
        ("in", ["a", "b"], "b", True),
        ("not_in", ["a", "b"], "b", False),
        ("is_null", None, None, True),
        ("not_null", None, None, False),
    ],
)
def test_guard_operators(op: str, value: object, payload_value: object, holds: bool) -> None:
    guard: dict[str, object] = {"field": "event.payload.v", "op": op}
    if op not in ("is_null", "not_null"):
        guard["value"] = value
    fsm = ModelFsmDefinition.model_validate(
        {
            "states": ["a", "b"],
            "initial": "a",
            "transitions": [{"from": "a", "trigger": "t", "to": "b", "guards": [guard]}],
        }
    )
    step = FsmEngine(fsm).apply(ModelFsmState(name="a"), event("t", v=payload_value))
    assert step.accepted is holds
