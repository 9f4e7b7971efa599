"""Consul adapter pieces that need no server: config, meta allow-list, checks, answers."""

import logging

import pytest
from omnibase_infra.adapters.consul import (
    DEFAULT_CONSUL_META_KEYS,
    META_VALUE_MAX_BYTES,
    ConsulAdapter,
    EnumConsulCheckStatus,
    ModelConsulCheck,
    ModelConsulServiceRegistration,
    filter_meta,
)
from omnibase_infra.adapters.consul._wire import catalog_instances, health_instances, kv_value
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.errors import ProtocolConfigurationError
from pydantic import ValidationError


def test_meta_keeps_only_allow_listed_keys(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    meta = {"node_type": "effect", "db_password": "hunter2-canary", "owner": "team-a"}

    kept = filter_meta(meta, frozenset({"node_type"}))

    assert kept == {"node_type": "effect"}
    assert "hunter2-canary" not in caplog.text
    assert "2 Consul meta key(s)" in caplog.text


def test_meta_values_are_cut_to_consuls_byte_limit_without_splitting_a_character() -> None:
    long_value = "é" * META_VALUE_MAX_BYTES  # two bytes each

    kept = filter_meta({"env": long_value, "node_id": "short"}, DEFAULT_CONSUL_META_KEYS)

    assert len(kept["env"].encode()) <= META_VALUE_MAX_BYTES
    assert kept["env"] == "é" * (META_VALUE_MAX_BYTES // 2)
    assert kept["node_id"] == "short"


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        ({"consul-version"}, "reserved"),
        ({"has space"}, "letters, digits"),
        ({"x" * 129}, "letters, digits"),
        ({f"k{i}" for i in range(65)}, "at most 64"),
    ],
)
def test_allow_list_keys_consul_would_refuse_are_a_configuration_error(
    keys: set[str], reason: str
) -> None:
    with pytest.raises(ProtocolConfigurationError, match=reason):
        ConsulAdapter.from_settings(ModelOnexSettings(), meta_keys=keys)


def test_adapter_takes_address_and_token_from_settings_and_overrides_win() -> None:
    settings = ModelOnexSettings.model_validate(
        {"consul": {"host": "127.0.0.2", "port": 18500, "token": "canary-settings-token"}}
    )

    adapter = ConsulAdapter.from_settings(settings, timeout_seconds=1.5, port=18501)

    assert adapter.config.host == "127.0.0.2"
    assert adapter.config.port == 18501
    assert adapter.config.timeout_seconds == 1.5
    assert adapter.config.token is not None
    assert adapter.config.token.get_secret_value() == "canary-settings-token"
    assert "canary-settings-token" not in repr(adapter.config)
    assert adapter.target_name == "consul 127.0.0.2:18501"


def test_bad_override_names_the_field_and_hides_the_value() -> None:
    with pytest.raises(ProtocolConfigurationError, match="timeout_seconds") as caught:
        ConsulAdapter.from_settings(ModelOnexSettings(), timeout_seconds=-4.25)
    assert "-4.25" not in str(caught.value)


def test_a_check_is_either_ttl_or_http() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        ModelConsulCheck()
    with pytest.raises(ValidationError, match="exactly one"):
        ModelConsulCheck.model_validate({"ttl_seconds": 5, "http_url": "http://127.0.0.1:1/"})


def test_checks_render_as_consul_definitions() -> None:
    ttl = ModelConsulCheck.ttl(15, deregister_after=90).to_consul("service:a", "a")
    http = ModelConsulCheck.http("http://127.0.0.1:8080/health", interval=2).to_consul("c", "a")

    assert ttl == {
        "CheckID": "service:a",
        "Name": "a",
        "TTL": "15000ms",
        "DeregisterCriticalServiceAfter": "90000ms",
    }
    assert http["HTTP"] == "http://127.0.0.1:8080/health"
    assert http["Interval"] == "2000ms"
    assert http["Timeout"] == "5000ms"


@pytest.mark.parametrize("service_id", ["", "a/b", "a b", "-lead", "x" * 201])
def test_service_ids_that_break_urls_are_refused(service_id: str) -> None:
    with pytest.raises(ValidationError, match="service_id"):
        ModelConsulServiceRegistration(
            service_id=service_id, service_name="svc", address="127.0.0.1", port=1
        )


def test_an_instance_is_as_healthy_as_its_worst_check() -> None:
    statuses = [EnumConsulCheckStatus.PASSING, EnumConsulCheckStatus.WARNING]
    assert EnumConsulCheckStatus.worst(statuses) is EnumConsulCheckStatus.WARNING
    statuses.append(EnumConsulCheckStatus.CRITICAL)
    assert EnumConsulCheckStatus.worst(statuses) is EnumConsulCheckStatus.CRITICAL
    assert EnumConsulCheckStatus.worst([]) is EnumConsulCheckStatus.PASSING


def test_health_answer_becomes_instances_with_node_address_as_fallback() -> None:
    answer = (
        "42",
        [
            {
                "Node": {"Node": "dev", "Address": "10.0.0.9", "Extra": 1},
                "Service": {"ID": "svc-1", "Service": "svc", "Port": 80, "Tags": None},
                "Checks": [{"Status": "passing"}, {"Status": "warning"}],
            }
        ],
    )

    [instance] = health_instances(answer)

    assert instance.service_id == "svc-1"
    assert instance.address == "10.0.0.9"
    assert instance.tags == ()
    assert instance.meta == {}
    assert instance.status is EnumConsulCheckStatus.WARNING


def test_catalog_answer_and_missing_kv_key() -> None:
    answer = (
        "7",
        [
            {
                "Node": "dev",
                "Address": "127.0.0.1",
                "ServiceID": "svc-1",
                "ServiceName": "svc",
                "ServiceAddress": "127.0.0.5",
                "ServicePort": 81,
                "ServiceTags": ["a"],
                "ServiceMeta": {"env": "dev"},
            }
        ],
    )

    [instance] = catalog_instances(answer)

    assert (instance.address, instance.port, instance.tags) == ("127.0.0.5", 81, ("a",))
    assert instance.status is None
    assert kv_value(("1", None)) is None
    assert kv_value(("1", {"Key": "k", "Value": None})) == b""
