"""Enums shared by every ONEX package."""

from omnibase_core.enums.enum_message_category import EnumMessageCategory
from omnibase_core.enums.enum_node_kind import EnumNodeKind
from omnibase_core.enums.enum_node_output_type import EnumNodeOutputType
from omnibase_core.enums.enum_service_lifetime import EnumServiceLifetime

__all__ = [
    "EnumMessageCategory",
    "EnumNodeKind",
    "EnumNodeOutputType",
    "EnumServiceLifetime",
]
