"""`onex codegen`: Pydantic message models generated from the YAML schemas under contracts/.

A development tool: generated modules are committed, and a test fails when they are stale.
"""

from omnibase_infra.codegen._codegen import run_codegen
from omnibase_infra.codegen.model_codegen_config import ModelCodegenConfig
from omnibase_infra.codegen.model_codegen_result import ModelCodegenResult
from omnibase_infra.codegen.model_codegen_target import ModelCodegenTarget

__all__ = ["ModelCodegenConfig", "ModelCodegenResult", "ModelCodegenTarget", "run_codegen"]
