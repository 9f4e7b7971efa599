from pydantic import BaseModel, ConfigDict, Field


class ModelFsmState(BaseModel):
    """Where a machine is: the state `name` and the `data` its transitions keep."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    data: dict[str, object] = Field(default_factory=dict)
