"""`onex contract validate|schema`: check contract.yaml files, export their JSON Schema."""

from pathlib import Path
from typing import Annotated

import typer
from omnibase_core.contracts import load_contract, render_contract_schema
from omnibase_core.errors import ContractValidationError

app = typer.Typer(no_args_is_help=True, help="Check node contracts and export their JSON Schema.")

CONTRACT_FILE = "contract.yaml"
DEFAULT_SCHEMA = Path("contracts/contract.schema.json")


@app.command()
def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="contract.yaml files, or folders to search for them.")
    ],
) -> None:
    """Check contracts; print every problem as FILE:LINE: field: reason, exit 1 if any."""
    files = _contract_files(paths)
    if not files:
        typer.echo(f"no {CONTRACT_FILE} found in {', '.join(map(str, paths))}", err=True)
        raise typer.Exit(1)
    problems = 0
    for file in files:
        try:
            contract = load_contract(file)
        except ContractValidationError as error:
            problems += len(error.issues)
            for issue in error.issues:
                typer.echo(str(issue), err=True)
        else:
            typer.echo(f"ok {file} ({contract.name} {contract.fingerprint})")
    if problems:
        typer.echo(f"{problems} problem(s) in {len(files)} contract(s)", err=True)
        raise typer.Exit(1)


@app.command()
def schema(
    out: Annotated[Path, typer.Option(help="Where to write the schema.")] = DEFAULT_SCHEMA,
    check: Annotated[
        bool, typer.Option("--check", help="Only verify that the file is up to date.")
    ] = False,
) -> None:
    """Write the contract JSON Schema (editors use it to complete and check contracts)."""
    text = render_contract_schema()
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            typer.echo(f"{out} is stale: run `onex contract schema`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out} is up to date")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}")


def _contract_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob(CONTRACT_FILE))
        else:
            files.append(path)  # a missing file is reported by the loader, with its name
    return files
