from pydantic import BaseModel, ConfigDict


class ModelAsyncApiDocsResult(BaseModel):
    """What `onex docs` changed in the docs folder, or would change when only checking."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    output: str
    documents: tuple[str, ...]  # file names of every node's document
    written: tuple[str, ...] = ()  # documents added or rewritten
    removed: tuple[str, ...] = ()  # documents of nodes that no longer exist

    @property
    def changed(self) -> bool:
        """True when the folder differs from what the contracts generate."""
        return bool(self.written or self.removed)
