"""Detached server processes: spawn, pid files, liveness, stop, and free-port checks."""

import atexit
import contextlib
import errno
import os
import pwd
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

import psutil
from pydantic import ValidationError

from omnibase_infra.local_infra.model_server_process import ModelServerProcess

# Servers started by this Python process. Holding them keeps `Popen.__del__` from warning
# about a still-running child, and polling them reaps the ones that exited (no zombies).
_children: list[subprocess.Popen[bytes]] = []


@atexit.register
def _leave_servers_running() -> None:
    """The servers outlive this process on purpose: let go of them without a warning."""
    for child in _children:
        if child.poll() is None:
            child.returncode = 0  # Popen has no detach; a known return code ends its tracking
    _children.clear()


def read_record(pid_path: Path) -> ModelServerProcess | None:
    """The pid file's record, or None when there is none or it is unreadable."""
    try:
        return ModelServerProcess.model_validate_json(pid_path.read_text())
    except (OSError, ValidationError):
        return None


def write_record(pid_path: Path, record: ModelServerProcess) -> None:
    pid_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = pid_path.with_suffix(".tmp")
    temporary.write_text(record.model_dump_json())
    temporary.replace(pid_path)


def live_process(record: ModelServerProcess | None) -> psutil.Process | None:
    """The recorded server process if it still runs, else None (it exited or the pid moved on)."""
    if record is None:
        return None
    for child in _children:
        child.poll()
    try:
        process = psutil.Process(record.pid)
        if abs(process.create_time() - record.create_time) > 0.01:
            return None
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
    except psutil.Error:
        return None
    return process


def spawn(
    command: list[str],
    *,
    log_path: Path,
    cwd: Path,
    user: str | None,
    extra_env: dict[str, str] | None = None,
) -> ModelServerProcess:
    """Start `command` in its own session, output to `log_path` (the previous log kept as .1).

    `extra_env` is added to the inherited environment (secrets stay out of `ps` output).
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if log_path.exists():
        log_path.replace(log_path.with_name(log_path.name + ".1"))
    identity = _identity(user)
    env = {**(identity.env or os.environ), **extra_env} if extra_env else identity.env
    with log_path.open("wb") as log:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
            user=identity.user,
            group=identity.group,
            extra_groups=identity.extra_groups,
            env=env,
        )
    _children.append(child)
    return ModelServerProcess(
        pid=child.pid, create_time=psutil.Process(child.pid).create_time(), command=tuple(command)
    )


def run_once(
    command: list[str], *, cwd: Path, user: str | None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a short set-up command (initdb, psql, a storage format) and capture its output."""
    identity = _identity(user)
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        user=identity.user,
        group=identity.group,
        extra_groups=identity.extra_groups,
        env=identity.env,
    )


def stop(record: ModelServerProcess, stop_signal: signal.Signals, timeout_s: float) -> None:
    """Ask the server to stop, kill it after `timeout_s`, and kill any worker it left behind."""
    process = live_process(record)
    workers: list[psutil.Process] = []
    if process is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            workers = process.children(recursive=True)
            process.send_signal(stop_signal)
        if not _wait_gone(process, timeout_s):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
            _wait_gone(process, 5)
    # Workers may run in sessions of their own (PostgreSQL's do), out of reach of killpg.
    for worker in workers:
        with contextlib.suppress(psutil.NoSuchProcess):
            if worker.is_running():
                worker.kill()
    if _group_is_ours(record):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pid, signal.SIGKILL)
    for child in _children:
        child.poll()


def _wait_gone(process: psutil.Process, timeout_s: float) -> bool:
    # A zombie counts as gone: whoever owns it reaps it in its own time.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for child in _children:
            child.poll()
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.02)
    return False


def _group_is_ours(record: ModelServerProcess) -> bool:
    # A process group keeps its id reserved while it has members, so group `pid` is ours
    # unless an unrelated process now owns that pid (and may lead a group of its own).
    try:
        return abs(psutil.Process(record.pid).create_time() - record.create_time) <= 0.01
    except psutil.NoSuchProcess:
        return True


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port (sockets in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            # Any other failure (an address not on this machine) is the server's to report.
            return error.errno != errno.EADDRINUSE
    return True


def accepts_connections(host: str, port: int) -> bool:
    """True when a TCP connection to host:port succeeds within a second."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def switches_user(user: str | None) -> bool:
    """True when a server must run as another system user than this process's."""
    return user is not None and os.geteuid() == 0 and user != pwd.getpwuid(0).pw_name


class _Identity(NamedTuple):
    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None
    env: dict[str, str] | None = None


def _identity(user: str | None) -> _Identity:
    if user is None or not switches_user(user):
        return _Identity()
    entry = pwd.getpwnam(user)
    environment = {**os.environ, "HOME": entry.pw_dir, "USER": user, "LOGNAME": user}
    return _Identity(entry.pw_uid, entry.pw_gid, [], environment)
