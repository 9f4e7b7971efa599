"""Data models shared across ONEX packages."""

from omnibase_core.models.events import ModelEventEnvelope, ModelIntent

__all__ = ["ModelEventEnvelope", "ModelIntent"]
