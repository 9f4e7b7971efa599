"""`python -m runtime_scheduler`: run the scheduler with the settings from the environment."""

import asyncio

from runtime_scheduler._app import serve

asyncio.run(serve())
