"""`onex run <node folder | service name>`: run a node as its FastStream Kafka service."""

from typing import Annotated

import typer
from rich.console import Console

from omnibase_infra.cli._local_stack import ensure_local_stack
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.local_infra import LocalInfraError
from omnibase_infra.runtime.host import run_node


def run(
    target: Annotated[
        str,
        typer.Argument(
            help="A node folder (contract.yaml + node.py) or a service name under services/."
        ),
    ],
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            help="HTTP port of /health, /ready, /metrics (0: any free port, logged at start); "
            "default ONEX_RUNTIME__HTTP_PORT.",
        ),
    ] = None,
    no_infra: Annotated[
        bool,
        typer.Option(
            "--no-infra",
            help="Do not start the local servers (by default those not running are started "
            "when the settings point at 127.0.0.1).",
        ),
    ] = False,
) -> None:
    """Consume the node's topics, handle, publish its outputs; stop cleanly on SIGTERM."""
    settings = load_settings()
    if not no_infra:
        _ensure_infra(settings)
    if port is not None:
        runtime = settings.runtime.model_copy(update={"http_port": port})
        settings = settings.model_copy(update={"runtime": runtime})
    raise typer.Exit(run_node(target, settings=settings))


def _ensure_infra(settings: ModelOnexSettings) -> None:
    # Progress on stderr: stdout carries the node's JSON log lines.
    errors = Console(stderr=True)
    try:
        ensure_local_stack(
            settings, lambda line: errors.print(f"onex run: {line}", highlight=False)
        )
    except LocalInfraError as error:
        errors.print(f"[red]onex run: the local infrastructure did not start:[/red]\n{error}")
        raise typer.Exit(1) from None
