from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from omnibase_core.contracts._refs import ClassRef, short_name
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors.topic_format_error import TopicFormatError
from omnibase_core.messaging import ModelTopic

# For editors only: the validator below gives the helpful message.
TOPIC_PATTERN = r"^onex\.(evt|cmd|intent)\.[a-z0-9]+(-[a-z0-9]+)*\.v[1-9][0-9]*$"


class ModelMessageBinding(BaseModel):
    """A message a node consumes or produces: its payload model and its topic.

    `topic` is written without the environment (`onex.evt.node-introspection.v1`); its middle
    segment is the message category, so a binding has exactly one category.
    `validated_by: handler` (consumed messages only) hands the payload to the handler as plain
    JSON data, so the handler can answer a payload that breaks its schema (say, with a
    rejection event) instead of the runtime dead-lettering it; the envelope is still checked.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: ClassRef
    topic: str = Field(json_schema_extra={"pattern": TOPIC_PATTERN})
    validated_by: Literal["runtime", "handler"] = "runtime"

    @field_validator("topic")
    @classmethod
    def _grammar(cls, value: str) -> str:
        try:
            topic = ModelTopic.parse(value)
        except TopicFormatError as error:  # not a ValueError: pydantic would not catch it
            raise ValueError(error.message) from None
        if topic.env is not None:
            bare = topic.model_copy(update={"env": None})
            raise ValueError(f"write the topic without its environment ('{bare}')")
        return value

    @property
    def category(self) -> EnumMessageCategory:
        """EVENT, COMMAND or INTENT, read from the topic."""
        return ModelTopic.parse(self.topic).category

    @property
    def message_name(self) -> str:
        """The payload model's class name (also the envelope's `message_type`)."""
        return short_name(self.message)

    def topic_for(self, env: str) -> str:
        """The full topic name in environment `env`."""
        return str(ModelTopic.parse(self.topic).with_env(env))
