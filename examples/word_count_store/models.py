"""The messages the store's contract names (generated from examples/messages)."""

from examples.models import ModelWordCountStored, ModelWordsCounted

__all__ = ["ModelWordCountStored", "ModelWordsCounted"]
