"""Build a server from a tagged Go module release fetched through the Go module proxy.

Consul and Vault keep their `api` and `sdk` packages in nested modules that the release's
module zip leaves out, and their `go.mod` replaces them with those local folders, so
`go install module@version` refuses. We copy the release into a writable folder, point each
of those replaces at the published version the `go.mod` itself requires, and `go build`:
every module still comes through the proxy and is verified against the checksum database.
"""

import fcntl
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import TextIO

from omnibase_infra.local_infra._server import Progress
from omnibase_infra.local_infra.errors import LocalInfraError

_MIN_GO = (1, 21)
# Static binaries, as HashiCorp ships them; without symbol tables (a third smaller).
_BUILD_FLAGS = ["-mod=mod", "-trimpath", "-ldflags=-s -w"]


def cached_binary(cache_dir: Path, name: str, version: str) -> Path:
    """Where the built `name` binary of `version` lives: `<cache>/bin/<name>-<version>/<name>`.

    Its build log (`build.log`, with the nested-module pins) stays beside it.
    """
    return cache_dir / "bin" / f"{name}-{version}" / name


def missing_go(binary: Path) -> str | None:
    """One line naming what to install when `binary` must be built and Go cannot build it."""
    if binary.is_file():
        return None
    found = _go_version()
    wanted = ".".join(map(str, _MIN_GO))
    if found is None:
        return (
            f"Go not found on PATH; install Go {wanted} or newer (https://go.dev/dl/, "
            f"Debian: golang-go) to build {binary.name} once"
        )
    if found < _MIN_GO:
        shown = ".".join(map(str, found))
        return f"Go {shown} is too old to build {binary.name}; install Go {wanted} or newer"
    return None


def build_release(
    module: str, version: str, binary: Path, progress: Progress, *, expected_duration: str
) -> None:
    """Build `module@v<version>`'s main package into `binary`; a no-op when it is there.

    The build log is kept beside the cache folder; a failure raises `LocalInfraError`
    naming it. The binary appears atomically, so an interrupted build leaves nothing.
    """
    if binary.is_file():
        return
    missing = missing_go(binary)
    if missing is not None:
        raise LocalInfraError(f"{binary.name}: {missing}")
    binary.parent.mkdir(parents=True, exist_ok=True)
    with (binary.parent / "build.lock").open("w") as lock:
        # A second builder (another checkout's stack, a parallel test run) waits for the first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.is_file():
            _build(f"{module}@v{version}", binary, progress, expected_duration)


def _build(release: str, binary: Path, progress: Progress, expected_duration: str) -> None:
    name = binary.name
    work = binary.parent / "build"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log_path = binary.parent / "build.log"
    progress(
        f"{name}: building {release} from Go sources "
        f"(first time only, {expected_duration}; log: {log_path})..."
    )
    started = time.monotonic()
    partial = binary.with_name(f".{name}.partial.{os.getpid()}")
    with log_path.open("w") as log:
        source = _fetch(name, release, work, log)
        built = _pin_nested_modules(source, log) and _go(
            ["build", *_BUILD_FLAGS, "-o", str(partial), "."], source, log
        )
    if not built:
        partial.unlink(missing_ok=True)
        raise LocalInfraError(f"{name}: building {release} failed; read {log_path}")
    partial.replace(binary)
    shutil.rmtree(work, ignore_errors=True)
    progress(f"{name}: built in {time.monotonic() - started:.0f} s, cached as {binary}")


def _fetch(name: str, release: str, work: Path, log: TextIO) -> Path:
    """Download the release through the proxy and copy it somewhere writable."""
    listed = subprocess.run(
        ["go", "mod", "download", "-json", release],
        cwd=work, capture_output=True, text=True, check=False, env=_go_env(),
    )  # fmt: skip
    log.write(listed.stdout + listed.stderr)
    found: dict[str, str] = json.loads(listed.stdout) if listed.stdout.strip() else {}
    if listed.returncode != 0 or "Dir" not in found:
        reason = (found.get("Error") or listed.stderr or "no answer").strip().splitlines()[0]
        raise LocalInfraError(
            f"{name}: the Go module proxy did not serve {release} ({reason}); check network "
            "access to the proxy (`go env GOPROXY`) and the version in the settings"
        )
    source = work / "src"
    # The module cache is read-only; plain copies (no mode bits) make the tree ours.
    shutil.copytree(found["Dir"], source, copy_function=shutil.copyfile)
    for folder, _, _ in os.walk(source):
        os.chmod(folder, 0o755)
    return source


def _pin_nested_modules(source: Path, log: TextIO) -> bool:
    """Point each `replace X => ./folder` at the published `X` version `go.mod` requires.

    Replacing every version of X (as the local folder did) keeps the module graph the
    release was built with: older requirements on X elsewhere in the graph are not read.
    """
    shown = subprocess.run(
        ["go", "mod", "edit", "-json"], cwd=source, capture_output=True, text=True, check=False
    )
    if shown.returncode != 0:
        log.write(shown.stderr)
        return False
    go_mod = json.loads(shown.stdout)
    required = {entry["Path"]: entry["Version"] for entry in go_mod.get("Require") or []}
    pins = []
    for replace in go_mod.get("Replace") or []:
        path, target = replace["Old"]["Path"], replace["New"]["Path"]
        if target.startswith(("./", "../")) and path in required:
            pins.append(f"-replace={path}={path}@{required[path]}")
    log.write(f"nested modules pinned: {' '.join(pins) or 'none'}\n")
    return not pins or _go(["mod", "edit", *pins], source, log)


def _go(arguments: list[str], cwd: Path, log: TextIO) -> bool:
    log.flush()
    finished = subprocess.run(
        ["go", *arguments], cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, check=False, env=_go_env(),
    )  # fmt: skip
    return finished.returncode == 0


def _go_env() -> dict[str, str]:
    return {**os.environ, "CGO_ENABLED": "0", "GO111MODULE": "on"}


def _go_version() -> tuple[int, ...] | None:
    if shutil.which("go") is None:
        return None
    shown = subprocess.run(
        ["go", "env", "GOVERSION"], capture_output=True, text=True, check=False
    ).stdout
    found = re.match(r"go(\d+)\.(\d+)", shown.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None
