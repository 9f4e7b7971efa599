"""`onex codegen`: regenerate the Pydantic message models from the YAML schemas in contracts/."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from omnibase_infra.codegen import ModelCodegenResult, run_codegen
from omnibase_infra.errors import ProtocolConfigurationError

_console = Console()
_errors = Console(stderr=True)

ConfigOption = Annotated[
    Path, typer.Option("--config", help="The codegen config mapping schema folders to packages.")
]
CheckOption = Annotated[
    bool, typer.Option("--check", help="Write nothing; exit 1 if any generated file is stale.")
]


def codegen(
    config: ConfigOption = Path("contracts/codegen.yaml"), check: CheckOption = False
) -> None:
    """Generate one Model<Name>/Enum<Name> module per message schema (committed code)."""
    try:
        with _console.status("generating models from the message schemas..."):
            results = run_codegen(config, check=check)
    except ProtocolConfigurationError as exc:
        _errors.print(
            f"[red]codegen failed:[/red] {exc.message}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from exc
    for result in results:
        _report(result, check=check)
    if check and any(result.changed for result in results):
        _errors.print(
            "generated models are stale: run `onex codegen` and commit the result", soft_wrap=True
        )
        raise typer.Exit(1)


def _report(result: ModelCodegenResult, *, check: bool) -> None:
    verb_write, verb_remove = ("stale", "obsolete") if check else ("wrote", "removed")
    for path in result.written:
        _console.print(f"{verb_write}: {path}", highlight=False, soft_wrap=True)
    for path in result.removed:
        _console.print(f"{verb_remove}: {path}", highlight=False, soft_wrap=True)
    if not result.changed:
        _console.print(
            f"{result.output}: up to date with {result.schemas}", highlight=False, soft_wrap=True
        )
