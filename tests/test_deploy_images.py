"""deploy/images: one small, non-root, uv-built image per service, checked without an engine.

Dockerfiles are read with `dockerfile` (BuildKit's own parser), so what is checked here is
what `docker build` would see.
"""

import shlex
import tomllib
from pathlib import Path

import dockerfile  # type: ignore[import-not-found]
import pytest
from omnibase_infra.config import ModelRuntimeSettings

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "deploy" / "images"
HTTP_PORT = ModelRuntimeSettings().http_port


def services() -> dict[str, str]:
    """Each service folder under services/ and its uv workspace member name."""
    found = {}
    for manifest in sorted(ROOT.glob("services/*/pyproject.toml")):
        found[manifest.parent.name] = tomllib.loads(manifest.read_text())["project"]["name"]
    return found


SERVICES = services()


def image_file(service: str) -> Path:
    return IMAGES / f"{service}.Dockerfile"


def stages(service: str) -> list[list[dockerfile.Command]]:
    """The build stages of a service's Dockerfile, each a list of its instructions."""
    found: list[list[dockerfile.Command]] = []
    for command in dockerfile.parse_file(str(image_file(service))):
        if command.cmd == "FROM":
            found.append([])
        if not found:
            assert command.cmd == "ARG", f"{image_file(service)}: {command.original} before FROM"
            continue
        found[-1].append(command)
    return found


def uv_syncs(stage: list[dockerfile.Command]) -> list[tuple[int, list[str]]]:
    """(position, arguments) of every `uv sync` in a stage's RUN instructions."""
    return [
        (index, shlex.split(command.value[0])[2:])
        for index, command in enumerate(stage)
        if command.cmd == "RUN" and shlex.split(command.value[0])[:2] == ["uv", "sync"]
    ]


def test_every_service_has_an_image_and_every_image_a_service() -> None:
    assert SERVICES, "no service under services/"
    images = {path.name.removesuffix(".Dockerfile") for path in IMAGES.glob("*.Dockerfile")}
    assert images == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_images_are_multi_stage_from_pinned_bases(service: str) -> None:
    found = stages(service)
    assert len(found) >= 2, "build in one stage, run in a slim one"
    for stage in found:
        image = stage[0].value[0]
        assert ":" in image and not image.endswith(":latest"), f"pin {image}"


@pytest.mark.parametrize("service", SERVICES)
def test_dependencies_are_a_layer_of_their_own_then_the_member_is_installed(
    service: str,
) -> None:
    member = SERVICES[service]
    build = next(stage for stage in stages(service) if uv_syncs(stage))
    (deps_at, deps), (member_at, install) = uv_syncs(build)
    copies_sources = [
        index
        for index, command in enumerate(build)
        if command.cmd == "COPY" and command.value[0] in {"packages", "services"}
    ]
    for arguments in (deps, install):
        assert {"--locked", "--no-dev"} <= set(arguments)
        assert arguments[arguments.index("--package") + 1] == member
    assert "--no-install-workspace" in deps and "--no-editable" in install
    assert copies_sources and deps_at < min(copies_sources) and max(copies_sources) < member_at


@pytest.mark.parametrize("service", SERVICES)
def test_the_running_stage_is_non_root_healthchecked_and_runs_the_service(service: str) -> None:
    final = stages(service)[-1]
    by_name = {command.cmd: command for command in final}
    assert "uv" not in " ".join(command.original for command in final if command.cmd == "RUN")

    user = by_name["USER"].value[0].partition(":")[0]
    assert user not in {"root", "0"}

    healthcheck = by_name["HEALTHCHECK"]
    assert healthcheck.value[0] == "CMD" and healthcheck.json
    probe = " ".join(healthcheck.value[1:])
    assert "/health" in probe and f"'{HTTP_PORT}'" in probe

    assert by_name["EXPOSE"].value == (str(HTTP_PORT),)
    assert by_name["CMD"].json and list(by_name["CMD"].value) == ["onex", "run", service]


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".onex", ".git", "**/__pycache__"} <= set(ignored)
