import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors.topic_format_error import TopicFormatError

_SEGMENT = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_TOPIC = re.compile(
    rf"^(?:(?P<env>{_SEGMENT})\.)?onex\.(?P<category>evt|cmd|intent)\.(?P<name>{_SEGMENT})"
    r"\.v(?P<version>[1-9][0-9]*)$"
)
GRAMMAR = "{env}.onex.{evt|cmd|intent}.{name}.v{N}"


class ModelTopic(BaseModel):
    """A Kafka topic name split into its parts; `str(topic)` gives the name back.

    Contracts write topics without the environment (`onex.evt.node-introspection.v1`);
    the runtime adds it with `with_env("dev")`.
    """

    model_config = ConfigDict(frozen=True)

    env: str | None = Field(default=None, pattern=rf"^{_SEGMENT}$")
    category: EnumMessageCategory
    name: str = Field(pattern=rf"^{_SEGMENT}$")
    version: int = Field(ge=1)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse `dev.onex.evt.node-introspection.v1` (or the same without `dev.`)."""
        match = _TOPIC.match(text)
        if match is None:
            raise TopicFormatError(
                f"topic {text!r} does not follow {GRAMMAR} "
                "(lower-case words joined by '-', version v1, v2, ...)",
                context={"topic": text},
            )
        return cls(
            env=match["env"],
            category=EnumMessageCategory(match["category"]),
            name=match["name"],
            version=int(match["version"]),
        )

    def with_env(self, env: str) -> Self:
        """The same topic in environment `env`."""
        return self.model_validate({**self.model_dump(), "env": env})

    @property
    def dlq(self) -> str:
        """Where messages from this topic that cannot be processed go."""
        return f"{self}.dlq"

    def __str__(self) -> str:
        base = f"onex.{self.category.value}.{self.name}.v{self.version}"
        return f"{self.env}.{base}" if self.env else base
