from pydantic import BaseModel, ConfigDict, Field


class ModelMigration(BaseModel):
    """One SQL migration file: its version (the number its name starts with) and checksum."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=0)
    name: str
    checksum: str
    sql: str = Field(repr=False)
