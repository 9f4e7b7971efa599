from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from omnibase_core.contracts.model_handler_route import ModelHandlerRoute


class ModelHandlerRouting(BaseModel):
    """Which handler class takes each consumed message (matched on the payload's type)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    routing_strategy: Literal["payload_type_match"] = "payload_type_match"
    handlers: tuple[ModelHandlerRoute, ...] = Field(min_length=1)
