from pydantic import BaseModel, ConfigDict


class ModelCodegenResult(BaseModel):
    """What one target's generation changed, or would change when only checking."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schemas: str
    output: str
    written: tuple[str, ...] = ()  # files added or rewritten (paths relative to root)
    removed: tuple[str, ...] = ()  # generated files whose schema is gone

    @property
    def changed(self) -> bool:
        """True when the output folder differs from what the schemas generate."""
        return bool(self.written or self.removed)
