"""The one topic grammar: `{env}.onex.{evt|cmd|intent}.{name}.v{N}`."""

from omnibase_core.messaging.model_topic import GRAMMAR, ModelTopic

__all__ = ["GRAMMAR", "ModelTopic"]
