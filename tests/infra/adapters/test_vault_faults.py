"""Vault adapter pieces and failure paths that need no Vault: renewal timing, answers, outages."""

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from omnibase_infra.adapters.vault import (
    ModelVaultAppRoleAuth,
    ModelVaultTokenAuth,
    ModelVaultTokenInfo,
    VaultAdapter,
    renewal_delay,
)
from omnibase_infra.adapters.vault._wire import secret_data, token_info
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.errors import (
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ProtocolConfigurationError,
)

NO_RETRY = ModelRetryPolicy(max_attempts=1)
TOKEN_CANARY = "canary-vault-token-51c0de"


def info(ttl: int, creation_ttl: int, *, renewable: bool = True) -> ModelVaultTokenInfo:
    return ModelVaultTokenInfo(
        accessor="a", ttl_seconds=ttl, creation_ttl_seconds=creation_ttl, renewable=renewable
    )


def adapter_on(port: int, **overrides: object) -> VaultAdapter:
    settings = ModelOnexSettings.model_validate({"vault": {"port": port}})
    return VaultAdapter.from_settings(settings, retry=NO_RETRY, **overrides)


def test_token_is_due_for_renewal_once_less_than_the_fraction_of_its_ttl_is_left() -> None:
    assert renewal_delay(info(3600, 3600), 0.5) == 1800
    assert renewal_delay(info(2000, 3600), 0.5) == 200
    assert renewal_delay(info(1000, 3600), 0.5) == 0.5  # overdue: soon, but never a hot loop
    assert renewal_delay(info(0, 0), 0.5) is None  # a root token never expires


def test_token_lookup_keeps_no_token_id() -> None:
    answer = {
        "data": {
            "id": TOKEN_CANARY,
            "accessor": "acc",
            "ttl": 30,
            "creation_ttl": 60,
            "renewable": True,
            "policies": ["default", "onex"],
            "expire_time": "2030-01-01T00:00:00Z",
        }
    }

    parsed = token_info(answer)

    assert (parsed.ttl_seconds, parsed.creation_ttl_seconds, parsed.renewable) == (30, 60, True)
    assert parsed.policies == ("default", "onex")
    assert TOKEN_CANARY not in parsed.model_dump_json()


def test_secret_values_must_be_text_and_the_error_names_only_keys() -> None:
    assert secret_data({"data": {"data": {"user": "onex"}}}) == {"user": "onex"}
    assert secret_data({"data": None}) is None
    with pytest.raises(ProtocolConfigurationError, match=r"\['port'\]") as caught:
        secret_data({"data": {"data": {"password": "canary-pw-1", "port": 5432}}})
    assert "canary-pw-1" not in str(caught.value)


def test_auth_defaults_to_the_settings_token_and_secrets_stay_hidden() -> None:
    settings = ModelOnexSettings.model_validate({"vault": {"token": TOKEN_CANARY}})
    by_token = VaultAdapter.from_settings(settings)
    by_role = VaultAdapter.from_settings(
        settings, auth=ModelVaultAppRoleAuth(role_id="r", secret_id=TOKEN_CANARY)
    )

    assert isinstance(by_token.config.auth, ModelVaultTokenAuth)
    assert by_token.config.auth.token.get_secret_value() == TOKEN_CANARY
    assert TOKEN_CANARY not in f"{by_token.config!r} {by_role.config!r}"


@pytest.mark.parametrize("fraction", [0, 1, 1.5])
def test_renew_fraction_outside_zero_and_one_is_refused(fraction: float) -> None:
    with pytest.raises(ProtocolConfigurationError, match="renew_fraction"):
        VaultAdapter.from_settings(ModelOnexSettings(), renew_fraction=fraction)


async def test_vault_down_is_a_connection_error_then_unavailable_once_the_breaker_opens(
    unused_tcp_port: int,
) -> None:
    breaker = ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=30)
    vault = adapter_on(unused_tcp_port, circuit_breaker=breaker)
    for _ in range(2):
        with pytest.raises(InfraConnectionError, match="onex infra up") as refused:
            await vault.read_secret("onex/anything")
    with pytest.raises(InfraUnavailableError) as unavailable:
        await vault.start()
    await vault.close()

    assert refused.value.code == "VAULT_CONNECTION_ERROR"
    assert unavailable.value.retry_after_seconds is not None
    assert unavailable.value.retry_after_seconds > 0
    assert unavailable.value.circuit_state is EnumCircuitState.OPEN


@pytest.fixture
async def stalled_port() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    sock: socket.socket = server.sockets[0]
    yield sock.getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_stalled_vault_is_a_timeout_and_the_event_loop_keeps_running(
    stalled_port: int,
) -> None:
    vault = adapter_on(stalled_port, timeout_seconds=0.3)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    started = asyncio.get_running_loop().time()
    with pytest.raises(InfraTimeoutError, match="did not answer read_secret in time"):
        await vault.read_secret("onex/slow")
    elapsed = asyncio.get_running_loop().time() - started
    ticker.cancel()
    await vault.close()

    assert 0.3 <= elapsed < 2
    assert ticks >= 10  # the blocking hvac call ran in a worker thread
