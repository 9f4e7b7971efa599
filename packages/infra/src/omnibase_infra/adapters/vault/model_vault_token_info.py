from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ModelVaultTokenInfo(BaseModel):
    """What Vault says about the adapter's token (never the token itself)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accessor: str
    # Seconds left; 0 for a token that never expires (such as a root token).
    ttl_seconds: int = Field(ge=0)
    # The TTL the token was created with; 0 when it never expires.
    creation_ttl_seconds: int = Field(ge=0)
    renewable: bool
    policies: tuple[str, ...] = ()
    expire_time: datetime | None = None

    @property
    def expires(self) -> bool:
        """Whether the token has a TTL at all."""
        return self.ttl_seconds > 0 and self.creation_ttl_seconds > 0
