"""`onex run <node folder | service name>`: run a node as its FastStream Kafka service."""

from typing import Annotated

import typer

from omnibase_infra.config import load_settings
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
) -> None:
    """Consume the node's topics, handle, publish its outputs; stop cleanly on SIGTERM."""
    settings = load_settings()
    if port is not None:
        runtime = settings.runtime.model_copy(update={"http_port": port})
        settings = settings.model_copy(update={"runtime": runtime})
    raise typer.Exit(run_node(target, settings=settings))
