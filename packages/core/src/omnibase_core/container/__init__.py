"""Typed dependency injection for ONEX nodes."""

from omnibase_core.container.model_onex_container import ModelONEXContainer

__all__ = ["ModelONEXContainer"]
