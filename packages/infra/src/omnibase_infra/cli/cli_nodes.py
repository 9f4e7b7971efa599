"""`onex nodes`: the node registry (PostgreSQL, through the Valkey read cache) in the terminal."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

import typer
from omnibase_core.models.generated import EnumNodeHealth
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from omnibase_infra.adapters.postgres import PostgresPoolManager, PostgresQueryError
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.credentials import service_credentials
from omnibase_infra.errors import RuntimeHostError
from omnibase_infra.observability import sanitize
from omnibase_infra.registration import (
    CachedRegistryReader,
    EnumRegistrationState,
    ModelNodeRegistration,
    PostgresRegistrationStore,
    registry_cache,
)

_console = Console()
_errors = Console(stderr=True)
_UNDEFINED_TABLE = "42P01"  # no registration service has created the registry yet
_STATE_STYLE = {
    EnumRegistrationState.ACTIVE: "bold green",
    EnumRegistrationState.AWAITING_ACK: "yellow",
    EnumRegistrationState.ACK_TIMED_OUT: "red",
    EnumRegistrationState.LIVENESS_EXPIRED: "bold red",
    EnumRegistrationState.DEREGISTERED: "dim",
}
Extra = Callable[[], RenderableType]


def nodes(
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the registrations as JSON (as GET /registry/nodes)."),
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", "-w", help="Keep a live table on screen (Ctrl-C to leave).")
    ] = False,
    interval: Annotated[
        float, typer.Option(min=0.2, help="Seconds between refreshes with --watch.")
    ] = 1.0,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many nodes.")] = 1000,
) -> None:
    """List the registered nodes: name, type, version, state, last heartbeat, endpoints."""
    settings = load_settings()
    try:
        if watch:
            asyncio.run(watch_registry(settings, interval=interval, limit=limit))
        else:
            registrations = asyncio.run(_read_once(settings, limit))
            if as_json:
                print(json.dumps(registry_json(registrations), indent=2))
            else:
                _console.print(registry_table(registrations))
    except RuntimeHostError as error:
        _errors.print(f"[red]cannot read the registry:[/red] {_brief(error)}", highlight=False)
        _errors.print("is the local stack up? `onex infra up` (or `just infra-up`) starts it")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass


def registry_json(registrations: Sequence[ModelNodeRegistration]) -> dict[str, object]:
    """The registrations as the HTTP endpoint gives them: `{"count": n, "nodes": [...]}`."""
    return {
        "count": len(registrations),
        "nodes": [registration.model_dump(mode="json") for registration in registrations],
    }


@asynccontextmanager
async def open_registry(settings: ModelOnexSettings) -> AsyncIterator[CachedRegistryReader]:
    """The registry reader of a command: one small PostgreSQL pool and the Valkey cache."""
    async with AsyncExitStack() as stack:
        settings = await stack.enter_async_context(service_credentials(settings))
        db = PostgresPoolManager.from_settings(
            settings, application_name="onex-nodes", min_pool_size=0, max_pool_size=2
        )
        await stack.enter_async_context(db)
        cache = registry_cache(settings)  # connects on first use; optional
        stack.push_async_callback(cache.close)
        yield CachedRegistryReader(
            PostgresRegistrationStore(db),
            cache,
            ttl_seconds=settings.registration.query_cache_ttl_seconds,
        )


async def read_registry(
    reader: CachedRegistryReader, limit: int = 1000
) -> Sequence[ModelNodeRegistration]:
    """Every registration (none while the registry table does not exist yet)."""
    try:
        return await reader.list_all(limit=limit)
    except PostgresQueryError as error:
        if error.sqlstate == _UNDEFINED_TABLE:
            return []
        raise


async def watch_registry(
    settings: ModelOnexSettings,
    *,
    interval: float = 1.0,
    limit: int = 1000,
    extra: Extra | None = None,
    stop: asyncio.Event | None = None,
    since: datetime | None = None,
) -> None:
    """Redraw the registry table every `interval` seconds until `stop` is set (or Ctrl-C).

    `extra()` is drawn under the table (`onex dev` shows its processes there). With `since`,
    nodes that were already gone before then (deregistered, expired) are left out. When the
    output is not a terminal, each node's state changes are printed as lines instead.
    """
    stop = stop or asyncio.Event()
    async with open_registry(settings) as reader:
        if not _console.is_terminal:  # a log file or a pipe: one line per change instead
            if extra is not None:
                _console.print(extra())
            await _print_changes(reader, interval, limit, stop, since)
            return
        with Live(console=_console, auto_refresh=False, screen=False) as live:
            while not stop.is_set():
                try:
                    registrations = await read_registry(reader, limit)
                    table: RenderableType = registry_table(current(registrations, since))
                except RuntimeHostError as error:
                    table = Text(f"registry unavailable: {_brief(error)}", style="red")
                live.update(Group(table, extra()) if extra else table, refresh=True)
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)


async def _print_changes(
    reader: CachedRegistryReader,
    interval: float,
    limit: int,
    stop: asyncio.Event,
    since: datetime | None,
) -> None:
    """Print `HH:MM:SS name id state` whenever a node appears or changes state."""
    shown: dict[object, EnumRegistrationState] = {}
    unavailable = False
    while not stop.is_set():
        try:
            registrations = current(await read_registry(reader, limit), since)
            unavailable = False
        except RuntimeHostError as error:
            if not unavailable:  # once per outage, not once per interval
                _console.print(f"registry unavailable: {_brief(error)}", highlight=False)
            unavailable, registrations = True, []
        for registration in registrations:
            if shown.get(registration.node_id) is not registration.state:
                shown[registration.node_id] = registration.state
                _console.print(
                    f"{datetime.now(UTC):%H:%M:%S} {registration.name or '-'} "
                    f"{str(registration.node_id)[:8]} {registration.state.value}",
                    highlight=False,
                )
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def current(
    registrations: Sequence[ModelNodeRegistration], since: datetime | None
) -> list[ModelNodeRegistration]:
    """The registrations still live, or changed at or after `since` (all without `since`)."""
    return [r for r in registrations if since is None or r.state.is_live or r.updated_at >= since]


def registry_table(
    registrations: Sequence[ModelNodeRegistration], now: datetime | None = None
) -> Table:
    """The registrations as a terminal table, with heartbeat ages relative to `now`."""
    now = now or datetime.now(UTC)
    active = sum(r.state is EnumRegistrationState.ACTIVE for r in registrations)
    table = Table(
        title=f"ONEX node registry: {len(registrations)} nodes, {active} active",
        caption=f"read at {now.astimezone():%H:%M:%S}",
        title_justify="left",
        caption_justify="left",
    )
    for column in ("id", "name", "type", "version", "state", "last heartbeat"):
        table.add_column(column, no_wrap=True)
    table.add_column("endpoints", overflow="fold")
    for r in registrations:
        table.add_row(
            str(r.node_id)[:8],
            r.name or "?",
            (r.node_type or "?").lower(),
            r.node_version or "?",
            state_text(r),
            age(r.last_heartbeat_at, now),
            endpoints_text(r.endpoints),
        )
    return table


def state_text(registration: ModelNodeRegistration) -> Text:
    """The registration state, coloured, with the node's health when it is not healthy."""
    text = Text(registration.state.value, style=_STATE_STYLE.get(registration.state, ""))
    health = registration.health
    if health is not None and health is not EnumNodeHealth.HEALTHY:
        text.append(f" ({health.value})", style="yellow")
    return text


def age(moment: datetime | None, now: datetime) -> str:
    """How long ago `moment` was: `4s ago`, `3m ago`, `2h ago`, `5d ago`; `-` if never."""
    if moment is None:
        return "-"
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def endpoints_text(endpoints: dict[str, str]) -> str:
    """Endpoints sharing one origin as `http://host:port/{health,ready}`, others one a line."""
    if not endpoints:
        return "-"
    urls = [urlsplit(url) for url in endpoints.values()]
    origins = {(url.scheme, url.netloc) for url in urls}
    if len(origins) == 1:
        scheme, netloc = origins.pop()
        paths = sorted(url.path.lstrip("/") for url in urls)
        shown = paths[0] if len(paths) == 1 else "{" + ",".join(paths) + "}"
        return f"{scheme}://{netloc}/{shown}"
    return "\n".join(f"{name} {url}" for name, url in sorted(endpoints.items()))


async def _read_once(settings: ModelOnexSettings, limit: int) -> Sequence[ModelNodeRegistration]:
    async with open_registry(settings) as reader:
        return await read_registry(reader, limit)


def _brief(error: BaseException) -> str:
    return sanitize(getattr(error, "message", None) or str(error))
