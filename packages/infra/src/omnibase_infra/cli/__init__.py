"""The `onex` command line: one entry point, one sub-command module per concern."""

import typer

app = typer.Typer(
    no_args_is_help=True,
    help="ONEX: contract-driven runtime for event-driven infrastructure.",
)

# Each concern registers its own sub-commands here (one line each).


def main() -> None:
    app()
