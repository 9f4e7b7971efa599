"""The `onex` command line: one entry point, one sub-command module per concern."""

import typer

from omnibase_infra.cli import (
    cli_codegen,
    cli_contract,
    cli_dev,
    cli_docs,
    cli_infra,
    cli_nodes,
    cli_run,
)

app = typer.Typer(
    no_args_is_help=True,
    help="ONEX: contract-driven runtime for event-driven infrastructure.",
)

# Each concern registers its own sub-commands here (one line each).
app.add_typer(cli_infra.app, name="infra")
app.add_typer(cli_contract.app, name="contract")
app.command(name="codegen")(cli_codegen.codegen)
app.command(name="run")(cli_run.run)
app.command(name="nodes")(cli_nodes.nodes)
app.command(name="dev")(cli_dev.dev)
app.command(name="docs")(cli_docs.docs)


def main() -> None:
    app()
