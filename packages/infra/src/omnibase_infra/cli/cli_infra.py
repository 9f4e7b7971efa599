"""`onex infra up|down|status`: the local Kafka, PostgreSQL, Valkey, Consul and Vault stack."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from omnibase_infra.config import load_settings
from omnibase_infra.local_infra import (
    LocalInfraError,
    ModelServerStatus,
    stack_status,
    start_stack,
    stop_stack,
)

app = typer.Typer(no_args_is_help=True, help="Run the local servers on 127.0.0.1, without Docker.")

_console = Console()
_errors = Console(stderr=True)

Names = Annotated[
    list[str] | None,
    typer.Argument(help="Only these servers (kafka, postgres, valkey, ...); all by default."),
]


@app.command()
def up(names: Names = None) -> None:
    """Start every server not yet running and wait until all are ready."""
    with _failing_cleanly(), _console.status("starting the local servers..."):
        rows = start_stack(load_settings(), _console.print, names or ())
    _console.print(status_table(rows))


@app.command()
def down(
    names: Names = None,
    wipe: Annotated[
        bool, typer.Option(help="Also delete their data, so the next start is from empty.")
    ] = False,
) -> None:
    """Stop the servers (their data stays in .onex/ for the next start unless --wipe)."""
    with _failing_cleanly():
        stop_stack(load_settings(), _console.print, names or (), wipe=wipe)
    _console.print("local servers stopped")


@app.command()
def status(names: Names = None) -> None:
    """Show each server's version, port, pid and readiness."""
    with _failing_cleanly():
        rows = stack_status(load_settings(), names or ())
    _console.print(status_table(rows))


def status_table(rows: list[ModelServerStatus]) -> Table:
    """The status rows as a terminal table."""
    table = Table("service", "version", "port", "pid", "ready", "log", title="ONEX local servers")
    for row in rows:
        ready = "[green]yes[/green]" if row.ready else f"[red]{row.state.value}[/red]"
        pid = str(row.pid) if row.pid is not None else "-"
        table.add_row(row.name, row.version, str(row.port), pid, ready, _shown(row.log_path))
    return table


def _shown(path: Path) -> str:
    # Relative to the working directory when inside it: short enough for the table.
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@contextmanager
def _failing_cleanly() -> Iterator[None]:
    # A local infrastructure problem is one readable line per cause, not a traceback.
    try:
        yield
    except LocalInfraError as error:
        for line in str(error).splitlines():
            _errors.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
