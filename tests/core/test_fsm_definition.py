"""Load-time checks of `fsm:` sections: every mistake is a clear error at its field."""

from pathlib import Path

import pytest
import yaml
from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.fsm import ModelFsmDefinition, ModelFsmGuard
from omnibase_core.workflow import ModelWorkflowDefinition
from pydantic import ValidationError

BASE = """
states: [pending, active, gone]
initial: pending
terminal: [gone]
transitions:
  - {from: pending, trigger: accept, to: active}
  - {from: [pending, active], trigger: stop, to: gone}
"""


def load(text: str) -> ModelFsmDefinition:
    return ModelFsmDefinition.model_validate(yaml.safe_load(text))


def field_error(text: str) -> ContractFieldError:
    with pytest.raises(ValidationError) as caught:
        load(text)
    error = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(error, ContractFieldError)
    return error


def test_valid_definition_loads_with_from_as_string_or_list() -> None:
    fsm = load(BASE)
    assert fsm.transitions[0].from_states == ("pending",)
    assert fsm.transitions[1].from_states == ("pending", "active")


def test_transition_to_unknown_state_names_the_field_and_the_declared_states() -> None:
    error = field_error(BASE.replace("to: active}", "to: actve}"))
    assert error.loc == ("transitions", 0, "to")
    assert "unknown state 'actve'" in str(error)
    assert "pending, active, gone" in str(error)


def test_transition_from_unknown_state_is_rejected() -> None:
    error = field_error(BASE.replace("[pending, active]", "[pending, actve]"))
    assert error.loc == ("transitions", 1, "from")


def test_unknown_initial_and_terminal_states_are_rejected() -> None:
    assert field_error(BASE.replace("initial: pending", "initial: nope")).loc == ("initial",)
    assert field_error(BASE.replace("terminal: [gone]", "terminal: [nope]")).loc == ("terminal", 0)


def test_unreachable_state_is_named() -> None:
    error = field_error(BASE.replace("[pending, active, gone]", "[pending, active, lost, gone]"))
    assert error.loc == ("states", 2)
    assert "unreachable from initial state 'pending': lost" in str(error)


def test_terminal_state_cannot_have_outgoing_transitions() -> None:
    error = field_error(BASE + "  - {from: gone, trigger: revive, to: active}\n")
    assert error.loc == ("transitions", 2, "from")
    assert "terminal" in str(error)


def test_duplicate_state_is_rejected() -> None:
    with pytest.raises(ValidationError, match="state 'active' is declared twice"):
        load(BASE.replace("[pending, active, gone]", "[pending, active, active, gone]"))


def test_unknown_key_is_an_error_not_silently_dropped() -> None:
    with pytest.raises(ValidationError, match="trigerr"):
        load(BASE.replace("trigger: accept", "trigerr: accept, trigger: accept"))


def test_two_unguarded_transitions_on_same_state_and_trigger_conflict() -> None:
    error = field_error(BASE + "  - {from: pending, trigger: accept, to: gone}\n")
    assert error.loc == ("transitions", 2)
    assert "can fire together with transitions.0 on trigger 'accept' from state 'pending'" in str(
        error
    )


def test_guard_on_only_one_of_two_transitions_still_conflicts() -> None:
    extra = (
        "  - {from: pending, trigger: accept, to: gone,"
        " guards: [{field: event.payload.x, op: eq, value: 1}]}\n"
    )
    assert field_error(BASE + extra).loc == ("transitions", 2)


def test_conflict_through_a_shared_from_list_is_found() -> None:
    error = field_error(BASE + "  - {from: active, trigger: stop, to: pending}\n")
    assert "from state 'active'" in str(error)


def two_guarded(first: str, second: str) -> str:
    return f"""
states: [a, b, c]
initial: a
transitions:
  - {{from: a, trigger: go, to: b, guards: [{first}]}}
  - {{from: a, trigger: go, to: c, guards: [{second}]}}
"""


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "{field: event.payload.h, op: eq, value: ok}",
            "{field: event.payload.h, op: ne, value: ok}",
        ),
        (
            "{field: event.payload.h, op: eq, value: ok}",
            "{field: event.payload.h, op: eq, value: bad}",
        ),
        (
            "{field: event.payload.n, op: lt, value: 3}",
            "{field: event.payload.n, op: ge, value: 3}",
        ),
        (
            "{field: event.payload.n, op: le, value: 3}",
            "{field: event.payload.n, op: gt, value: 3}",
        ),
        ("{field: state.data.x, op: is_null}", "{field: state.data.x, op: not_null}"),
        (
            "{field: event.payload.h, op: in, value: [a, b]}",
            "{field: event.payload.h, op: not_in, value: [a, b]}",
        ),
        (
            "{field: event.payload.h, op: in, value: [a, b]}",
            "{field: event.payload.h, op: in, value: [c]}",
        ),
        (
            "{field: event.payload.h, op: eq, value: c}",
            "{field: event.payload.h, op: in, value: [a, b]}",
        ),
        (
            "{field: event.payload.n, op: gt, value_from: state.data.n}",
            "{field: event.payload.n, op: le, value_from: state.data.n}",
        ),
    ],
)
def test_transitions_with_contradicting_guards_on_one_field_may_share_a_trigger(
    first: str, second: str
) -> None:
    assert len(load(two_guarded(first, second)).transitions) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "{field: event.payload.h, op: eq, value: ok}",
            "{field: event.payload.g, op: ne, value: ok}",
        ),
        (
            "{field: event.payload.n, op: lt, value: 3}",
            "{field: event.payload.n, op: ge, value: 2}",
        ),
        (
            "{field: event.payload.h, op: in, value: [a, b]}",
            "{field: event.payload.h, op: in, value: [b]}",
        ),
        (
            "{field: event.payload.n, op: gt, value_from: state.data.n}",
            "{field: event.payload.n, op: le, value_from: state.data.m}",
        ),
    ],
)
def test_guards_that_can_both_hold_are_a_conflict(first: str, second: str) -> None:
    assert field_error(two_guarded(first, second)).loc == ("transitions", 1)


@pytest.mark.parametrize(
    ("guard", "loc", "text"),
    [
        ({"field": "payload.x", "op": "eq", "value": 1}, ("field",), "must start with"),
        ({"field": "event.body.x", "op": "eq", "value": 1}, ("field",), "event.payload"),
        ({"field": "state.x", "op": "eq", "value": 1}, ("field",), "state.data"),
        ({"field": "event.payload.x", "op": "eq"}, ("value",), "needs a value"),
        ({"field": "event.payload.x", "op": "is_null", "value": 1}, ("op",), "takes no value"),
        ({"field": "event.payload.x", "op": "in", "value": 1}, ("value",), "list"),
        (
            {"field": "event.payload.x", "op": "eq", "value": 1, "value_from": "state.data.x"},
            ("value_from",),
            "not both",
        ),
    ],
)
def test_bad_guard_is_rejected_at_its_field(
    guard: dict[str, object], loc: tuple[str, ...], text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        ModelFsmGuard.model_validate(guard)
    error = caught.value.errors()[0]["ctx"]["error"]
    assert error.loc == loc
    assert text in str(error)


def test_bad_intent_and_update_paths_are_rejected_at_their_key() -> None:
    intent = "intents: [{intent_type: x, payload: {node: evnt.payload.id}}]"
    error = field_error(BASE.replace("to: active}", f"to: active, {intent}}}"))
    assert error.loc == ("payload", "node")
    error = field_error(BASE.replace("to: active}", "to: active, update: {seen: event.nope}}"))
    assert error.loc == ("update", "seen")


def test_definition_is_frozen() -> None:
    fsm = load(BASE)
    with pytest.raises(ValidationError):
        fsm.initial = "active"  # type: ignore[misc]


def test_the_readme_example_of_fsm_and_workflow_sections_is_valid() -> None:
    readme = Path(__file__).resolve().parents[2] / "packages" / "core" / "README.md"
    block = readme.read_text().split("```yaml\n", 1)[1].split("```", 1)[0]
    sections = yaml.safe_load(block)
    assert len(ModelFsmDefinition.model_validate(sections["fsm"]).transitions) == 3
    assert len(ModelWorkflowDefinition.model_validate(sections["workflow"]).steps) == 2
