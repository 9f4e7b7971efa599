"""`onex run` (= `just run <service>`) starts the local servers that are not running first.

The start-from-nothing test brings up a second, private stack on other ports and data
under a temporary folder, so the shared one is never touched.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from omnibase_infra.cli._dev_processes import taken_ports
from omnibase_infra.cli._local_stack import ensure_local_stack, uses_local_stack
from omnibase_infra.config import ModelOnexSettings, load_settings

ONEX = Path(sys.executable).with_name("onex")
ROOT = Path(__file__).resolve().parents[1]


def test_the_local_stack_is_only_started_for_servers_on_this_machine() -> None:
    settings = load_settings()
    remote = settings.model_copy(
        update={"kafka": settings.kafka.model_copy(update={"host": "kafka.internal"})}
    )
    said: list[str] = []

    ensure_local_stack(remote, said.append)

    assert uses_local_stack(settings) and not uses_local_stack(remote)
    assert said == []


def test_running_servers_are_left_as_they_are(local_stack: ModelOnexSettings) -> None:
    said: list[str] = []

    ensure_local_stack(local_stack, said.append)

    assert said == ["local infrastructure up: kafka, postgres, valkey, consul, vault"]


def _private_stack_env(state_dir: Path) -> dict[str, str]:
    for _ in range(50):
        base = random.randrange(20_000, 40_000, 10)
        if not taken_ports("127.0.0.1", list(range(base, base + 10))):
            break
    else:
        raise AssertionError("no ten free ports in a row")
    ports = {
        "KAFKA__PORT": base,
        "KAFKA__CONTROLLER_PORT": base + 1,
        "POSTGRES__PORT": base + 2,
        "VALKEY__PORT": base + 3,
        "CONSUL__PORT": base + 4,
        "CONSUL__SERVER_PORT": base + 5,
        "CONSUL__SERF_LAN_PORT": base + 6,
        "VAULT__PORT": base + 7,
    }
    return {
        **os.environ,
        "ONEX_STATE_DIR": str(state_dir),
        **{f"ONEX_{name}": str(port) for name, port in ports.items()},
        "ONEX_ENV": "infra-check",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.mark.usefixtures("local_stack")  # binaries and jars already cached
def test_onex_run_starts_a_stopped_stack_then_the_node(tmp_path: Path) -> None:
    env = _private_stack_env(tmp_path / "state")
    log = tmp_path / "run.log"
    try:
        with log.open("wb") as out:
            node = subprocess.Popen(
                [str(ONEX), "run", str(ROOT / "examples" / "word_counter"), "--port", "0"],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for(log, "Node word-counter started", timeout=180)
        finally:
            node.send_signal(signal.SIGTERM)
            code = node.wait(timeout=60)
    finally:
        subprocess.run([str(ONEX), "infra", "down", "--wipe"], env=env, check=True, timeout=120)
    text = log.read_text()
    assert "onex run: starting local infrastructure: kafka, postgres, valkey, consul, vault" in text
    assert "onex run: local infrastructure ready" in text
    assert code == 0, text[-3000:]


def _wait_for(log: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)
