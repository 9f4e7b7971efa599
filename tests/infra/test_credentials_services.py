"""Every registration service, run with `onex run`, connects with the credentials Vault holds.

Each test gets its own PostgreSQL role and database whose password is a fresh canary known
only to the real Vault (the settings carry a decoy), so a service that reaches `/ready`
proves it read Vault; the shared `onex` role and secrets are never touched. The canaries
must appear in no log line, no `/metrics` body and no error.
"""

import asyncio
import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import hvac  # type: ignore[import-untyped]  # hvac ships no type information
import pytest
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.local_infra import PostgresServer
from onex_process import OnexRunProcess

pytestmark = pytest.mark.usefixtures("local_stack")

SERVICES = [
    "registration-orchestrator",
    "registration-reducer",
    "registry-effect",
    "runtime-scheduler",
]
# The services whose contract needs PostgreSQL (registry-effect talks to Consul only).
USES_POSTGRES = {"registration-orchestrator", "registration-reducer", "runtime-scheduler"}
MOUNT = "secret"
# Deadlines, not expected durations: every wait returns as soon as its condition holds.
# A cold `onex run` (interpreter, imports, Vault, connecting) takes ~5 s on an idle machine
# but several times that on a 2-core machine loaded by other work (CI beside a dev stack).
STARTUP_SECONDS = 120.0
STOP_SECONDS = 60.0


def canary(kind: str) -> str:
    return f"canary-{kind}-{uuid.uuid4().hex[:12]}"


class Credentials:
    """A PostgreSQL role and database of its own, and its password and a Consul token in Vault."""

    def __init__(self) -> None:
        suffix = uuid.uuid4().hex[:10]
        self.role = self.database = f"onex_cred_{suffix}"
        self.password = canary("pg")
        self.consul_token = canary("consul")
        self.decoy = canary("decoy")  # what the settings say; never what gets used
        self.vault_base = f"onex-test/credentials-{suffix}"

    @property
    def secret_values(self) -> list[str]:
        return [self.password, self.consul_token, self.decoy]


@contextlib.asynccontextmanager
async def superuser(settings: ModelOnexSettings) -> AsyncIterator[asyncpg.Connection]:
    """The local server's superuser over its unix socket (local connections are trusted)."""
    server = PostgresServer(settings)
    connection = await asyncpg.connect(
        host=str(server._socket_dir),  # the stack's own socket folder
        port=settings.postgres.port,
        user="postgres",
        database="postgres",
    )
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def credentials(local_stack: ModelOnexSettings) -> AsyncIterator[Credentials]:
    created = Credentials()
    async with superuser(local_stack) as admin:
        statement = await admin.fetchval(
            "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)",
            created.role,
            created.password,
        )
        await admin.execute(statement)
        await admin.execute(f'CREATE DATABASE "{created.database}" OWNER "{created.role}"')
    vault = hvac.Client(
        url=local_stack.vault.url, token=local_stack.vault.token.get_secret_value(), timeout=5
    )
    secrets = {
        "postgres": {"password": created.password},
        "consul": {"token": created.consul_token},
    }
    for name, data in secrets.items():
        vault.secrets.kv.v2.create_or_update_secret(
            path=f"{created.vault_base}/{name}", secret=data, mount_point=MOUNT
        )
    yield created
    for name in secrets:
        vault.secrets.kv.v2.delete_metadata_and_all_versions(
            path=f"{created.vault_base}/{name}", mount_point=MOUNT
        )
    vault.adapter.close()
    async with superuser(local_stack) as admin:
        await admin.execute(f'DROP DATABASE IF EXISTS "{created.database}" WITH (FORCE)')
        await admin.execute(f'DROP ROLE IF EXISTS "{created.role}"')


@pytest.fixture
def service_env(local_stack: ModelOnexSettings, credentials: Credentials) -> dict[str, str]:
    """A service's environment: its own topics and database, Vault paths, a decoy password."""
    env = {key: value for key, value in os.environ.items() if key != "ONEX_CREDENTIALS_SOURCE"}
    return env | {
        "ONEX_ENV": f"t{uuid.uuid4().hex[:10]}",
        "ONEX_KAFKA__SESSION_TIMEOUT_MS": "1000",
        "ONEX_KAFKA__HEARTBEAT_INTERVAL_MS": "100",
        "ONEX_KAFKA__FETCH_MAX_WAIT_MS": "10",
        "ONEX_POSTGRES__USER": credentials.role,
        "ONEX_POSTGRES__DATABASE": credentials.database,
        "ONEX_POSTGRES__PASSWORD": credentials.decoy,
        "ONEX_VAULT__POSTGRES_SECRET_PATH": f"{credentials.vault_base}/postgres",
        "ONEX_VAULT__CONSUL_SECRET_PATH": f"{credentials.vault_base}/consul",
        "PYTHONUNBUFFERED": "1",
    }


class Service(OnexRunProcess):
    """`onex run <service> --port 0 --no-infra` as its own process, its output collected."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        super().__init__(name, "--port", "0", "--no-infra", env=env)

    def http_port(self, timeout: float = STARTUP_SECONDS) -> int:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            for line in self.lines:
                if "http_port" in line:
                    return int(str(line["http_port"]))
            assert self.process.poll() is None, f"exited early:\n{self.output[-3000:]}"
            time.sleep(0.02)
        raise AssertionError(f"no HTTP port logged within {timeout:.0f} s:\n{self.output[-3000:]}")

    def exit_code(self, timeout: float = STARTUP_SECONDS) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            output = self.output[-3000:]
            raise AssertionError(f"still running after {timeout:.0f} s:\n{output}") from None
        self.read_to_end()
        return code

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        return self.exit_code(STOP_SECONDS)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.exit_code(STOP_SECONDS)


@pytest.fixture
def run_service(service_env: dict[str, str]) -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for service in started:
        service.kill()
        if service.process.stdout is not None:
            service.process.stdout.close()


def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""  # not listening yet, or too busy to answer in time


async def wait_ready(service: Service) -> int:
    port = await asyncio.to_thread(service.http_port)
    async with asyncio.timeout(STARTUP_SECONDS):
        while (await asyncio.to_thread(http_get, port, "/ready", 5))[0] != 200:
            assert service.process.poll() is None, f"exited:\n{service.output[-3000:]}"
            await asyncio.sleep(0.05)
    return port


async def sessions_of(settings: ModelOnexSettings, role: str) -> int:
    async with superuser(settings) as admin:
        found = await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = $1", role
        )
    return int(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def errors_of(service: Service) -> list[dict[str, object]]:
    return [line for line in service.lines if line.get("level") == "ERROR"]


@pytest.mark.parametrize("name", SERVICES)
async def test_service_connects_with_the_password_vault_holds_and_never_shows_it(
    name: str,
    local_stack: ModelOnexSettings,
    credentials: Credentials,
    service_env: dict[str, str],
    run_service: list[Service],
) -> None:
    service = Service(name, service_env)
    run_service.append(service)

    port = await wait_ready(service)

    if name in USES_POSTGRES:
        assert await sessions_of(local_stack, credentials.role) > 0
    status, metrics = await asyncio.to_thread(http_get, port, "/metrics")
    assert status == 200
    assert "onex_node_info" in metrics
    assert await asyncio.to_thread(service.stop) == 0
    shown = service.output + metrics
    for value in credentials.secret_values:
        assert value not in shown


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("ONEX_VAULT__PORT", "Could not reach Vault at http://127.0.0.1:"),
        ("ONEX_VAULT__POSTGRES_SECRET_PATH", "ONEX_VAULT__POSTGRES_SECRET_PATH"),
        ("ONEX_VAULT__CONSUL_SECRET_PATH", "ONEX_VAULT__CONSUL_SECRET_PATH"),
    ],
    ids=["vault-down", "postgres-secret-missing", "consul-secret-missing"],
)
async def test_without_its_credentials_a_service_stops_with_one_clear_line(
    override: str,
    named: str,
    local_stack: ModelOnexSettings,
    credentials: Credentials,
    service_env: dict[str, str],
    run_service: list[Service],
) -> None:
    vault_token = canary("vault-token")
    missing = f"{credentials.vault_base}/missing"
    value = str(free_port()) if override == "ONEX_VAULT__PORT" else missing
    env = service_env | {override: value}
    if override == "ONEX_VAULT__PORT":
        env["ONEX_VAULT__TOKEN"] = vault_token  # a canary too: no Vault is there to check it
    service = Service("registration-reducer", env)
    run_service.append(service)

    code = await asyncio.to_thread(service.exit_code)

    assert code == 1
    (error,) = errors_of(service)
    message = str(error["message"])
    assert message.startswith("Cannot start registration-reducer: ")
    assert "cannot read the service credentials from Vault" in message
    assert named in message
    if override != "ONEX_VAULT__PORT":
        assert f"secret/{missing}" in message
    assert "Traceback" not in service.output
    assert not any("http_port" in line for line in service.lines), "served without credentials"
    assert await sessions_of(local_stack, credentials.role) == 0
    for secret in [*credentials.secret_values, vault_token]:
        assert secret not in service.output
