"""Formats generated source with ruff, configured here so output never depends on the caller."""

import subprocess
import sys
import tempfile
from pathlib import Path

_SETTINGS = ("--isolated", "--line-length", "100", "--target-version", "py311")


def format_sources(files: dict[str, str]) -> dict[str, str]:
    """Sort imports and format every file (name -> source) in two ruff runs."""
    with tempfile.TemporaryDirectory(prefix="onex-codegen-") as scratch:
        folder = Path(scratch)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        _ruff("check", *_SETTINGS, "--select", "I", "--fix", "--quiet", str(folder))
        _ruff("format", *_SETTINGS, "--quiet", str(folder))
        return {name: (folder / name).read_text(encoding="utf-8") for name in files}


def _ruff(*arguments: str) -> None:
    command = (sys.executable, "-m", "ruff", *arguments)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip()
        raise RuntimeError(f"ruff failed on generated code: {detail}")
