"""`onex docs`: write the AsyncAPI document of every service and example node."""

from pathlib import Path
from typing import Annotated

import typer
from omnibase_core.errors import ContractValidationError
from rich.console import Console

from omnibase_infra.asyncapi import DEFAULT_OUT, ModelAsyncApiDocsResult, sync_asyncapi_docs
from omnibase_infra.errors import ProtocolConfigurationError

_console = Console(highlight=False, soft_wrap=True)
_errors = Console(stderr=True, highlight=False, soft_wrap=True)

OutOption = Annotated[Path, typer.Option("--out", help="The folder the documents go to.")]
CheckOption = Annotated[
    bool, typer.Option("--check", help="Write nothing; exit 1 if any document is stale.")
]


def docs(out: OutOption = DEFAULT_OUT, check: CheckOption = False) -> None:
    """Generate AsyncAPI 3.0 docs (one YAML per node) from services/* and examples/* contracts."""
    try:
        with _console.status("building AsyncAPI documents from the contracts..."):
            result = sync_asyncapi_docs(Path.cwd(), out, check=check)
    except ContractValidationError as error:
        for issue in error.issues:
            _errors.print(str(issue), markup=False)
        raise typer.Exit(2) from error
    except ProtocolConfigurationError as error:
        _errors.print(f"docs failed: {error.message}", markup=False)
        raise typer.Exit(2) from error
    _report(result, check=check)
    if check and result.changed:
        _errors.print("AsyncAPI docs are stale: run `onex docs` (`just docs`) and commit them")
        raise typer.Exit(1)


def _report(result: ModelAsyncApiDocsResult, *, check: bool) -> None:
    verb_write, verb_remove = ("stale", "obsolete") if check else ("wrote", "removed")
    for path in result.written:
        _console.print(f"{verb_write}: {path}", markup=False)
    for path in result.removed:
        _console.print(f"{verb_remove}: {path}", markup=False)
    if not result.changed:
        count = len(result.documents)
        _console.print(f"{result.output}: {count} documents up to date with the contracts")
