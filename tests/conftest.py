"""Fixtures shared by the whole suite: the real local servers."""

import pytest
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.local_infra import LocalInfraError, start_stack


@pytest.fixture(scope="session")
def local_stack(request: pytest.FixtureRequest) -> ModelOnexSettings:
    """The local real servers (Kafka, PostgreSQL, Valkey, Consul, Vault), started if not running.

    Returns the settings that point at them. Already running servers are reused as they are,
    and the servers stay up after the session so the next run starts in seconds
    (`just infra-down` stops them).
    """
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")

    def progress(line: str) -> None:
        if reporter is not None:
            reporter.write_line(f"local stack: {line}")

    settings = load_settings()
    try:
        start_stack(settings, progress)
    except LocalInfraError as error:
        pytest.fail(f"the local stack did not start:\n{error}", pytrace=False)
    return settings
