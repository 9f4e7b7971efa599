"""Fixtures shared by the whole suite: the real local servers."""

import pytest
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.local_infra import LocalInfraError, start_stack

_startup_error = pytest.StashKey[str]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the local stack before the first test when any selected test uses it.

    Done here rather than inside the first test's set-up so that a first-time download
    or build is not counted against that test's timeout.
    """
    if not any("local_stack" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    try:
        _start(session.config)
    except LocalInfraError as error:
        session.config.stash[_startup_error] = str(error)


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
