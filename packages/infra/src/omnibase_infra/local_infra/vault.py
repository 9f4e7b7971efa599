"""HashiCorp Vault built from Go: one server on loopback, its data in files, unsealed at start."""

import contextlib
import json
from pathlib import Path

import httpx

from omnibase_infra.local_infra import _go_build
from omnibase_infra.local_infra._server import LocalServer, Progress
from omnibase_infra.local_infra._vault_bootstrap import KV_MOUNT, VaultBootstrap, health_code
from omnibase_infra.local_infra.errors import LocalInfraError

_MODULE = "github.com/hashicorp/vault"
# One node: no cluster port. No mlock: it needs a capability a plain user lacks.
_CONFIG = """\
storage "file" {{
  path = {storage}
}}
listener "tcp" {{
  address = {address}
  tls_disable = true
}}
disable_clustering = true
disable_mlock = true
api_addr = {url}
ui = false
"""
# Health answers: 200 active, 501 not initialised, 503 sealed; after_ready handles all three.
_ANSWERING = frozenset(
    {httpx.codes.OK, httpx.codes.NOT_IMPLEMENTED, httpx.codes.SERVICE_UNAVAILABLE}
)
# Whatever unsealing from a readiness probe may raise (a probe answers False or True, never raises).
_PROBE_ERRORS = (
    LocalInfraError,
    httpx.HTTPError,
    OSError,
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
)


class VaultServer(LocalServer):
    """A `vault server` on loopback, file storage in `.onex/vault/data`, KV v2 at `secret/`.

    The first start initialises it with one key share and keeps the unseal key (and the
    initial root token, revoked right after use) in `.onex/vault/unseal-keys.json`, mode 0600;
    every start unseals it with that key. Clients use `settings.vault.token`, a root-policy
    token without expiry created under that id. Neither the key nor a token reaches a log.
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
        # The folder holds the unseal key: this user only.
        self.data_dir.chmod(0o700)
        self._drop_dev_server_logs()
        vault = self.settings.vault
        self._config_path.write_text(
            _CONFIG.format(
                storage=json.dumps(str(self.data_dir / "data")),
                address=json.dumps(f"{vault.host}:{vault.port}"),
                url=json.dumps(vault.url),
            )
        )

    def command(self) -> list[str]:
        return [str(self.binary), "server", f"-config={self._config_path}"]

    def is_ready(self) -> bool:
        """True once Vault answers; a sealed Vault is unsealed with the stored key on the way."""
        code = health_code(self.settings.vault.url)
        if code == httpx.codes.SERVICE_UNAVAILABLE and self._key_path.exists():
            # A probe never raises: after_ready repeats this and names what went wrong.
            with contextlib.suppress(*_PROBE_ERRORS), self._bootstrap() as vault:
                vault.unseal()
        return code in _ANSWERING

    def after_ready(self) -> None:
        """Unseal (initialise the first time), create the settings token, store the credentials."""
        token = self.settings.vault.token.get_secret_value()
        with self._bootstrap() as vault:
            vault.unseal()
            vault.ensure_token(token)
            vault.ensure_kv_mount(token)
        self._seed(token)

    def _seed(self, token: str) -> None:
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
            base_url=f"{vault.url}/v1/{KV_MOUNT}/data/",
            headers={"X-Vault-Token": token},
            timeout=5.0,
        ) as client:
            for path, data in secrets.items():
                self._write_if_changed(client, path, data)

    def _drop_dev_server_logs(self) -> None:
        # The dev server this one replaced printed its root token in its start-up banner.
        for log in (self.log_path, self.log_path.with_name(f"{self.log_path.name}.1")):
            with contextlib.suppress(OSError):
                if b"\nRoot Token: " in log.read_bytes():
                    log.unlink()

    def _bootstrap(self) -> VaultBootstrap:
        return VaultBootstrap(self.settings.vault.url, self._key_path, self.log_path)

    @property
    def _key_path(self) -> Path:
        return self.data_dir / "unseal-keys.json"

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
                f"vault: could not store the local secret {KV_MOUNT}/{path} ({detail}); "
                f"read {self.log_path}"
            ) from error
