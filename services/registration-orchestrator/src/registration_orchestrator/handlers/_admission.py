"""Whether an announcement can be registered, and the Consul service it is registered as."""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import ModelConsulService, ModelNodeIntrospectionEvent
from pydantic import ValidationError

Envelope = ModelEventEnvelope[object]
# The endpoints Consul can reach the node on, in order of preference.
REACHABLE = ("health", "api")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONSUL_META_KEY = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_MAX_REASON = 1024


class Refusal(Exception):
    """Why an announcement cannot be registered: a reason and the field to blame."""

    def __init__(self, reason: str, field: str | None = None, node_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:_MAX_REASON]
        self.field = field
        self.node_id = node_id


def admit(envelope: Envelope) -> ModelNodeIntrospectionEvent:
    """The announcement, checked against its schema and the registry's rules; else `Refusal`."""
    payload = envelope.payload
    if isinstance(payload, ModelNodeIntrospectionEvent):
        event = payload
    else:
        try:
            event = ModelNodeIntrospectionEvent.model_validate(payload)
        except ValidationError as error:
            raise _refusal(error, payload) from None
    node_id = str(event.node_id)
    if envelope.entity_id != node_id:
        raise Refusal(
            "the message key (entity_id) must be the node id, so that all of a node's "
            "messages stay in order",
            "node_id",
            node_id,
        )
    if reachable_endpoint(event) is None:
        raise Refusal(
            f"no {' or '.join(REACHABLE)} endpoint: give the node an http(s) URL the registry "
            "can reach it on",
            "endpoints",
            node_id,
        )
    return event


def reachable_endpoint(event: ModelNodeIntrospectionEvent) -> tuple[str, int] | None:
    """The host and port of the node's preferred http(s) endpoint, if it has one."""
    for purpose in REACHABLE:
        url = event.endpoints.get(purpose)
        if url is None:
            continue
        parts = urlsplit(url)
        try:
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
        except ValueError:  # a port that is not a number, or out of range
            continue
        if parts.hostname and port is not None:
            return parts.hostname, port
    return None


def service_for(event: ModelNodeIntrospectionEvent, meta_keys: Iterable[str]) -> ModelConsulService:
    """The Consul service instance for an admitted node (its id is the node id)."""
    address, port = reachable_endpoint(event) or ("", 0)
    meta = {
        "node_id": str(event.node_id),
        "node_type": event.node_type.value,
        "node_version": event.node_version,
        "contract_fingerprint": event.contract_fingerprint,
    }
    for key in meta_keys:
        value = event.metadata.get(key)
        if value is not None and _CONSUL_META_KEY.match(key) and key not in meta:
            meta[key] = value
    health = event.endpoints.get("health", "")
    return ModelConsulService(
        service_id=str(event.node_id),
        service_name=event.node_name,
        address=address,
        port=port,
        tags=[event.node_type.value.lower(), f"v{event.node_version}"],
        meta=meta,
        health_check_url=health if health.startswith(("http://", "https://")) else None,
    )


def _refusal(error: ValidationError, payload: object) -> Refusal:
    problems = error.errors(include_url=False, include_input=False)
    first = problems[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    reason = f"{field or 'payload'}: {first['msg']}"
    if len(problems) > 1:
        reason += f" (and {len(problems) - 1} more problem(s))"
    node_id = payload.get("node_id") if isinstance(payload, dict) else None
    return Refusal(reason, field, node_id if isinstance(node_id, str) else None)
