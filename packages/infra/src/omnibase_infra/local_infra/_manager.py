"""Bring the local stack up, down, and report it: idempotent, one lock, one pid file each."""

import fcntl
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.local_infra import _process
from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra.enum_server_state import EnumServerState
from omnibase_infra.local_infra.errors import LocalInfraError
from omnibase_infra.local_infra.model_server_process import ModelServerProcess
from omnibase_infra.local_infra.model_server_status import ModelServerStatus
from omnibase_infra.local_infra.stack import STACK

_POLL_S = 0.1


def start_stack(
    settings: ModelOnexSettings, progress: Progress, names: Sequence[str] = ()
) -> list[ModelServerStatus]:
    """Start every stack server not already running and wait until all are ready.

    A second call while the servers run changes nothing; a server started with other
    settings (ports, paths, flags) is restarted. Raises `LocalInfraError` with one line per
    problem (missing prerequisite, taken port, failed start) and the log to read.
    """
    servers = select_servers(settings, names)
    with _stack_lock(settings):
        for server in servers:
            _stop_if_changed(server, progress)
        to_start = [server for server in servers if _running(server) is None]
        _check_can_start(to_start)
        for server in to_start:
            _start(server, progress)
        _wait_until_ready(servers, to_start, progress)
    return stack_status(settings, names)


def stop_stack(
    settings: ModelOnexSettings,
    progress: Progress,
    names: Sequence[str] = (),
    *,
    wipe: bool = False,
) -> None:
    """Stop the stack's servers in reverse start order; a no-op for servers not running.

    With `wipe`, also delete their data directories so the next start is from empty.
    """
    servers = select_servers(settings, names)
    with _stack_lock(settings):
        for server in reversed(servers):
            _stop(server, progress)
            if wipe and server.data_dir.exists():
                shutil.rmtree(server.data_dir)
                progress(f"{server.name}: deleted its data in {server.data_dir}")


def stack_status(settings: ModelOnexSettings, names: Sequence[str] = ()) -> list[ModelServerStatus]:
    """One status row per stack server, probing the ones that run."""
    return [_status(server) for server in select_servers(settings, names)]


def select_servers(settings: ModelOnexSettings, names: Sequence[str] = ()) -> list[LocalServer]:
    """The stack's servers in start order, or only those named (unknown names are an error)."""
    servers = [server_class(settings) for server_class in STACK]
    known = [server.name for server in servers]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise LocalInfraError(
            f"unknown local server {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    return [server for server in servers if not names or server.name in names]


def _status(server: LocalServer) -> ModelServerStatus:
    record = _process.read_record(_pid_path(server))
    if _process.live_process(record) is not None and record is not None:
        pid: int | None = record.pid
        if not _matches(server, record):
            state = EnumServerState.OTHER_SETTINGS
        elif server.is_ready():
            state = EnumServerState.READY
        else:
            state = EnumServerState.STARTING
    else:
        pid = None
        if record is not None:
            state = EnumServerState.STALE
        elif _taken_ports(server):
            state = EnumServerState.PORT_TAKEN
        else:
            state = EnumServerState.STOPPED
    return ModelServerStatus(
        name=server.name,
        version=server.version,
        port=server.port,
        pid=pid,
        state=state,
        log_path=server.log_path,
    )


def _stop(server: LocalServer, progress: Progress) -> None:
    pid_path = _pid_path(server)
    record = _process.read_record(pid_path)
    if record is None:
        return
    if _process.live_process(record) is None:
        progress(f"{server.name}: removed a stale pid file (pid {record.pid} had exited)")
    else:
        progress(f"{server.name}: stopping (pid {record.pid})")
        _process.stop(record, server.stop_signal, server.stop_timeout_s)
    pid_path.unlink(missing_ok=True)


def _stop_if_changed(server: LocalServer, progress: Progress) -> None:
    record = _running(server)
    if record is not None and not _matches(server, record):
        progress(f"{server.name}: its settings changed since it started; restarting it")
        _stop(server, progress)


def _matches(server: LocalServer, record: ModelServerProcess) -> bool:
    return record.command == tuple(server.command()) and record.ports == server.ports


def _check_can_start(servers: list[LocalServer]) -> None:
    problems = []
    for server in servers:
        missing = server.missing_prerequisite()
        if missing is not None:
            problems.append(f"{server.name}: {missing}")
        for field, port in _taken_ports(server).items():
            override = f"ONEX_{server.name.upper()}__{field.upper()}"
            problems.append(
                f"{server.name}: port {port} on {server.host} is taken by another process; "
                f"stop that process or set {override} to a free port (log: {server.log_path})"
            )
    if problems:
        raise LocalInfraError("\n".join(problems))


def _start(server: LocalServer, progress: Progress) -> None:
    pid_path = _pid_path(server)
    pid_path.unlink(missing_ok=True)
    server.ensure_installed(progress)
    server.data_dir.mkdir(parents=True, exist_ok=True)
    server.prepare()
    record = _process.spawn(
        server.command(),
        log_path=server.log_path,
        cwd=server.data_dir,
        user=server.run_as_user,
        extra_env=server.environment(),
    ).model_copy(update={"ports": server.ports})
    _process.write_record(pid_path, record)
    progress(f"{server.name}: starting {server.version} on port {server.port} (pid {record.pid})")


def _wait_until_ready(
    servers: list[LocalServer], started_now: list[LocalServer], progress: Progress
) -> None:
    started = time.monotonic()
    waiting = list(servers)
    while waiting:
        for server in list(waiting):
            record = _process.read_record(_pid_path(server))
            if record is None or _process.live_process(record) is None:
                raise LocalInfraError(
                    f"{server.name}: the server exited while starting; read {server.log_path}, "
                    "fix the cause, then run `onex infra up` again"
                )
            if server.is_ready():
                if not record.seeded:
                    _seed(server, record, time.monotonic() - started, progress)
                waiting.remove(server)
            elif time.monotonic() - started > server.ready_timeout_s:
                raise _not_ready(server, record, stop=server in started_now)
        if waiting:
            time.sleep(_POLL_S)


def _not_ready(server: LocalServer, record: ModelServerProcess, *, stop: bool) -> LocalInfraError:
    waited = f"not ready after {server.ready_timeout_s:.0f} s"
    if not stop:
        # Started earlier, maybe by someone else: report it, leave it alone.
        return LocalInfraError(
            f"{server.name}: running (pid {record.pid}) but {waited}; read {server.log_path}, "
            f"then run `onex infra down {server.name}` and `onex infra up`"
        )
    _process.stop(record, server.stop_signal, server.stop_timeout_s)
    _pid_path(server).unlink(missing_ok=True)
    return LocalInfraError(
        f"{server.name}: {waited}, stopped it; read {server.log_path}, "
        "then run `onex infra up` again"
    )


def _seed(
    server: LocalServer, record: ModelServerProcess, elapsed: float, progress: Progress
) -> None:
    server.after_ready()
    _process.write_record(_pid_path(server), record.model_copy(update={"seeded": True}))
    progress(f"{server.name}: ready after {elapsed:.1f} s")


def _running(server: LocalServer) -> ModelServerProcess | None:
    record = _process.read_record(_pid_path(server))
    return record if _process.live_process(record) is not None else None


def _taken_ports(server: LocalServer) -> dict[str, int]:
    host = server.host
    return {
        field: port for field, port in server.ports.items() if not _process.port_is_free(host, port)
    }


def _pid_path(server: LocalServer) -> Path:
    return server.settings.state_dir / "run" / f"{server.name}.pid"


@contextmanager
def _stack_lock(settings: ModelOnexSettings) -> Iterator[None]:
    # Two `onex infra up` (or parallel test sessions) must not start a server twice.
    lock_path = settings.state_dir / "run" / "stack.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
