"""JSON Schemas of a node's messages: each payload model wrapped in the envelope it travels in."""

from collections.abc import Mapping

from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaValue, models_json_schema

SCHEMAS_REF = "#/components/schemas/{model}"


def message_schemas(
    messages: Mapping[str, tuple[type[BaseModel], EnumMessageCategory]],
) -> tuple[dict[str, JsonSchemaValue], dict[str, JsonSchemaValue]]:
    """The envelope schema of each message (by name) and the shared component schemas.

    An envelope schema fixes `message_type` and `category` to the message's and points its
    `payload` at the model's component schema, so readers see the wire format, not only
    the payload. Schemas are pydantic's validation schemas: what a consumer accepts.
    """
    envelopes = {
        name: ModelEventEnvelope[model]  # type: ignore[valid-type]
        for name, (model, _) in messages.items()
    }
    refs, definitions = models_json_schema(
        [(envelope, "validation") for envelope in envelopes.values()], ref_template=SCHEMAS_REF
    )
    components: dict[str, JsonSchemaValue] = definitions.get("$defs", {})
    wrapped: dict[str, JsonSchemaValue] = {}
    for name, envelope in envelopes.items():
        # The envelope of one message is never shared: inline it instead of a component.
        key = refs[(envelope, "validation")]["$ref"].rpartition("/")[2]
        schema = components.pop(key)
        properties = schema["properties"]
        properties["message_type"] = {**properties["message_type"], "const": name}
        # Draft-07 (AsyncAPI's schema dialect) ignores keywords beside a $ref: wrap it.
        category = {"allOf": [properties["category"]], "const": messages[name][1].value}
        properties["category"] = category
        wrapped[name] = schema
    return wrapped, dict(sorted(components.items()))
