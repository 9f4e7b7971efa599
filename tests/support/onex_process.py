"""`onex run ...` as a process of its own, its output collected line by line as it comes."""

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

ONEX = Path(sys.executable).with_name("onex")


class OnexRunProcess:
    """`onex run <arguments>`; `raw` holds every output line, `lines` the JSON log records."""

    def __init__(self, *arguments: str, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [str(ONEX), "run", *arguments],
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.raw: list[str] = []
        self.lines: list[dict[str, object]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.raw.append(line)
            with contextlib.suppress(json.JSONDecodeError):
                record = json.loads(line)
                if isinstance(record, dict):
                    self.lines.append(record)

    @property
    def output(self) -> str:
        return "".join(self.raw)

    def read_to_end(self) -> None:
        """Wait (briefly) for the reader to take what the pipe still holds."""
        self._reader.join(timeout=5)

    def close(self) -> None:
        self.read_to_end()
        if self.process.stdout is not None:
            self.process.stdout.close()
