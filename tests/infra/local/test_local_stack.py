"""The local stack manager: idempotent start, clean stop, stale pid files, one-line errors."""

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest
from omnibase_infra.config import (
    ModelOnexSettings,
    ModelPostgresSettings,
    ModelValkeySettings,
)
from omnibase_infra.local_infra import (
    EnumServerState,
    KafkaServer,
    LocalInfraError,
    ModelServerProcess,
    PostgresServer,
    stack_status,
    start_stack,
    stop_stack,
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_tree(pid: int) -> list[psutil.Process]:
    server = psutil.Process(pid)
    return [server, *server.children(recursive=True)]


def _still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The processes that still run (a zombie awaiting its parent's reaping has stopped)."""
    running = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                running.append(process)
        except psutil.NoSuchProcess:
            continue
    return running


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[ModelOnexSettings]:
    """Settings for a private stack in a temporary folder, on free ports; stopped afterwards."""
    settings = ModelOnexSettings(
        state_dir=tmp_path / ".onex",
        valkey=ModelValkeySettings(port=_free_port()),
        postgres=ModelPostgresSettings(port=_free_port()),
    )
    yield settings
    stop_stack(settings, lambda _line: None)


def test_second_start_changes_nothing(local_stack: ModelOnexSettings) -> None:
    before = stack_status(local_stack)
    said: list[str] = []

    after = start_stack(local_stack, said.append)

    assert said == []
    assert [row.pid for row in after] == [row.pid for row in before]


def test_status_shows_every_server_ready_with_version_port_and_pid(
    local_stack: ModelOnexSettings,
) -> None:
    rows = {row.name: row for row in stack_status(local_stack)}

    assert {"kafka", "postgres", "valkey"} <= rows.keys()
    assert all(row.ready and row.pid is not None and row.version for row in rows.values())
    assert rows["kafka"].port == local_stack.kafka.port
    assert rows["kafka"].version == local_stack.kafka.version
    assert rows["postgres"].port == local_stack.postgres.port
    assert rows["valkey"].port == local_stack.valkey.port


def test_stop_leaves_no_process_and_no_pid_file(isolated: ModelOnexSettings) -> None:
    [started] = start_stack(isolated, lambda _line: None, ["valkey"])
    assert started.ready and started.pid is not None
    tree = _server_tree(started.pid)

    stop_stack(isolated, lambda _line: None, ["valkey"])

    assert _still_running(tree) == []
    assert not (isolated.state_dir / "run" / "valkey.pid").exists()
    [stopped] = stack_status(isolated, ["valkey"])
    assert stopped.state is EnumServerState.STOPPED


def test_stale_pid_file_is_reported_then_replaced_by_a_fresh_start(
    isolated: ModelOnexSettings,
) -> None:
    exited = psutil.Popen(["true"])
    record = ModelServerProcess(pid=exited.pid, create_time=exited.create_time())
    exited.wait()
    pid_file = isolated.state_dir / "run" / "valkey.pid"
    pid_file.parent.mkdir(parents=True)
    pid_file.write_text(record.model_dump_json())

    [stale] = stack_status(isolated, ["valkey"])
    [restarted] = start_stack(isolated, lambda _line: None, ["valkey"])

    assert stale.state is EnumServerState.STALE and stale.pid is None
    assert restarted.ready and restarted.pid not in (None, exited.pid)


def test_server_running_with_other_settings_is_reported_then_restarted(
    isolated: ModelOnexSettings,
) -> None:
    [running] = start_stack(isolated, lambda _line: None, ["valkey"])
    assert running.pid is not None
    old_tree = _server_tree(running.pid)
    moved = isolated.model_copy(update={"valkey": ModelValkeySettings(port=_free_port())})
    said: list[str] = []

    [status] = stack_status(moved, ["valkey"])
    [restarted] = start_stack(moved, said.append, ["valkey"])

    assert status.state is EnumServerState.OTHER_SETTINGS and status.pid == running.pid
    assert said[0] == "valkey: its settings changed since it started; restarting it"
    assert restarted.ready and restarted.port == moved.valkey.port
    assert restarted.pid != running.pid and _still_running(old_tree) == []


def test_taken_port_is_one_line_naming_the_override_and_the_log(
    isolated: ModelOnexSettings,
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", isolated.valkey.port))
        squatter.listen()

        [status] = stack_status(isolated, ["valkey"])
        with pytest.raises(LocalInfraError) as raised:
            start_stack(isolated, lambda _line: None, ["valkey"])

    assert status.state is EnumServerState.PORT_TAKEN
    message = str(raised.value)
    assert "\n" not in message
    assert f"port {isolated.valkey.port}" in message
    assert "ONEX_VALKEY__PORT" in message
    assert str(isolated.state_dir / "logs" / "valkey.log") in message


def test_missing_postgres_server_says_what_to_install(isolated: ModelOnexSettings) -> None:
    settings = isolated.model_copy(
        update={"postgres": ModelPostgresSettings(bin_dir=Path("/nonexistent/postgresql/bin"))}
    )

    with pytest.raises(LocalInfraError) as raised:
        start_stack(settings, lambda _line: None, ["postgres"])

    message = str(raised.value)
    assert message.startswith("postgres: PostgreSQL server not found in /nonexistent")
    assert "install-system-packages.sh" in message and "ONEX_POSTGRES__BIN_DIR" in message


def test_missing_java_says_what_to_install(
    isolated: ModelOnexSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    missing = KafkaServer(isolated).missing_prerequisite()

    assert missing is not None and missing.startswith("Java not found on PATH; install Java 17")


def test_missing_maven_matters_only_until_the_jars_are_cached(
    isolated: ModelOnexSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    only_java = tmp_path / "bin"
    only_java.mkdir()
    java = shutil.which("java")
    assert java is not None
    (only_java / "java").symlink_to(java)
    monkeypatch.setenv("PATH", str(only_java))
    server = KafkaServer(isolated.model_copy(update={"cache_dir": tmp_path / "cache"}))

    before = server.missing_prerequisite()
    server.jar_dir.mkdir(parents=True)
    (server.jar_dir / ".complete").touch()

    assert before is not None and before.startswith("Maven (mvn) not found on PATH")
    assert server.missing_prerequisite() is None


def test_down_with_wipe_deletes_the_data(isolated: ModelOnexSettings) -> None:
    start_stack(isolated, lambda _line: None, ["valkey"])
    data_dir = isolated.state_dir / "valkey"
    assert data_dir.is_dir()

    stop_stack(isolated, lambda _line: None, ["valkey"], wipe=True)

    assert not data_dir.exists()


def test_server_that_exits_while_starting_points_at_its_log(isolated: ModelOnexSettings) -> None:
    # 203.0.113.1 (a documentation address) is not on this machine: the server cannot bind it.
    settings = isolated.model_copy(
        update={"valkey": ModelValkeySettings(host="203.0.113.1", port=isolated.valkey.port)}
    )

    with pytest.raises(LocalInfraError) as raised:
        start_stack(settings, lambda _line: None, ["valkey"])

    log_path = settings.state_dir / "logs" / "valkey.log"
    assert str(raised.value) == (
        f"valkey: the server exited while starting; read {log_path}, "
        "fix the cause, then run `onex infra up` again"
    )
    assert "203.0.113.1" in log_path.read_text()


def test_unknown_server_name_is_rejected_with_the_known_ones(
    isolated: ModelOnexSettings,
) -> None:
    with pytest.raises(LocalInfraError, match="unknown local server kafak; choose from kafka"):
        stack_status(isolated, ["kafak"])


async def test_private_postgres_serves_the_onex_role_and_stops_with_its_workers(
    isolated: ModelOnexSettings,
) -> None:
    server = PostgresServer(isolated)
    try:
        [started] = start_stack(isolated, lambda _line: None, ["postgres"])
        postgres = isolated.postgres
        connection = await asyncpg.connect(
            host=postgres.host,
            port=postgres.port,
            user=postgres.user,
            password=postgres.password.get_secret_value(),
            database=postgres.database,
        )
        assert await connection.fetchval("SELECT current_user") == postgres.user
        await connection.close()
        assert started.pid is not None
        tree = _server_tree(started.pid)
        assert len(tree) > 1, "the postmaster and its workers"

        stop_stack(isolated, lambda _line: None, ["postgres"])

        assert _still_running(tree) == []
    finally:
        # Where the postgres user cannot reach the temporary folder, the data lives outside it.
        if not server.data_dir.is_relative_to(isolated.state_dir):
            shutil.rmtree(server.data_dir, ignore_errors=True)
