"""Fetch a Java artifact and its runtime dependencies from Maven Central into a cache folder."""

import shutil
import subprocess
from pathlib import Path

from omnibase_infra.local_infra.errors import LocalInfraError

_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_COMPLETE_MARKER = ".complete"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>onex.local</groupId>
  <artifactId>runtime-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""

_DEPENDENCY = (
    "    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
    "<version>{version}</version></dependency>"
)


def is_cached(jar_dir: Path) -> bool:
    """True when `jar_dir` holds a complete, earlier resolution."""
    return (jar_dir / _COMPLETE_MARKER).is_file()


def resolve_jars(coordinates: list[str], jar_dir: Path, maven_repo: Path) -> int:
    """Copy `group:artifact:version` coordinates and their runtime jars into `jar_dir`.

    Maven's own download cache is `maven_repo`, so other versions reuse what they share.
    Returns the number of jars. Raises `LocalInfraError` naming the resolution log on failure.
    """
    work_dir = jar_dir.parent / "resolve"
    staging = jar_dir.parent / "jars.partial"
    shutil.rmtree(staging, ignore_errors=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / "pom.xml").write_text(_pom(coordinates))
    log_path = work_dir / "maven.log"
    with log_path.open("wb") as log:
        finished = subprocess.run(
            [
                "mvn", "--batch-mode", "--no-transfer-progress",
                f"-Dmaven.repo.local={maven_repo}",
                f"{_DEPENDENCY_PLUGIN}:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={staging}",
            ],
            cwd=work_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            check=False,
        )  # fmt: skip
    if finished.returncode != 0:
        raise LocalInfraError(
            f"Maven could not fetch {', '.join(coordinates)} from Maven Central; check network "
            f"access and the version in the settings; read {log_path}"
        )
    shutil.rmtree(jar_dir, ignore_errors=True)
    staging.replace(jar_dir)
    (jar_dir / _COMPLETE_MARKER).touch()
    return len(list(jar_dir.glob("*.jar")))


def _pom(coordinates: list[str]) -> str:
    lines = []
    for coordinate in coordinates:
        group, artifact, version = coordinate.split(":")
        lines.append(_DEPENDENCY.format(group=group, artifact=artifact, version=version))
    return _POM.format(dependencies="\n".join(lines))
