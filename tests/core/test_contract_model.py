"""ModelContract behaviour: fingerprint and effective effect policies."""

import re

from omnibase_core.contracts import ModelContract, ModelRetryPolicy

BASE: dict[str, object] = {
    "name": "registry-effect",
    "node_type": "EFFECT",
    "contract_version": {"major": 1, "minor": 0, "patch": 0},
    "node_version": "0.3.1",
    "dependencies": ["pkg.protocols.ProtocolServiceRegistry"],
    "effects": [
        {"operation": "consul.register", "adapter": "ProtocolServiceRegistry", "idempotent": True},
        {
            "operation": "consul.deregister",
            "adapter": "pkg.protocols.ProtocolServiceRegistry",
            "idempotent": False,
            "timeout_seconds": 2,
        },
    ],
    "resilience": {"timeout_seconds": 4, "retry": {"max_attempts": 5}},
}


def contract(**changes: object) -> ModelContract:
    return ModelContract.model_validate({**BASE, **changes})


def test_fingerprint_is_node_version_and_12_hex_of_the_canonical_form() -> None:
    fingerprint = contract().fingerprint
    assert re.fullmatch(r"0\.3\.1:[0-9a-f]{12}", fingerprint)
    assert contract().fingerprint == fingerprint  # deterministic
    reordered = ModelContract.model_validate(dict(reversed(list(BASE.items()))))
    assert reordered.fingerprint == fingerprint  # key order does not matter
    assert contract(description="changed").fingerprint != fingerprint


def test_effect_policy_falls_back_to_resilience_defaults() -> None:
    policy = contract().effect_policy("consul.register")
    assert policy is not None
    assert policy.timeout_seconds == 4
    assert policy.retry.max_attempts == 5


def test_non_idempotent_operation_gets_a_single_attempt() -> None:
    policy = contract().effect_policy("consul.deregister")
    assert policy is not None
    assert policy.timeout_seconds == 2
    assert policy.retry.max_attempts == 1


def test_undeclared_operation_has_no_policy() -> None:
    assert contract().effect_policy("consul.nuke") is None


def test_retry_delays_grow_and_are_capped() -> None:
    retry = ModelRetryPolicy(
        backoff_seconds=0.5, multiplier=2, max_backoff_seconds=1.5, jitter=False
    )
    assert [retry.delay_before(attempt) for attempt in (2, 3, 4, 5)] == [0.5, 1.0, 1.5, 1.5]
    jittered = ModelRetryPolicy(backoff_seconds=1, max_backoff_seconds=1, jitter=True)
    assert all(0 <= jittered.delay_before(2) <= 1 for _ in range(100))
