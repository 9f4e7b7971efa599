"""Whether an announcement can be registered, and the Consul service it is registered as."""

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    ModelConsulService,
    ModelNodeIntrospectionEvent,
    ModelNodeRegistrationRejected,
)
from pydantic import ValidationError

Envelope = ModelEventEnvelope[object]
# The endpoints Consul can reach the node on, in order of preference.
REACHABLE = ("health", "api")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONSUL_META_KEY = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_MAX_REASON = 1024


def admit(
    envelope: Envelope, now: datetime
) -> ModelNodeIntrospectionEvent | ModelNodeRegistrationRejected:
    """The announcement, checked against its schema and the registry's rules, or its rejection."""
    payload = envelope.payload
    if isinstance(payload, ModelNodeIntrospectionEvent):
        event = payload
    else:
        try:
            event = ModelNodeIntrospectionEvent.model_validate(payload)
        except ValidationError as error:
            return _schema_rejection(error, payload, now)
    if envelope.entity_id != str(event.node_id):
        reason = (
            "the message key (entity_id) must be the node id, so that all of a node's "
            "messages stay in order"
        )
        return _rejection(reason, "node_id", event.node_id, now)
    if reachable_endpoint(event) is None:
        reason = (
            f"no {' or '.join(REACHABLE)} endpoint: give the node an http(s) URL the registry "
            "can reach it on"
        )
        return _rejection(reason, "endpoints", event.node_id, now)
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


def _schema_rejection(
    error: ValidationError, payload: object, now: datetime
) -> ModelNodeRegistrationRejected:
    problems = error.errors(include_url=False, include_input=False)
    first = problems[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    reason = f"{field or 'payload'}: {first['msg']}"
    if len(problems) > 1:
        reason += f" (and {len(problems) - 1} more problem(s))"
    node_id = payload.get("node_id") if isinstance(payload, dict) else None
    return _rejection(reason, field, _uuid(node_id), now)


def _rejection(
    reason: str, field: str | None, node_id: UUID | None, now: datetime
) -> ModelNodeRegistrationRejected:
    return ModelNodeRegistrationRejected(
        node_id=node_id, reason=reason[:_MAX_REASON], field=field, rejected_at=now
    )


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None
