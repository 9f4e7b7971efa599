"""Load-time checks of `workflow:` sections: unknown dependencies and cycles are named."""

import pytest
import yaml
from omnibase_core.errors import ContractFieldError
from omnibase_core.workflow import ModelStepRetry, ModelWorkflowDefinition
from pydantic import ValidationError


def field_error(text: str) -> ContractFieldError:
    with pytest.raises(ValidationError) as caught:
        ModelWorkflowDefinition.model_validate(yaml.safe_load(text))
    error = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(error, ContractFieldError)
    return error


def test_valid_workflow_loads_with_defaults() -> None:
    workflow = ModelWorkflowDefinition.model_validate(
        yaml.safe_load("""
steps:
  - {name: register, action: consul_register, retries: {max_attempts: 3}}
  - {name: confirm, action: publish_confirmation, depends_on: [register], on_failure: continue}
""")
    )
    register, confirm = workflow.steps
    assert register.retries.max_attempts == 3
    assert register.timeout_seconds == 30.0
    assert register.on_failure == "abort"
    assert confirm.depends_on == ("register",)


def test_unknown_dependency_names_the_step_and_position() -> None:
    error = field_error("""
steps:
  - {name: a, action: x}
  - {name: b, action: x, depends_on: [a, c]}
""")
    assert error.loc == ("steps", 1, "depends_on", 1)
    assert "unknown step 'c'; steps: a, b" in str(error)


def test_cycle_is_named_in_the_error() -> None:
    error = field_error("""
steps:
  - {name: start, action: x}
  - {name: a, action: x, depends_on: [start, c]}
  - {name: b, action: x, depends_on: [a]}
  - {name: c, action: x, depends_on: [b]}
""")
    assert "dependency cycle: a -> c -> b -> a" in str(error)
    assert error.loc == ("steps", 1, "depends_on")


def test_self_dependency_is_rejected() -> None:
    error = field_error("steps: [{name: a, action: x, depends_on: [a]}]")
    assert "cannot depend on itself" in str(error)


def test_duplicate_step_name_is_rejected() -> None:
    error = field_error("steps: [{name: a, action: x}, {name: a, action: y}]")
    assert error.loc == ("steps", 1, "name")


@pytest.mark.parametrize(
    "step",
    [
        "{name: a, action: x, retry: {max_attempts: 2}}",
        "{name: a, action: x, timeout_seconds: 0}",
        "{name: a, action: x, on_failure: ignore}",
        "{name: 'a b', action: x}",
        "{name: a, action: x, retries: {max_attempts: 0}}",
        "{name: a, action: x, retries: {backoff_seconds: 5, max_backoff_seconds: 1}}",
    ],
    ids=["typo", "zero-timeout", "bad-strategy", "bad-name", "no-attempts", "cap-below-base"],
)
def test_invalid_step_is_rejected(step: str) -> None:
    with pytest.raises(ValidationError):
        ModelWorkflowDefinition.model_validate(yaml.safe_load(f"steps: [{step}]"))


def test_backoff_grows_exponentially_and_is_capped() -> None:
    retry = ModelStepRetry(max_attempts=6, backoff_seconds=0.5, multiplier=2, max_backoff_seconds=3)
    assert [retry.delay_before(attempt) for attempt in range(2, 7)] == [0.5, 1.0, 2.0, 3.0, 3.0]
