"""deploy/k8s: a Deployment, Service and ServiceAccount per node, checked without a cluster."""

import re
from pathlib import Path

import pytest
import yaml
from omnibase_infra.config import ModelRuntimeSettings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
SERVICES = sorted(path.parent.name for path in ROOT.glob("services/*/pyproject.toml"))
HTTP_PORT = ModelRuntimeSettings().http_port
NODE_KINDS = {"Deployment", "Service", "ServiceAccount"}
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|CREDENTIAL|PRIVATE|API_?KEY", re.IGNORECASE)
Manifest = dict[str, object]


def load(path: Path) -> list[Manifest]:
    documents = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    assert all(isinstance(doc, dict) for doc in documents), f"{path}: not a manifest"
    return documents


def kustomization(folder: Path) -> list[str]:
    (found,) = load(folder / "kustomization.yaml")
    assert found["kind"] == "Kustomization"
    resources = found["resources"]
    assert isinstance(resources, list)
    return [str(resource) for resource in resources]


def node(service: str) -> dict[str, Manifest]:
    """The manifests of one node by kind, read through its kustomization."""
    manifests = [doc for file in kustomization(K8S / service) for doc in load(K8S / service / file)]
    by_kind = {str(doc["kind"]): doc for doc in manifests}
    assert len(by_kind) == len(manifests), f"{service}: one manifest of each kind"
    return by_kind


def dig(data: object, *path: str | int) -> object:
    for key in path:
        assert isinstance(data, dict | list), f"no {key!r} in {data!r}"
        data = data[key]  # type: ignore[index]
    return data


def container(service: str) -> Manifest:
    containers = dig(node(service)["Deployment"], "spec", "template", "spec", "containers")
    assert isinstance(containers, list) and len(containers) == 1
    found = containers[0]
    assert isinstance(found, dict)
    return found


def onex_config() -> dict[str, str]:
    (config,) = load(K8S / "onex-config.yaml")
    assert config["kind"] == "ConfigMap" and dig(config, "metadata", "name") == "onex-config"
    data = config["data"]
    assert isinstance(data, dict)
    return {str(key): str(value) for key, value in data.items()}


def test_every_service_has_a_node_folder_and_the_top_kustomization_lists_them() -> None:
    folders = {path.name for path in K8S.iterdir() if path.is_dir()}
    assert folders == set(SERVICES)
    resources = kustomization(K8S)
    assert set(SERVICES) | {"onex-config.yaml"} <= set(resources)
    assert all((K8S / resource).exists() for resource in resources)


@pytest.mark.parametrize("service", SERVICES)
def test_each_node_has_a_deployment_a_service_and_a_service_account(service: str) -> None:
    assert set(node(service)) == NODE_KINDS
    listed = set(kustomization(K8S / service)) | {"kustomization.yaml"}
    assert {path.name for path in (K8S / service).iterdir()} == listed


@pytest.mark.parametrize("service", SERVICES)
def test_the_deployment_runs_the_service_image_as_a_non_root_user(service: str) -> None:
    manifests = node(service)
    deployment = manifests["Deployment"]
    pod = dig(deployment, "spec", "template", "spec")
    labels = dig(deployment, "spec", "template", "metadata", "labels")
    assert dig(deployment, "spec", "selector", "matchLabels") == {"app.kubernetes.io/name": service}
    assert isinstance(labels, dict) and labels["app.kubernetes.io/name"] == service
    assert dig(pod, "serviceAccountName") == dig(manifests["ServiceAccount"], "metadata", "name")
    assert dig(pod, "securityContext", "runAsNonRoot") is True
    assert dig(pod, "securityContext", "runAsUser") != 0
    found = container(service)
    image = str(found["image"])
    assert image.startswith(f"onex/{service}:") and not image.endswith(":latest")
    assert dig(found, "securityContext", "allowPrivilegeEscalation") is False


@pytest.mark.parametrize("service", SERVICES)
def test_probes_and_ports_match_the_runtime_settings(service: str) -> None:
    found = container(service)
    assert found["ports"] == [{"name": "http", "containerPort": HTTP_PORT}]
    assert int(onex_config()["ONEX_RUNTIME__HTTP_PORT"]) == HTTP_PORT
    assert dig(found, "readinessProbe", "httpGet") == {"path": "/ready", "port": "http"}
    assert dig(found, "livenessProbe", "httpGet") == {"path": "/health", "port": "http"}
    service_manifest = node(service)["Service"]
    assert dig(service_manifest, "spec", "selector") == {"app.kubernetes.io/name": service}
    assert dig(service_manifest, "spec", "ports") == [
        {"name": "http", "port": HTTP_PORT, "targetPort": "http"}
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_config_comes_from_the_shared_config_map(service: str) -> None:
    assert container(service)["envFrom"] == [{"configMapRef": {"name": "onex-config"}}]
    config = onex_config()
    for section in ("KAFKA", "POSTGRES", "VALKEY", "CONSUL", "VAULT"):
        assert config[f"ONEX_{section}__HOST"], section


@pytest.mark.parametrize("service", SERVICES)
def test_credentials_come_from_vault_at_start(service: str) -> None:
    annotations = dig(node(service)["Deployment"], "spec", "template", "metadata", "annotations")
    assert isinstance(annotations, dict)
    assert annotations["vault.hashicorp.com/agent-inject"] == "true"
    assert annotations["vault.hashicorp.com/role"] == f"onex-{service}"
    template = str(annotations["vault.hashicorp.com/agent-inject-template-onex.env"])
    assert re.search(r'with secret "secret/data/onex/\w+"', template)
    assert re.search(r"export ONEX_\w+='\{\{ \.Data\.data\.\w+ \}\}'", template)
    assert container(service)["args"] == [f". /vault/secrets/onex.env && exec onex run {service}"]


def test_no_plaintext_secret_in_any_manifest() -> None:
    for path in sorted(K8S.rglob("*.yaml")):
        for manifest in load(path):
            assert manifest["kind"] != "Secret", f"{path}: secrets come from Vault"
            if manifest["kind"] == "ConfigMap":
                data = manifest.get("data") or {}
                assert isinstance(data, dict)
                assert not [key for key in data if SECRET_NAME.search(str(key))], path
    for service in SERVICES:
        variables = container(service).get("env") or []
        assert isinstance(variables, list)
        for variable in variables:
            assert isinstance(variable, dict)
            if SECRET_NAME.search(str(variable["name"])):
                assert "value" not in variable, f"{service}: {variable['name']} in plain text"
