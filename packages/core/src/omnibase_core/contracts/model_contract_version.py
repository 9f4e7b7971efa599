from pydantic import BaseModel, ConfigDict, Field


class ModelContractVersion(BaseModel):
    """The version of the contract format a file is written in (only major 1 is read)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    major: int = Field(ge=0)
    minor: int = Field(ge=0)
    patch: int = Field(ge=0)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"
