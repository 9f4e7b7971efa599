from omnibase_core.errors.model_onex_error import ModelOnexError


class TopicFormatError(ModelOnexError):
    """A topic name does not follow `{env}.onex.{evt|cmd|intent}.{name}.v{N}`."""

    default_code = "ONEX_TOPIC_INVALID"
