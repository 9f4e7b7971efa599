"""Building Consul and Vault from Go module releases: prerequisites, pins, clear failures."""

import json
import subprocess
from pathlib import Path

import pytest
from omnibase_infra.local_infra import LocalInfraError
from omnibase_infra.local_infra._go_build import (
    _pin_nested_modules,
    build_release,
    cached_binary,
    missing_go,
)

_GO_MOD = """module example.com/server

go 1.20

require (
\texample.com/server/api v1.2.3
\texample.com/other v0.1.0
)

replace example.com/server/api => ./api

replace example.com/other => example.com/fork v0.2.0
"""


def test_binary_is_cached_per_name_and_version(tmp_path: Path) -> None:
    assert cached_binary(tmp_path, "vault", "1.13.2") == tmp_path / "bin/vault-1.13.2/vault"


def test_missing_go_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    message = missing_go(tmp_path / "bin/consul-1.14.11/consul")

    assert message is not None
    assert "Go not found on PATH; install Go 1.21 or newer" in message
    assert "consul" in message


def test_go_is_not_needed_once_the_binary_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = tmp_path / "consul"
    binary.touch()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    assert missing_go(binary) is None
    build_release("example.com/server", "1.0.0", binary, print, expected_duration="no time")


def test_local_folder_replaces_point_at_the_required_published_version(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(_GO_MOD)

    with (tmp_path / "build.log").open("w") as log:
        assert _pin_nested_modules(tmp_path, log)

    shown = subprocess.run(
        ["go", "mod", "edit", "-json"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    replaces = {
        entry["Old"]["Path"]: (entry["New"]["Path"], entry["New"].get("Version"))
        for entry in json.loads(shown.stdout)["Replace"]
    }
    assert replaces == {
        "example.com/server/api": ("example.com/server/api", "v1.2.3"),
        "example.com/other": ("example.com/fork", "v0.2.0"),
    }


def test_a_release_the_proxy_does_not_serve_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOPROXY", "off")
    binary = cached_binary(tmp_path, "server", "9.9.9")

    with pytest.raises(LocalInfraError, match="server: the Go module proxy did not serve") as error:
        build_release("example.com/server", "9.9.9", binary, print, expected_duration="no time")

    assert "example.com/server@v9.9.9" in str(error.value)
    assert not binary.exists()
