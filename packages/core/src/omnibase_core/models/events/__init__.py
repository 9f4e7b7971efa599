"""Message models: the envelope every message travels in, and the intent shape."""

from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_core.models.events.model_intent import ModelIntent

__all__ = ["ModelEventEnvelope", "ModelIntent"]
