"""PostgreSQL from the system's server binaries, run as the `postgres` user when we are root."""

import hashlib
import os
import pwd
import re
import signal
import subprocess
import tempfile
from functools import cached_property
from pathlib import Path

from omnibase_infra.local_infra import _process
from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra.errors import LocalInfraError

_SYSTEM_USER = "postgres"
# A unix socket path must fit in 107 bytes; longer data paths put the socket in /tmp.
_MAX_SOCKET_DIR = 90


class PostgresServer(LocalServer):
    """A PostgreSQL cluster with the ONEX role and database, on loopback only."""

    name = "postgres"
    # SIGTERM waits for every client to disconnect; SIGINT is PostgreSQL's fast shutdown.
    stop_signal = signal.SIGINT

    @cached_property
    def version(self) -> str:
        binary = self.settings.postgres.bin_dir / "postgres"
        if not os.access(binary, os.X_OK):
            return "not installed"
        shown = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
        found = re.search(r"\d+(\.\d+)+", shown.stdout)
        return found.group(0) if found else "unknown"

    @property
    def host(self) -> str:
        return self.settings.postgres.host

    @property
    def port(self) -> int:
        return self.settings.postgres.port

    @property
    def run_as_user(self) -> str | None:
        return _SYSTEM_USER if os.geteuid() == 0 else None

    @cached_property
    def data_dir(self) -> Path:
        """`.onex/postgres`, unless the `postgres` user cannot reach it (a clone under /root)."""
        preferred = self.settings.state_dir / self.name
        user = self.run_as_user
        if user is None or _reachable_by(user, self.settings.state_dir):
            return preferred
        digest = hashlib.sha256(str(self.settings.state_dir).encode()).hexdigest()[:12]
        return Path(pwd.getpwnam(user).pw_dir) / "onex" / digest

    def missing_prerequisite(self) -> str | None:
        bin_dir = self.settings.postgres.bin_dir
        if not os.access(bin_dir / "postgres", os.X_OK):
            return (
                f"PostgreSQL server not found in {bin_dir}; run deploy/local/install-system-"
                "packages.sh (Debian package postgresql) or set ONEX_POSTGRES__BIN_DIR"
            )
        user = self.run_as_user
        if user is not None and not _user_exists(user):
            return (
                f"PostgreSQL refuses to run as root and there is no '{user}' user; "
                f"create it (useradd --system {user}) or run as a normal user"
            )
        return None

    def ensure_installed(self, progress: Progress) -> None:
        if self.data_dir.parent != self.settings.state_dir:
            progress(
                f"postgres: the '{self.run_as_user}' user cannot reach "
                f"{self.settings.state_dir}, so its data lives in {self.data_dir}"
            )

    def prepare(self) -> None:
        _own(self.data_dir, self.run_as_user)
        _own(self._socket_dir, self.run_as_user)
        if (self.data_dir / "PG_VERSION").is_file():
            return
        created = self._run(
            "initdb", "--pgdata", str(self.data_dir), "--username", _SYSTEM_USER,
            "--auth-local", "trust", "--auth-host", "scram-sha-256",
            "--encoding", "UTF8", "--no-locale",
        )  # fmt: skip
        if created.returncode != 0:
            initdb_log = self.log_path.with_name("postgres-initdb.log")
            initdb_log.parent.mkdir(parents=True, exist_ok=True)
            initdb_log.write_text(created.stdout + created.stderr)
            raise LocalInfraError(
                f"postgres: initdb failed in {self.data_dir}; read {initdb_log} (an unfinished "
                "data directory can be deleted to start again)"
            )

    def command(self) -> list[str]:
        return [
            str(self.settings.postgres.bin_dir / "postgres"),
            "-D", str(self.data_dir),
            "-p", str(self.port),
            "-h", self.host,
            "-k", str(self._socket_dir),
        ]  # fmt: skip

    def is_ready(self) -> bool:
        probe = [
            str(self.settings.postgres.bin_dir / "pg_isready"),
            "--quiet", "--host", self.host, "--port", str(self.port), "--timeout", "1",
        ]  # fmt: skip
        try:
            return subprocess.run(probe, capture_output=True, check=False).returncode == 0
        except OSError:
            return False

    def after_ready(self) -> None:
        seeded = self._run(
            "psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
            "--host", str(self._socket_dir), "--port", str(self.port),
            "--username", _SYSTEM_USER, "--dbname", "postgres",
            stdin=self._seed_sql(),
        )  # fmt: skip
        if seeded.returncode != 0:
            secret = self.settings.postgres.password.get_secret_value()
            reason = seeded.stderr.strip().replace(secret, "***") if secret else seeded.stderr
            raise LocalInfraError(
                f"postgres: creating the ONEX role and database failed ({reason}); "
                f"read {self.log_path}"
            )

    def _seed_sql(self) -> str:
        settings = self.settings.postgres
        role, database = _literal(settings.user), _literal(settings.database)
        password = _literal(settings.password.get_secret_value())
        return (
            "\\set VERBOSITY terse\n"
            # The statements below carry the password: never into the server log, whatever
            # its logging settings (statements, slow statements, failed statements).
            "SET log_statement = 'none';\n"
            "SET log_min_duration_statement = -1;\n"
            "SET log_min_error_statement = 'panic';\n"
            f"SELECT format('CREATE ROLE %I', {role}) "
            f"WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {role})\\gexec\n"
            f"SELECT format('ALTER ROLE %I WITH LOGIN CREATEDB PASSWORD %L', {role}, {password})"
            "\\gexec\n"
            f"SELECT format('CREATE DATABASE %I OWNER %I', {database}, {role}) "
            f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = {database})\\gexec\n"
        )

    @cached_property
    def _socket_dir(self) -> Path:
        if len(str(self.data_dir)) <= _MAX_SOCKET_DIR:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"onex-postgres-{digest}"

    def _run(
        self, program: str, *arguments: str, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self.settings.postgres.bin_dir / program), *arguments]
        return _process.run_once(command, cwd=self.data_dir, user=self.run_as_user, stdin=stdin)


def _literal(value: str) -> str:
    # Doubling quotes is complete escaping under standard_conforming_strings (on by default).
    return "'" + value.replace("'", "''") + "'"


def _own(directory: Path, user: str | None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    if user is not None and _process.switches_user(user):
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)


def _user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _reachable_by(user: str, directory: Path) -> bool:
    """True when `user` can traverse every folder down to `directory` (or where it will be)."""
    existing = directory
    while not existing.exists():
        existing = existing.parent
    if not _user_exists(user):
        return True
    checked = _process.run_once(["test", "-x", str(existing)], cwd=Path("/"), user=user)
    return checked.returncode == 0
