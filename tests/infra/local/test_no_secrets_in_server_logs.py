"""No server log of the local stack holds the Vault token or the PostgreSQL password."""

import shutil
import socket
from pathlib import Path

import httpx
import pytest
from omnibase_infra.config import ModelOnexSettings, ModelPostgresSettings
from omnibase_infra.local_infra import PostgresServer, VaultServer, start_stack, stop_stack


def _secrets(settings: ModelOnexSettings) -> dict[str, str]:
    return {
        "ONEX_VAULT__TOKEN": settings.vault.token.get_secret_value(),
        "ONEX_POSTGRES__PASSWORD": settings.postgres.password.get_secret_value(),
    }


def _leaks(log_dir: Path, secrets: dict[str, str]) -> list[str]:
    """One `file:line: setting` entry per log line that holds a secret's value."""
    found: list[str] = []
    for path in sorted(item for item in log_dir.rglob("*") if item.is_file()):
        for setting, numbers in _lines_holding(path, secrets).items():
            found.extend(f"{path}:{number}: the value of {setting}" for number in numbers)
    return found


def _lines_holding(path: Path, secrets: dict[str, str]) -> dict[str, list[int]]:
    """For each secret, the numbers of the lines of `path` that hold its value.

    Read in chunks: the log of a busy dev agent grows to gigabytes, more than memory holds.
    """
    values = {setting: value.encode() for setting, value in secrets.items()}
    numbers: dict[str, set[int]] = {setting: set() for setting in values}
    keep = max(len(value) for value in values.values()) - 1
    newlines_before = 0  # in the file before `data`
    data = b""
    with path.open("rb") as log:
        while chunk := log.read(1 << 24):
            data += chunk
            for setting, value in values.items():
                at = data.find(value)
                while at != -1:
                    numbers[setting].add(newlines_before + data.count(b"\n", 0, at) + 1)
                    at = data.find(value, at + 1)
            # The end may be the start of a value the next chunk completes: look at it again.
            cut = max(len(data) - keep, 0)
            newlines_before += data.count(b"\n", 0, cut)
            data = data[cut:]
    return {setting: sorted(found) for setting, found in numbers.items() if found}


@pytest.fixture(scope="module")
def reseeded(local_stack: ModelOnexSettings) -> ModelOnexSettings:
    """The running stack after its seeding ran once more, so its log lines are in the logs."""
    PostgresServer(local_stack).after_ready()
    VaultServer(local_stack).after_ready()
    return local_stack


def test_secrets_to_look_for_are_set(reseeded: ModelOnexSettings) -> None:
    assert all(len(value) >= 8 for value in _secrets(reseeded).values())


def test_logs_of_the_running_servers_are_scanned(reseeded: ModelOnexSettings) -> None:
    log_dir = reseeded.state_dir / "logs"

    assert "Vault server started" in (log_dir / "vault.log").read_text()
    for name in ("kafka", "postgres", "valkey", "consul"):
        assert (log_dir / f"{name}.log").stat().st_size > 0


def test_vault_answers_with_the_settings_token(reseeded: ModelOnexSettings) -> None:
    answer = httpx.get(
        f"{reseeded.vault.url}/v1/auth/token/lookup-self",
        headers={"X-Vault-Token": reseeded.vault.token.get_secret_value()},
        timeout=5.0,
    )

    assert answer.status_code == httpx.codes.OK


def test_no_log_file_holds_the_vault_token_or_the_postgres_password(
    reseeded: ModelOnexSettings,
) -> None:
    leaks = _leaks(reseeded.state_dir / "logs", _secrets(reseeded))

    assert not leaks, "secrets found in server logs:\n" + "\n".join(leaks)


def test_the_scan_names_file_and_line_of_a_leak(tmp_path: Path) -> None:
    (tmp_path / "server.log").write_text("starting\nRoot Token: s3cret-value\nready\n")

    leaks = _leaks(tmp_path, {"ONEX_VAULT__TOKEN": "s3cret-value"})

    assert leaks == [f"{tmp_path / 'server.log'}:2: the value of ONEX_VAULT__TOKEN"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_postgres_seed_stays_out_of_a_log_that_records_every_statement(tmp_path: Path) -> None:
    settings = ModelOnexSettings(
        state_dir=tmp_path / ".onex", postgres=ModelPostgresSettings(port=_free_port())
    )
    server = PostgresServer(settings)
    try:
        server.prepare()
        with (server.data_dir / "postgresql.auto.conf").open("a") as conf:
            conf.write("log_statement = 'all'\n")

        start_stack(settings, lambda _line: None, ["postgres"])
        stop_stack(settings, lambda _line: None, ["postgres"])

        log = server.log_path.read_text()
        assert "LOG:  statement: " in log
        leaked = settings.postgres.password.get_secret_value() in log
        assert not leaked, f"the PostgreSQL password is in {server.log_path}"
    finally:
        stop_stack(settings, lambda _line: None, ["postgres"])
        # Where the postgres user cannot reach the temporary folder, the data lives outside it.
        if not server.data_dir.is_relative_to(settings.state_dir):
            shutil.rmtree(server.data_dir, ignore_errors=True)
