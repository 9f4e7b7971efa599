"""Patterns shared by contract fields that name Python things."""

from typing import Annotated

from pydantic import Field

# `ModelFoo` (looked up in the node's package) or `package.module.ModelFoo`.
CLASS_REF = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
# `package.module.ProtocolFoo`: dependencies are always given in full.
DOTTED_REF = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$"
SEMVER = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"

ClassRef = Annotated[str, Field(pattern=CLASS_REF)]
DottedRef = Annotated[str, Field(pattern=DOTTED_REF)]


def short_name(ref: str) -> str:
    """The class name at the end of a reference."""
    return ref.rpartition(".")[2]
