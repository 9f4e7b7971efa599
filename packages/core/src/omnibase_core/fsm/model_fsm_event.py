from pydantic import BaseModel, ConfigDict


class ModelFsmEvent(BaseModel):
    """An input to the machine: the `trigger` it matches and its `payload`.

    The payload may be a mapping or any object (a Pydantic message, for instance); guard and
    intent paths such as `event.payload.node_id` read keys or attributes from it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    trigger: str
    payload: object = None
