"""The registry run end to end: the four services as processes against the real servers."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from omnibase_infra.config import ModelOnexSettings

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from e2e_registry import Registry, running_registry  # noqa: E402


@pytest.fixture(scope="session")
async def registry(local_stack: ModelOnexSettings) -> AsyncIterator[Registry]:
    """One registry shared by the tests that leave the services and servers alone.

    Every test uses its own node ids, so they do not see each other's nodes.
    """
    async with running_registry(local_stack) as running:
        yield running
        running.services.check_alive()
