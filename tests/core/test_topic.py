"""The topic grammar `{env}.onex.{evt|cmd|intent}.{name}.v{N}`."""

import pytest
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import TopicFormatError
from omnibase_core.messaging import ModelTopic


def test_parse_and_format_round_trip() -> None:
    topic = ModelTopic.parse("dev.onex.evt.node-introspection.v1")
    assert topic == ModelTopic(
        env="dev", category=EnumMessageCategory.EVENT, name="node-introspection", version=1
    )
    assert str(topic) == "dev.onex.evt.node-introspection.v1"
    assert topic.dlq == "dev.onex.evt.node-introspection.v1.dlq"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("prod.onex.cmd.request-introspection.v2", EnumMessageCategory.COMMAND),
        ("onex.intent.registry.v10", EnumMessageCategory.INTENT),
    ],
)
def test_category_is_the_parsed_segment(text: str, category: EnumMessageCategory) -> None:
    assert ModelTopic.parse(text).category is category


def test_topic_without_environment_gets_one() -> None:
    topic = ModelTopic.parse("onex.evt.runtime-tick.v1")
    assert topic.env is None
    assert str(topic.with_env("staging")) == "staging.onex.evt.runtime-tick.v1"


@pytest.mark.parametrize(
    "text",
    [
        "dev.onex.event.x.v1",  # category must be evt|cmd|intent
        "dev.onex.evt.x.v0",  # versions start at 1
        "dev.onex.evt.x.1",  # the v is required
        "dev.onex.evt.Node.v1",  # lower case only
        "dev.onex.evt.a_b.v1",  # words joined by '-'
        "dev.omni.evt.x.v1",  # the 'onex' segment
        "a.b.onex.evt.x.v1",  # one env segment
        "dev.onex.evt.x.v1.dlq",  # a DLQ is not a message topic
    ],
)
def test_invalid_topics_are_rejected_with_the_grammar(text: str) -> None:
    with pytest.raises(TopicFormatError) as caught:
        ModelTopic.parse(text)
    assert caught.value.message == (
        f"topic {text!r} does not follow {{env}}.onex.{{evt|cmd|intent}}.{{name}}.v{{N}} "
        "(lower-case words joined by '-', version v1, v2, ...)"
    )
