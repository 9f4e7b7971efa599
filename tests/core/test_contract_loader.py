"""load_contract: every problem at once, as `file:LINE: field: reason; hint`."""

from pathlib import Path

import pytest
from omnibase_core.contracts import ModelContract, check_contracts, load_contract
from omnibase_core.errors import ContractValidationError, ModelOnexError

SAMPLES = Path(__file__).parent / "fixtures" / "onex_core_samples"

COMPUTE = """\
name: sample-compute
node_type: COMPUTE
contract_version: {major: 1, minor: 0, patch: 0}
node_version: 1.0.0
consumes:
  - message: onex_core_samples.messages.ModelNodeIntrospectionEvent
    topic: onex.evt.node-introspection.v1
handler_routing:
  handlers:
    - event_model: ModelNodeIntrospectionEvent
      handler_class: onex_core_samples.payload_hasher_compute.handlers.HandlerDigest
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contract.yaml"
    path.write_text(text)
    return path


def problems(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(ContractValidationError) as caught:
        load_contract(path, **kwargs)  # type: ignore[arg-type]
    return [str(issue) for issue in caught.value.issues]


def test_valid_contract_loads(tmp_path: Path) -> None:
    contract = load_contract(write(tmp_path, COMPUTE))
    assert isinstance(contract, ModelContract)
    assert contract.name == "sample-compute"
    assert contract.consumes[0].category == "evt"


def test_misspelt_key_is_rejected_with_the_closest_valid_name(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("      handler_class:", "      handler_clas:"))
    assert problems(path) == [
        f"{path}:10: handler_routing.handlers.0.handler_class: required field is missing; "
        "add 'handler_class:'",
        f"{path}:11: handler_routing.handlers.0.handler_clas: unknown field; "
        "did you mean 'handler_class'?",
    ]


def test_misspelt_top_level_key_suggests_the_section(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE + "dependancies: []\n")
    assert problems(path) == [
        f"{path}:12: dependancies: unknown field; did you mean 'dependencies'?"
    ]


def test_wrong_type_names_the_field_and_the_expected_type(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("major: 1,", "major: one,"))
    assert problems(path) == [
        f"{path}:3: contract_version.major: "
        "input should be a valid integer, unable to parse string as an integer"
    ]


def test_unknown_node_type_lists_the_archetypes(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("node_type: COMPUTE", "node_type: COMPUTER"))
    assert problems(path) == [
        f"{path}:2: node_type: input should be 'EFFECT', 'COMPUTE', 'REDUCER' or 'ORCHESTRATOR'"
    ]


def test_missing_handler_class_is_a_load_error_with_a_hint(tmp_path: Path) -> None:
    text = COMPUTE.replace(
        "onex_core_samples.payload_hasher_compute.handlers.HandlerDigest", "HandlerMissing"
    )
    path = write(tmp_path, text)
    assert problems(path, package="onex_core_samples.payload_hasher_compute") == [
        f"{path}:11: handler_routing.handlers.0.handler_class: class HandlerMissing not found "
        "in onex_core_samples.payload_hasher_compute.handlers; define it there or give its "
        "dotted path (package.module.HandlerMissing)"
    ]


def test_missing_message_model_is_a_load_error(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("ModelNodeIntrospectionEvent", "ModelGone"))
    assert problems(path) == [
        f"{path}:6: consumes.0.message: class ModelGone not found in "
        "onex_core_samples.messages; define it there or give its dotted path "
        "(package.module.ModelGone)"
    ]


REDUCER = """\
name: sample-reducer
node_type: REDUCER
contract_version: {major: 1, minor: 0, patch: 0}
node_version: 1.0.0
consumes:
  - message: onex_core_samples.messages.ModelNodeHeartbeat
    topic: onex.evt.node-heartbeat.v1
fsm:
  states: [pending, active]
  initial: pending
  transitions:
    - from: pending
      trigger: ModelNodeHeartbeat
      to: active
"""

ORCHESTRATOR = """\
name: sample-orchestrator
node_type: ORCHESTRATOR
contract_version: {major: 1, minor: 0, patch: 0}
node_version: 1.0.0
workflow:
  steps:
    - name: register
      action: register
      depends_on: [confirm]
    - name: confirm
      action: confirm
      depends_on: [register]
"""


def test_fsm_transition_to_an_unknown_state_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, REDUCER.replace("to: active", "to: actve"))
    assert problems(path) == [
        f"{path}:14: fsm.transitions.0.to: unknown state 'actve'; declared: pending, active"
    ]


def test_fsm_trigger_must_be_a_consumed_message(tmp_path: Path) -> None:
    path = write(tmp_path, REDUCER.replace("trigger: ModelNodeHeartbeat", "trigger: Beat"))
    assert problems(path) == [
        f"{path}:6: consumes.0.message: no fsm transition is triggered by ModelNodeHeartbeat; "
        "add one or stop consuming it",
        f"{path}:13: fsm.transitions.0.trigger: trigger 'Beat' is not a consumed message "
        "(consumes: ModelNodeHeartbeat)",
    ]


def test_cyclic_workflow_is_rejected_naming_the_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, ORCHESTRATOR)
    assert problems(path) == [
        f"{path}:9: workflow.steps.0.depends_on: dependency cycle: register -> confirm -> register"
    ]


def test_every_problem_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    text = (
        COMPUTE.replace("node_version: 1.0.0", "node_version: one")
        .replace("major: 1,", "major: x,")
        .replace("  - message:", "  - mesage:")
    )
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:3: contract_version.major: "
        "input should be a valid integer, unable to parse string as an integer",
        f"{path}:4: node_version: string should match pattern "
        "'^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$'",
        f"{path}:6: consumes.0.message: required field is missing; add 'message:'",
        f"{path}:6: consumes.0.mesage: unknown field; did you mean 'message'?",
    ]


def test_error_message_lists_every_issue_and_counts_them(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("major: 1,", "major: x,") + "colour: red\n")
    with pytest.raises(ContractValidationError) as caught:
        load_contract(path)
    error = caught.value
    assert isinstance(error, ModelOnexError)
    assert error.code == "ONEX_CONTRACT_INVALID"
    assert error.message.splitlines() == [
        "2 problems in contract:",
        f"  {path}:3: contract_version.major: "
        "input should be a valid integer, unable to parse string as an integer",
        f"  {path}:12: colour: unknown field; allowed: name, node_type, contract_version, "
        "node_version, description, consumes, produces, handler_routing, dependencies, fsm, "
        "workflow, effects, resilience",
    ]


def test_yaml_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("node_version: 1.0.0", "node_version: [1.0.0"))
    (issue,) = problems(path)
    assert issue.startswith(f"{path}:5: (file): invalid YAML: ")


def test_duplicate_key_is_an_error_not_a_silent_override(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE + "node_version: 2.0.0\n")
    assert problems(path) == [
        f"{path}:12: node_version: key appears twice; the second would silently win"
    ]


def test_topic_must_follow_the_grammar_without_environment(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("onex.evt.", "dev.onex.evt."))
    assert problems(path) == [
        f"{path}:7: consumes.0.topic: write the topic without its environment "
        "('onex.evt.node-introspection.v1')"
    ]
    path = write(tmp_path, COMPUTE.replace("onex.evt.", "onex.event."))
    assert problems(path) == [
        f"{path}:7: consumes.0.topic: topic 'onex.event.node-introspection.v1' does not follow "
        "{env}.onex.{evt|cmd|intent}.{name}.v{N} (lower-case words joined by '-', "
        "version v1, v2, ...)"
    ]


def test_pure_archetypes_take_no_dependencies(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE + "dependencies: [onex_core_samples.protocols.X]\n")
    assert problems(path) == [
        f"{path}:12: dependencies: COMPUTE nodes perform no I/O and take no dependencies; "
        "move the I/O to an EFFECT node"
    ]


def test_sections_belong_to_their_archetype(tmp_path: Path) -> None:
    fsm = REDUCER.split("fsm:")[1]
    path = write(
        tmp_path,
        COMPUTE + "fsm:" + fsm.replace("ModelNodeHeartbeat", "ModelNodeIntrospectionEvent"),
    )
    assert problems(path) == [f"{path}:12: fsm: only REDUCER nodes declare fsm, not COMPUTE"]


def test_non_idempotent_operation_cannot_be_retried(tmp_path: Path) -> None:
    text = """\
name: sample-effect
node_type: EFFECT
contract_version: {major: 1, minor: 0, patch: 0}
node_version: 1.0.0
dependencies: [onex_core_samples.protocols.ProtocolServiceRegistry]
effects:
  - operation: consul.register
    adapter: ProtocolServiceRegistry
    idempotent: false
    retry: {max_attempts: 3}
"""
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:10: effects.0.retry.max_attempts: an operation that is not idempotent must "
        "not be retried; set max_attempts: 1, or idempotent: true if repeating it is safe"
    ]


def test_effect_adapter_must_be_a_declared_dependency(tmp_path: Path) -> None:
    text = """\
name: sample-effect
node_type: EFFECT
contract_version: {major: 1, minor: 0, patch: 0}
node_version: 1.0.0
effects:
  - operation: consul.register
    adapter: ProtocolServiceRegistry
    idempotent: true
"""
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:7: effects.0.adapter: ProtocolServiceRegistry is not in dependencies; "
        "list the protocol there"
    ]


def test_newer_contract_format_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, COMPUTE.replace("major: 1,", "major: 2,"))
    assert problems(path) == [
        f"{path}:3: contract_version.major: this ONEX reads contract format 1.x, not 2.0.0"
    ]


def test_contract_must_be_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- name: x\n")
    assert problems(path) == [
        f"{path}:1: (file): a contract is a YAML mapping; start with 'name:' and 'node_type:'"
    ]


def test_missing_file_is_reported_without_a_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert problems(path) == [f"{path}: (file): cannot read the file (No such file or directory)"]


def test_check_contracts_collects_issues_of_every_file(tmp_path: Path) -> None:
    good = write(tmp_path, COMPUTE)
    (tmp_path / "bad").mkdir()
    bad = write(tmp_path / "bad", COMPUTE.replace("major: 1,", "major: 2,"))
    issues = check_contracts([good, bad, SAMPLES / "registration_orchestrator" / "contract.yaml"])
    assert [issue.file for issue in issues] == [str(bad)]


def test_bare_names_resolve_in_the_package_holding_the_contract() -> None:
    contract = load_contract(SAMPLES / "registration_orchestrator" / "contract.yaml")
    assert [route.handler_class for route in contract.handler_routing.handlers] == [  # type: ignore[union-attr]
        "HandlerNodeIntrospected",
        "HandlerRuntimeTick",
    ]
