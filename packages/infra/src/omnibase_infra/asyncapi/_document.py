"""Build the AsyncAPI 3.0 document of one node from its contract and message models."""

import inspect
from pathlib import Path

from omnibase_core.contracts import ModelMessageBinding
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import GRAMMAR
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaValue

from omnibase_infra.adapters.kafka import dead_letter_topic
from omnibase_infra.asyncapi._nodes import DocumentedNode
from omnibase_infra.asyncapi._schemas import message_schemas
from omnibase_infra.asyncapi._wire import (
    KAFKA_BINDING_VERSION,
    dead_letter_headers,
    envelope_headers,
    kafka_key,
)
from omnibase_infra.config import ModelKafkaSettings, ModelOnexSettings

ASYNCAPI_VERSION = "3.0.0"
ENV_PARAMETER = "env"
DEAD_LETTER = "OnexDeadLetter"
Document = dict[str, object]


def asyncapi_document(node: DocumentedNode, root: Path) -> Document:
    """The AsyncAPI document of `node`: a channel per topic, receive/send operations, messages.

    Addresses keep the environment as the channel parameter `{env}`, so one document fits
    every deployment and does not depend on the settings of the machine generating it.
    """
    contract = node.contract
    categories = {b.message_name: b.category for b in (*contract.consumes, *contract.produces)}
    envelopes, schemas = message_schemas(
        {name: (node.messages[name], category) for name, category in categories.items()}
    )
    messages = {name: _message(node, name, categories[name], envelopes[name]) for name in envelopes}
    channels: dict[str, JsonSchemaValue] = {}
    operations: dict[str, JsonSchemaValue] = {}
    for action, bindings in (("receive", contract.consumes), ("send", contract.produces)):
        for topic, names in _by_topic(bindings).items():
            channel = channels.setdefault(topic, _channel(topic, []))
            channel["messages"] |= _channel(topic, names)["messages"]  # consumed and produced
            operations[f"{action}.{topic}"] = _operation(node, action, topic, names)
    if contract.consumes:
        first = messages[contract.consumes[0].message_name]
        messages[DEAD_LETTER] = _dead_letter_message(first["headers"])
    for topic in _by_topic(contract.consumes):
        dead = dead_letter_topic(topic)
        channels[dead] = _channel(dead, [DEAD_LETTER])
        operations[f"dead-letter.{topic}"] = _dead_letter_operation(topic, dead)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": _info(node, root),
        "defaultContentType": "application/json",
        "servers": _servers(),
        "channels": channels,
        "operations": operations,
        "components": {
            "parameters": {ENV_PARAMETER: _env_parameter()},
            "messages": messages,
            "schemas": schemas,
        },
    }


def _info(node: DocumentedNode, root: Path) -> JsonSchemaValue:
    contract = node.contract
    description = (
        f"{contract.description}\n\n"
        f"Archetype: {contract.node_type.value}. Every message is a JSON `ModelEventEnvelope` "
        "whose `payload` is the message model; the Kafka key is the envelope's `entity_id`, so all "
        "messages about one entity stay in order on one partition. Topics follow "
        f"`{GRAMMAR}`. A consumed message that cannot be handled (undecodable, invalid, of an "
        "unknown type, too large, or failing past its retries) goes to `<topic>.dlq`."
    )
    return {
        "title": contract.name,
        "version": contract.node_version,
        "description": description,
        "tags": [{"name": contract.node_type.value.lower()}],
        "x-onex-contract": node.source(root),
        "x-onex-contract-fingerprint": contract.fingerprint,
    }


def _servers() -> JsonSchemaValue:
    return {
        "local": {
            "host": ModelKafkaSettings().bootstrap_servers,
            "protocol": "kafka",
            "description": "The local stack's Kafka (`onex infra up`); elsewhere the host and "
            "port of the settings (`ONEX_KAFKA__HOST`, `ONEX_KAFKA__PORT`).",
        }
    }


def _default_env() -> str:
    default: str = ModelOnexSettings.model_fields["env"].default
    return default


def _env_parameter() -> JsonSchemaValue:
    default = _default_env()
    return {
        "description": "The deployment environment, the topic's first segment (setting `env`, "
        f"`ONEX_ENV`; default `{default}`).",
        "default": default,
        "examples": [default],
    }


def _by_topic(bindings: tuple[ModelMessageBinding, ...]) -> dict[str, list[str]]:
    """Message names per topic, topics and names in contract order."""
    topics: dict[str, list[str]] = {}
    for binding in bindings:
        topics.setdefault(binding.topic, []).append(binding.message_name)
    return topics


def _channel(topic: str, names: list[str]) -> JsonSchemaValue:
    return {
        "address": f"{{{ENV_PARAMETER}}}.{topic}",
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
        "parameters": {ENV_PARAMETER: {"$ref": f"#/components/parameters/{ENV_PARAMETER}"}},
    }


def _operation(node: DocumentedNode, action: str, topic: str, names: list[str]) -> JsonSchemaValue:
    name = node.contract.name
    verb = "handles" if action == "receive" else "publishes"
    kafka: JsonSchemaValue = {"groupId": _group_id(name, topic)} if action == "receive" else {}
    kafka |= {
        "clientId": {"type": "string", "enum": [name]},
        "bindingVersion": KAFKA_BINDING_VERSION,
    }
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{topic}"},
        "summary": f"{name} {verb} {', '.join(names)}.",
        "messages": [{"$ref": f"#/channels/{topic}/messages/{n}"} for n in names],
        "bindings": {"kafka": kafka},
    }


def _group_id(name: str, topic: str) -> JsonSchemaValue:
    """The consumer group the runtime host joins for `topic` (NodeHost.group_id)."""
    template, example = (f"{name}.{env}.{topic}" for env in ("{env}", _default_env()))
    return {
        "type": "string",
        "description": f"`{template}`: one group per node and topic.",
        "examples": [example],
    }


def _message(
    node: DocumentedNode, name: str, category: EnumMessageCategory, envelope: JsonSchemaValue
) -> JsonSchemaValue:
    message: JsonSchemaValue = {
        "name": name,
        "title": name,
        "summary": _summary(node.messages[name]),
        "contentType": "application/json",
        "correlationId": {"location": "$message.header#/correlation_id"},
        "headers": envelope_headers(name, category, envelope),
        "payload": envelope,
        "bindings": kafka_key("The envelope's `entity_id`."),
    }
    if any(b.message_name == name and b.validated_by == "handler" for b in node.contract.consumes):
        message["description"] = (
            "Consumed with `validated_by: handler`: the runtime checks only the envelope, so a "
            "payload that breaks this schema reaches the handler (which answers it) instead of "
            "the dead-letter topic."
        )
    return message


def _dead_letter_message(routing_headers: JsonSchemaValue) -> JsonSchemaValue:
    return {
        "name": DEAD_LETTER,
        "title": "Dead letter",
        "summary": "A consumed message the node could not handle, with where it came from and why.",
        "description": "The original record byte for byte: its key, value and headers (which "
        "come first; `dlq_original_headers` says how many), then the `dlq_*` headers. Only "
        "secrets are changed (replaced with `***`, and `dlq_redacted` names the parts); a value "
        "above the size limit keeps only its first bytes and `dlq_original_size` says how large "
        "it was. Undecodable bytes stay as they were, so a dead letter can be replayed.",
        "headers": dead_letter_headers(routing_headers),
        "payload": {"description": "The original value, unchanged (usually a JSON envelope)."},
        "bindings": kafka_key("The original record's key."),
    }


def _dead_letter_operation(topic: str, dead: str) -> JsonSchemaValue:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{dead}"},
        "summary": f"Messages from `{topic}` that cannot be handled.",
        "messages": [{"$ref": f"#/channels/{dead}/messages/{DEAD_LETTER}"}],
    }


def _summary(model: type[BaseModel]) -> str:
    """The first paragraph of the model's docstring, on one line."""
    paragraph = inspect.cleandoc(model.__doc__ or model.__name__).split("\n\n")[0]
    return " ".join(paragraph.split())
