"""Apache Kafka in KRaft mode (one combined broker and controller) from Maven Central jars."""

import asyncio
import base64
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path

from aiokafka import AIOKafkaClient  # type: ignore[import-untyped]
from aiokafka.errors import KafkaError  # type: ignore[import-untyped]

from omnibase_infra.local_infra import _maven, _process
from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra.errors import LocalInfraError

_MIN_JAVA = 17
# Broker settings that make a one-node broker quick and deterministic for tests.
_TEST_FRIENDLY = {
    "num.partitions": "3",
    "auto.create.topics.enable": "true",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "3",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.state.log.num.partitions": "3",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    # Consumers in tests use 1 s session timeouts; the broker's default floor is 6 s.
    "group.min.session.timeout.ms": "100",
}


class KafkaServer(LocalServer):
    """One Apache Kafka node (broker and KRaft controller) run with `java -cp` on loopback."""

    name = "kafka"
    ready_timeout_s = 90.0
    stop_timeout_s = 30.0

    @property
    def version(self) -> str:
        return self.settings.kafka.version

    @property
    def host(self) -> str:
        return self.settings.kafka.host

    @property
    def port(self) -> int:
        return self.settings.kafka.port

    @property
    def ports(self) -> dict[str, int]:
        return {"port": self.port, "controller_port": self.settings.kafka.controller_port}

    @property
    def jar_dir(self) -> Path:
        kafka = self.settings.kafka
        return self.settings.cache_dir / "kafka" / f"{kafka.scala_version}-{kafka.version}" / "jars"

    def missing_prerequisite(self) -> str | None:
        java = _java_major_version()
        if java is None:
            return (
                "Java not found on PATH; install Java 17 or newer (Debian: openjdk-17-jre-headless)"
            )
        if java < _MIN_JAVA:
            return f"Java {java} is too old for Kafka {self.version}; install Java 17 or newer"
        if not _maven.is_cached(self.jar_dir) and shutil.which("mvn") is None:
            return "Maven (mvn) not found on PATH; it fetches Kafka's jars once (Debian: maven)"
        return None

    def ensure_installed(self, progress: Progress) -> None:
        if _maven.is_cached(self.jar_dir):
            return
        kafka = self.settings.kafka
        progress(
            f"kafka: fetching Apache Kafka {kafka.version} jars from Maven Central "
            "(first time only, usually under a minute)..."
        )
        started = time.monotonic()
        count = _maven.resolve_jars(
            [
                f"org.apache.kafka:kafka_{kafka.scala_version}:{kafka.version}",
                # Kafka leaves the logging back-end to the application; this one prints to stderr.
                "org.slf4j:slf4j-simple:1.7.36",
            ],
            self.jar_dir,
            self.settings.cache_dir / "maven",
        )
        progress(
            f"kafka: {count} jars cached in {self.jar_dir} ({time.monotonic() - started:.0f} s)"
        )

    def prepare(self) -> None:
        self._properties_path.write_text(self._properties())
        if (self._log_dirs / "meta.properties").is_file():
            return
        formatted = _process.run_once(
            self._java("kafka.tools.StorageTool", "format", "--config", str(self._properties_path),
                       "--cluster-id", _cluster_id(), "--ignore-formatted"),
            cwd=self.data_dir, user=None,
        )  # fmt: skip
        if formatted.returncode != 0:
            format_log = self.data_dir / "format.log"
            format_log.write_text(formatted.stdout + formatted.stderr)
            raise LocalInfraError(
                f"kafka: formatting the KRaft storage failed; read {format_log}, or delete "
                f"{self.data_dir} to start from empty"
            )

    def command(self) -> list[str]:
        return self._java("kafka.Kafka", str(self._properties_path))

    def is_ready(self) -> bool:
        # Probing a closed port would make aiokafka log a connection error per attempt.
        if not _process.accepts_connections(self.host, self.port):
            return False
        return _run_blocking(self._probe())

    async def _probe(self) -> bool:
        # A TCP accept is not enough: the broker answers metadata only once it has joined.
        client = AIOKafkaClient(
            bootstrap_servers=self.settings.kafka.bootstrap_servers,
            request_timeout_ms=2000,
            connections_max_idle_ms=5000,
        )
        try:
            await client.bootstrap()
            return bool(client.cluster.brokers())
        except (KafkaError, OSError):
            return False
        finally:
            await client.close()

    @property
    def _properties_path(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def _log_dirs(self) -> Path:
        return self.data_dir / "kraft"

    def _properties(self) -> str:
        kafka = self.settings.kafka
        broker = f"{kafka.host}:{kafka.port}"
        controller = f"{kafka.host}:{kafka.controller_port}"
        values = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{controller}",
            "listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{broker}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self._log_dirs),
            **_TEST_FRIENDLY,
        }
        return "".join(f"{key}={value}\n" for key, value in values.items())

    def _java(self, main_class: str, *arguments: str) -> list[str]:
        # Kafka's own default heap (1 GiB): with 512 MiB a developer's broker ran out of heap
        # after a day of test runs (~15k partitions, one set per test environment).
        return [
            "java", "-Xms256m", "-Xmx1g", "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
            "-cp", f"{self.jar_dir}/*", main_class, *arguments,
        ]  # fmt: skip


def _cluster_id() -> str:
    # Kafka's cluster ids are 16 random bytes in unpadded URL-safe base64, never starting with "-".
    while True:
        encoded = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not encoded.startswith("-"):
            return encoded


def _java_major_version() -> int | None:
    if shutil.which("java") is None:
        return None
    shown = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def _run_blocking(probe: Coroutine[object, object, bool]) -> bool:
    """Run an async probe to completion, also when the caller is inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(probe)
    outcome: list[bool] = []
    worker = threading.Thread(target=lambda: outcome.append(asyncio.run(probe)))
    worker.start()
    worker.join()
    return outcome[0]
