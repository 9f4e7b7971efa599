"""Fixtures shared by the whole suite: the real local servers."""

import asyncio
import re
import sys
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import TypeVar

import pytest
from aiokafka.admin import AIOKafkaAdminClient  # type: ignore[import-untyped]
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.local_infra import LocalInfraError, start_stack

SUPPORT = Path(__file__).parent / "support"
if str(SUPPORT) not in sys.path:
    sys.path.insert(0, str(SUPPORT))  # helpers every test folder shares (onex_process.py)

T = TypeVar("T")
_startup_error = pytest.StashKey[str]()
_topics_before = pytest.StashKey[set[str]]()
# Tests give themselves a random environment (`t1a2b3c4d5e.onex.evt...`) or a `test-` topic;
# those created by the session are deleted at its end, or the developer's broker grows by
# thousands of partitions a run (and once ran out of heap).
_THROWAWAY_TOPIC = re.compile(r"^(?:[a-z][0-9a-f]{10,12}\.|test-)")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the local stack before the first test when any selected test uses it.

    Done here rather than inside the first test's set-up so that a first-time download
    or build is not counted against that test's timeout.
    """
    if not any("local_stack" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    try:
        settings = _start(session.config)
    except LocalInfraError as error:
        session.config.stash[_startup_error] = str(error)
        return
    session.config.stash[_topics_before] = _in_thread(_topic_names(settings))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Delete the topics of the throwaway environments this session created."""
    before = session.config.stash.get(_topics_before, None)
    if before is None:
        return
    settings = load_settings()
    try:
        after = _in_thread(_topic_names(settings))
        created = sorted(t for t in after - before if _THROWAWAY_TOPIC.match(t))
        _in_thread(_delete_topics(settings, created))
    except Exception as error:  # tidying up must never fail the run
        print(f"\nthe test topics were not deleted: {type(error).__name__}: {error}")


async def _topic_names(settings: ModelOnexSettings) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _delete_topics(settings: ModelOnexSettings, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        for start in range(0, len(topics), 500):
            await admin.delete_topics(topics[start : start + 500])
    finally:
        await admin.close()


def _in_thread(work: Coroutine[object, object, T]) -> T:
    """Run `work` on a loop of its own in a thread (the session's loop is not ours to use)."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(asyncio.run(work))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, name="test-topics")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


@pytest.fixture(scope="session")
def local_stack(request: pytest.FixtureRequest) -> ModelOnexSettings:
    """The local real servers (Kafka, PostgreSQL, Valkey, Consul, Vault), started if not running.

    Returns the settings that point at them. Already running servers are reused as they are,
    and the servers stay up after the session so the next run starts in seconds
    (`just infra-down` stops them).
    """
    error = request.config.stash.get(_startup_error, None)
    try:
        if error is None:
            return _start(request.config)
    except LocalInfraError as raised:
        error = str(raised)
    pytest.fail(f"the local stack did not start:\n{error}", pytrace=False)


def _start(config: pytest.Config) -> ModelOnexSettings:
    reporter = config.pluginmanager.get_plugin("terminalreporter")

    def progress(line: str) -> None:
        if reporter is not None:
            reporter.write_line(f"local stack: {line}")

    settings = load_settings()
    start_stack(settings, progress)
    return settings
