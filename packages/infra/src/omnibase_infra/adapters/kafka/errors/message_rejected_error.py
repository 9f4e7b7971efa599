from typing import ClassVar

from omnibase_core.errors import ModelOnexError


class MessageRejectedError(ModelOnexError):
    """A message cannot be handled as it is (too large, empty); it goes to the DLQ, unretried."""

    default_code: ClassVar[str] = "MESSAGE_REJECTED"
