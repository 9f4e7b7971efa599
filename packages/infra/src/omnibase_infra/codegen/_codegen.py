"""Regenerates every target of a codegen config, or checks that the committed code is current."""

from pathlib import Path

from omnibase_infra.codegen._generate import render
from omnibase_infra.codegen._render import HEADER
from omnibase_infra.codegen._schemas import read_schemas
from omnibase_infra.codegen.model_codegen_config import ModelCodegenConfig
from omnibase_infra.codegen.model_codegen_result import ModelCodegenResult
from omnibase_infra.codegen.model_codegen_target import ModelCodegenTarget

_HEADER_START = HEADER.split("{", 1)[0]


def run_codegen(config_path: Path, *, check: bool = False) -> list[ModelCodegenResult]:
    """Generate the models of every target in `config_path`; with `check`, write nothing.

    Each result lists the files that were (or would be) written or removed, so an empty
    result everywhere means the committed models match their schemas.
    """
    config = ModelCodegenConfig.load(config_path)
    root = config.root_dir(config_path)
    return [_run_target(target, root, check=check) for target in config.targets]


def _run_target(target: ModelCodegenTarget, root: Path, *, check: bool) -> ModelCodegenResult:
    schemas = read_schemas(root / target.schemas)
    wanted = render(schemas, source=target.schemas)
    out = root / target.output
    current = {path.name: path for path in out.glob("*.py")} if out.is_dir() else {}
    written = [name for name, text in sorted(wanted.items()) if _differs(current.get(name), text)]
    removed = [name for name in sorted(set(current) - set(wanted)) if _generated(current[name])]
    if not check:
        out.mkdir(parents=True, exist_ok=True)
        for name in written:
            (out / name).write_text(wanted[name], encoding="utf-8")
        for name in removed:
            (out / name).unlink()
    return ModelCodegenResult(
        schemas=target.schemas,
        output=target.output,
        written=tuple(f"{target.output}/{name}" for name in written),
        removed=tuple(f"{target.output}/{name}" for name in removed),
    )


def _differs(path: Path | None, text: str) -> bool:
    return path is None or path.read_text(encoding="utf-8") != text


def _generated(path: Path) -> bool:
    """Only files carrying our header are ever removed."""
    with path.open(encoding="utf-8") as file:
        return file.readline().startswith(_HEADER_START)
