from pydantic import BaseModel, ConfigDict, Field


class ModelCodegenTarget(BaseModel):
    """One folder of message schemas and the package folder its models are written to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schemas: str = Field(min_length=1, description="Folder of *.yaml schemas, relative to root.")
    output: str = Field(min_length=1, description="Package folder written, relative to root.")
