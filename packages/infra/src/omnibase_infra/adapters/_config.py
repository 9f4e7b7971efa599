"""Build an adapter's settings model from defaults, the ONEX settings and explicit overrides."""

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from omnibase_infra.errors import ProtocolConfigurationError

ConfigT = TypeVar("ConfigT", bound=BaseModel)


def build_config(
    model: type[ConfigT],
    from_settings: Mapping[str, object],
    overrides: Mapping[str, object],
    *,
    env_prefix: str,
) -> ConfigT:
    """Validate settings plus overrides; a bad value names the field, never its value."""
    try:
        return model.model_validate({**from_settings, **overrides})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
            for issue in error.errors(include_url=False, include_input=False)
        )
        # `from None`: pydantic's own message repeats the rejected input, which may be a secret.
        raise ProtocolConfigurationError(
            f"invalid {model.__name__} ({problems}); fix the override or the "
            f"{env_prefix}* environment variable",
            setting=model.__name__,
        ) from None
