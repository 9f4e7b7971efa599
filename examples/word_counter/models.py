"""The messages the word counter's contract names (generated from examples/messages)."""

from examples.models import ModelTextSubmitted, ModelWordsCounted

__all__ = ["ModelTextSubmitted", "ModelWordsCounted"]
