"""HashiCorp Vault as a dev server (in memory, unsealed, known root token) built from Go."""

from pathlib import Path

import httpx

from omnibase_infra.local_infra import _go_build
from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra.errors import LocalInfraError

_MODULE = "github.com/hashicorp/vault"
# Dev mode mounts the KV version 2 engine here.
_KV_MOUNT = "secret"
# One listener only: a single dev node needs no cluster port.
_CONFIG = 'disable_clustering = true\napi_addr = "{url}"\n'


class VaultServer(LocalServer):
    """A `vault server -dev` on loopback, seeded with the local stack's credentials.

    The root token is `settings.vault.token`, handed over in the environment so `ps` does
    not show it. Vault itself prints it in its start-up banner (in `.onex/logs/vault.log`).
    """

    name = "vault"

    @property
    def version(self) -> str:
        return self.settings.vault.version

    @property
    def host(self) -> str:
        return self.settings.vault.host

    @property
    def port(self) -> int:
        return self.settings.vault.port

    @property
    def binary(self) -> Path:
        return _go_build.cached_binary(self.settings.cache_dir, self.name, self.version)

    def missing_prerequisite(self) -> str | None:
        return _go_build.missing_go(self.binary)

    def ensure_installed(self, progress: Progress) -> None:
        _go_build.build_release(
            _MODULE, self.version, self.binary, progress, expected_duration="about 10 min"
        )

    def prepare(self) -> None:
        self._config_path.write_text(_CONFIG.format(url=self.settings.vault.url))

    def command(self) -> list[str]:
        vault = self.settings.vault
        return [
            str(self.binary), "server", "-dev",
            f"-dev-listen-address={vault.host}:{vault.port}",
            # Dev mode otherwise writes the token to ~/.vault-token.
            "-dev-no-store-token",
            f"-config={self._config_path}",
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        return {"VAULT_DEV_ROOT_TOKEN_ID": self.settings.vault.token.get_secret_value()}

    def is_ready(self) -> bool:
        try:
            answer = httpx.get(f"{self.settings.vault.url}/v1/sys/health", timeout=1.0)
        except httpx.HTTPError:
            return False
        # 200 means initialised, unsealed and active.
        return answer.status_code == httpx.codes.OK

    def after_ready(self) -> None:
        """Store the credentials the services read from Vault (unchanged ones are left alone)."""
        consul_token, vault = self.settings.consul.token, self.settings.vault
        # The paths the services read (omnibase_infra.credentials); the PostgreSQL role was
        # given the same password when its server started.
        secrets = {
            vault.postgres_secret_path: {
                "password": self.settings.postgres.password.get_secret_value()
            },
            vault.consul_secret_path: {
                "token": consul_token.get_secret_value() if consul_token else ""
            },
        }
        with httpx.Client(
            base_url=f"{self.settings.vault.url}/v1/{_KV_MOUNT}/data/",
            headers={"X-Vault-Token": self.settings.vault.token.get_secret_value()},
            timeout=5.0,
        ) as client:
            for path, data in secrets.items():
                self._write_if_changed(client, path, data)

    @property
    def _config_path(self) -> Path:
        return self.data_dir / "vault.hcl"

    def _write_if_changed(self, client: httpx.Client, path: str, data: dict[str, str]) -> None:
        try:
            current = client.get(path)
            if current.status_code == httpx.codes.OK and current.json()["data"]["data"] == data:
                return
            client.post(path, json={"data": data}).raise_for_status()
        except httpx.HTTPError as error:
            # Named by path and status only: never the token or the values.
            detail = (
                f"HTTP {error.response.status_code}"
                if isinstance(error, httpx.HTTPStatusError)
                else type(error).__name__
            )
            raise LocalInfraError(
                f"vault: could not store the local secret {_KV_MOUNT}/{path} ({detail}); "
                f"read {self.log_path}"
            ) from error
