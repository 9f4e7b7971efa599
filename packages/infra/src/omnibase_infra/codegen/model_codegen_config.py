from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from omnibase_infra.codegen.model_codegen_target import ModelCodegenTarget
from omnibase_infra.errors import ProtocolConfigurationError


class ModelCodegenConfig(BaseModel):
    """`contracts/codegen.yaml`: which schema folders generate which model packages.

    `root` is the folder the target paths start from, relative to the config file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    root: str = "."
    targets: tuple[ModelCodegenTarget, ...] = Field(min_length=1)

    @classmethod
    def load(cls, path: Path) -> "ModelCodegenConfig":
        """Read and check a codegen config file."""
        try:
            return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise ProtocolConfigurationError(f"{path}: codegen config not found") from exc
        except (yaml.YAMLError, ValidationError) as exc:
            raise ProtocolConfigurationError(f"{path}: invalid codegen config: {exc}") from exc

    def root_dir(self, path: Path) -> Path:
        """The folder target paths are relative to, for a config read from `path`."""
        return (path.parent / self.root).resolve()
