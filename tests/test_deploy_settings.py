"""Deploy files set only settings that exist, and never hold a secret's value."""

import re
from pathlib import Path

import pytest
from omnibase_infra.config import ModelOnexSettings
from pydantic import BaseModel, SecretStr
from runtime_scheduler import ModelRuntimeSchedulerSettings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_FILES = sorted(
    path
    for pattern in ("deploy/*.yaml", "deploy/images/*.Dockerfile", "deploy/k8s/**/*.yaml")
    for path in ROOT.glob(pattern)
)
SETTING = re.compile(r"\bONEX_[A-Z0-9_]+\b")
COMMENT = re.compile(r"(^|\s)#.*$", re.MULTILINE)


def _fields(prefix: str, model: type[BaseModel]) -> dict[str, bool]:
    """Environment variable -> whether it holds a secret, for one settings section."""
    return {
        f"{prefix}{name.upper()}": field.annotation in (SecretStr, SecretStr | None)
        for name, field in model.model_fields.items()
    }


def known_settings() -> dict[str, bool]:
    """Every `ONEX_*` variable the services read, and whether it holds a secret."""
    known = _fields("ONEX_SCHEDULER__", ModelRuntimeSchedulerSettings)
    for name, field in ModelOnexSettings.model_fields.items():
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel):
            known |= _fields(f"ONEX_{name.upper()}__", section)
        else:
            known[f"ONEX_{name.upper()}"] = False
    return known


KNOWN = known_settings()
SECRETS = {name for name, secret in KNOWN.items() if secret}
# Where a secret setting's name may stand: in a ${VAR} substitution or as the key it fills
# (compose), or exported by Vault's rendered template (k8s).
SECRET_SOURCES = (
    r"\$\{{{name}(:-[^}}]*)?\}}",
    r"\b{name}: \$\{{",
    r"export {name}='\{{\{{ \.Data\.data\.\w+ \}}\}}'",
)


def test_the_scan_sees_the_deploy_files_and_the_secret_settings() -> None:
    names = {str(path.relative_to(ROOT)) for path in DEPLOY_FILES}
    assert {"deploy/compose.yaml", "deploy/k8s/onex-config.yaml"} <= names
    assert {"ONEX_POSTGRES__PASSWORD", "ONEX_VAULT__TOKEN"} <= SECRETS


@pytest.mark.parametrize("path", DEPLOY_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_onex_variable_names_a_real_setting(path: Path) -> None:
    unknown = set(SETTING.findall(path.read_text())) - set(KNOWN)
    assert not unknown, f"{path}: no such setting {sorted(unknown)} (see omnibase_infra.config)"


@pytest.mark.parametrize("path", DEPLOY_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_secret_settings_come_from_the_environment_or_vault(path: Path) -> None:
    text = COMMENT.sub("", path.read_text())
    for name in SECRETS & set(SETTING.findall(text)):
        uses = len(re.findall(rf"\b{name}\b", text))
        allowed = sum(len(re.findall(source.format(name=name), text)) for source in SECRET_SOURCES)
        assert uses == allowed, f"{path}: {name} must come from ${{{name}}} or Vault, not a value"
