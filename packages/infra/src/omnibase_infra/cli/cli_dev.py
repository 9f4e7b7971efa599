"""`onex dev`: the registration pipeline and two example nodes, with the registry live on screen."""

import asyncio
import os
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from omnibase_infra.cli._dev_processes import (
    DEV_ENVIRONMENT,
    PIPELINE,
    DevProcess,
    dev_processes,
    project_root,
    taken_ports,
)
from omnibase_infra.cli._local_stack import ensure_local_stack
from omnibase_infra.cli.cli_nodes import watch_registry
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.local_infra import LocalInfraError
from omnibase_infra.registration import REGISTRY_PATH

_STOP_SECONDS = 15.0
_console = Console()


def dev(
    no_infra: Annotated[
        bool, typer.Option("--no-infra", help="Do not start the local servers first.")
    ] = False,
    port: Annotated[
        int | None,
        typer.Option(
            help="HTTP port of the orchestrator (GET /registry/nodes); the other processes take "
            "the next ones. Default ONEX_RUNTIME__HTTP_PORT."
        ),
    ] = None,
) -> None:
    """Run the four registration services and two example nodes; show the registry live.

    Logs go to .onex/logs/dev.log, one `[process]` prefix per line. Ctrl-C stops everything.
    """
    settings = load_settings()
    console = _console
    try:
        root = project_root(Path.cwd())
        if not no_infra:
            ensure_local_stack(settings, lambda line: console.print(line, highlight=False))
    except (ProtocolConfigurationError, LocalInfraError) as error:
        console.print(f"[red]onex dev:[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    processes = dev_processes(root, port or settings.runtime.http_port)
    taken = taken_ports(settings.runtime.http_host, [process.port for process in processes])
    if taken:
        ports = ", ".join(map(str, taken))
        console.print(f"[red]onex dev:[/red] port {ports} taken (another `onex dev`?); try --port")
        raise typer.Exit(1)
    asyncio.run(_run(settings, processes, settings.state_dir / "logs" / "dev.log"))


async def _run(settings: ModelOnexSettings, processes: list[DevProcess], log_path: Path) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    env = {**DEV_ENVIRONMENT, **os.environ}  # the user's environment wins
    since = datetime.now(UTC)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"=== onex dev started {since:%Y-%m-%d %H:%M:%S} UTC ===\n")
        try:
            for process in processes:
                await process.start(env, log)
            panel = _Panel(settings, processes, log_path, env)
            await watch_registry(settings, extra=panel.render, stop=stop, since=since)
        finally:
            await _stop_all(processes)


async def _stop_all(processes: list[DevProcess]) -> None:
    """Stop the examples first (their goodbye is still processed), then the pipeline."""
    console = _console
    console.print("stopping the example nodes, then the registration pipeline...")
    examples = [process for process in processes if process.name not in PIPELINE]
    pipeline = [process for process in processes if process.name in PIPELINE]
    for group in (examples, pipeline):
        await asyncio.gather(*(process.stop(_STOP_SECONDS) for process in group))
    console.print("all stopped")


class _Panel:
    """What `onex dev` shows under the registry: its processes and how to play with them."""

    def __init__(
        self,
        settings: ModelOnexSettings,
        processes: list[DevProcess],
        log_path: Path,
        env: dict[str, str],
    ) -> None:
        self._processes = processes
        host = settings.runtime.http_host
        self._api = f"http://{host}:{processes[0].port}{REGISTRY_PATH}"
        self._log = _shown(log_path)
        self._liveness = env["ONEX_REGISTRATION__LIVENESS_TIMEOUT_SECONDS"]

    def render(self) -> RenderableType:
        table = Table("process", "pid", "port", "status", title="onex dev processes")
        table.title_justify = "left"
        for process in self._processes:
            table.add_row(
                process.name, str(process.pid or "-"), str(process.port), _status(process)
            )
        hints = Text.from_markup(
            f"registry API [bold]{self._api}[/bold]   logs [bold]{self._log}[/bold]\n"
            "stop a node: [bold]kill <pid>[/bold] deregisters it at once; "
            f"[bold]kill -9 <pid>[/bold] leaves it to expire (liveness {self._liveness} s)\n"
            "[bold]Ctrl-C[/bold] stops everything"
        )
        return Group(table, hints)


def _status(process: DevProcess) -> Text:
    code = process.exit_code
    if process.pid is None:
        return Text("starting", style="yellow")
    if code is None:
        return Text("running", style="green")
    return Text(f"exited ({code})", style="red")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
