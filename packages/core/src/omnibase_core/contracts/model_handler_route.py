from pydantic import BaseModel, ConfigDict

from omnibase_core.contracts._refs import ClassRef


class ModelHandlerRoute(BaseModel):
    """Messages whose payload is `event_model` go to `handler_class`.

    Bare names are looked up in the node's package (`<package>.models`, `<package>.handlers`);
    a dotted name (`pkg.module.Class`) is imported as given.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_model: ClassRef
    handler_class: ClassRef
