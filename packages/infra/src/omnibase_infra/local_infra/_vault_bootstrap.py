"""Take a one-node Vault from empty or sealed to serving: init, unseal, the settings token, KV v2.

Everything goes through Vault's HTTP API; the unseal key and the initial root token live only
in a 0600 file beside the server's data, never in a log, an error or the process list.
"""

import base64
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

import httpx

from omnibase_infra.local_infra.errors import LocalInfraError

KV_MOUNT = "secret"
_ACTIVE_TIMEOUT_S = 10.0
_POLL_S = 0.05
_PERMISSION_DENIED = 403


class UnsealKeys(NamedTuple):
    """What `sys/init` answered for one key share: the unseal key and the initial root token."""

    unseal_key: str
    initial_root_token: str


def health_code(url: str) -> int | None:
    """`/v1/sys/health`'s status: 200 active, 501 not initialised, 503 sealed; None if silent."""
    try:
        return httpx.get(f"{url}/v1/sys/health", timeout=1.0).status_code
    except httpx.HTTPError:
        return None


class VaultBootstrap:
    """A short conversation with one Vault server, named by what it does in every error."""

    def __init__(self, url: str, key_path: Path, log_path: Path) -> None:
        self._client = httpx.Client(base_url=f"{url}/v1/", timeout=5.0)
        self._key_path = key_path
        self._log_path = log_path
        self._keys: UnsealKeys | None = None
        # Values no error message may show, even when Vault's own reason quotes them.
        self._secrets: set[str] = set()

    def __enter__(self) -> "VaultBootstrap":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._client.close()

    def unseal(self) -> None:
        """Initialise Vault the first time (one key share), unseal it, wait until it is active."""
        status = self._call("read the seal status", "GET", "sys/seal-status")
        if not status.get("initialized"):
            self._initialise()
        if status.get("sealed", True):
            key = self._stored_keys().unseal_key
            self._call("unseal", "PUT", "sys/unseal", json={"key": key})
        self._wait_active()

    def ensure_token(self, token: str) -> None:
        """Create `token` as a root-policy token without expiry unless Vault already knows it.

        The root token used for that (the initial one, or one generated from the unseal key
        once the initial one is revoked) is revoked straight after.
        """
        self._secrets.add(token)
        if self._knows(token):
            return
        keys = self._stored_keys()
        if self._knows(keys.initial_root_token):
            root = keys.initial_root_token
        else:
            root = self._generate_root(keys.unseal_key)
        try:
            request = {"id": token, "policies": ["root"], "no_parent": True, "display_name": "onex"}
            self._call(
                "create the ONEX_VAULT__TOKEN token", "POST", "auth/token/create",
                token=root, json=request,
            )  # fmt: skip
        finally:
            self._call("revoke the root token", "POST", "auth/token/revoke-self", token=root)

    def ensure_kv_mount(self, token: str) -> None:
        """Mount the KV version 2 engine at `secret/` unless something is mounted there."""
        mounts = self._call("list the secret engines", "GET", "sys/mounts", token=token)
        listed = mounts.get("data")
        if isinstance(listed, dict) and f"{KV_MOUNT}/" in listed:
            return
        self._call(
            f"mount KV v2 at {KV_MOUNT}/", "POST", f"sys/mounts/{KV_MOUNT}",
            token=token, json={"type": "kv", "options": {"version": "2"}},
        )  # fmt: skip

    def _initialise(self) -> None:
        shares = {"secret_shares": 1, "secret_threshold": 1}
        answer = self._call("initialise", "PUT", "sys/init", json=shares)
        unseal_keys = answer.get("keys_base64")
        if not isinstance(unseal_keys, list) or len(unseal_keys) != 1:
            raise self._error("initialise", "the answer holds no single unseal key")
        keys = UnsealKeys(str(unseal_keys[0]), str(answer.get("root_token")))
        self._secrets.update(keys)
        _write_private(self._key_path, keys)
        self._keys = keys

    def _stored_keys(self) -> UnsealKeys:
        if self._keys is None:
            self._keys = self._read_keys()
            self._secrets.update(self._keys)
        return self._keys

    def _read_keys(self) -> UnsealKeys:
        data_dir = self._key_path.parent
        try:
            stored = json.loads(self._key_path.read_text())
            return UnsealKeys(str(stored["unseal_key"]), str(stored["initial_root_token"]))
        except FileNotFoundError:
            problem = "is missing"
        except (OSError, ValueError, KeyError, TypeError) as error:
            problem = f"is unreadable ({type(error).__name__})"
        raise LocalInfraError(
            f"vault: the data in {data_dir} is initialised but its unseal key file "
            f"{self._key_path} {problem}; restore that file, or run `onex infra down vault "
            "--wipe` (its secrets are lost with it) and `onex infra up` again"
        )

    def _wait_active(self) -> None:
        deadline = time.monotonic() + _ACTIVE_TIMEOUT_S
        while True:
            answer = self._send("read the health", "GET", "sys/health", None, None)
            if answer.status_code == httpx.codes.OK:
                return
            if time.monotonic() > deadline:
                raise LocalInfraError(
                    f"vault: unsealed but not active after {_ACTIVE_TIMEOUT_S:.0f} s "
                    f"(health answers HTTP {answer.status_code}); read {self._log_path}"
                )
            time.sleep(_POLL_S)

    def _knows(self, token: str) -> bool:
        answer = self._send("look up a token", "GET", "auth/token/lookup-self", token, None)
        if answer.status_code == _PERMISSION_DENIED:
            return False
        self._check("look up a token", answer)
        return True

    def _generate_root(self, unseal_key: str) -> str:
        # Drop an attempt left behind by an interrupted start; none running is fine too.
        self._call("cancel a root token generation", "DELETE", "sys/generate-root/attempt")
        attempt = self._call(
            "start a root token generation", "PUT", "sys/generate-root/attempt", json={}
        )
        self._secrets.add(str(attempt["otp"]))
        update = {"key": unseal_key, "nonce": attempt["nonce"]}
        done = self._call("generate a root token", "PUT", "sys/generate-root/update", json=update)
        encoded = str(done["encoded_token"])
        masked = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        pad = str(attempt["otp"]).encode()
        root = bytes(a ^ b for a, b in zip(masked, pad, strict=True)).decode()
        self._secrets.add(root)
        return root

    def _call(
        self,
        step: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Mapping[str, object] | None = None,
    ) -> dict[str, object]:
        answer = self._check(step, self._send(step, method, path, token, json))
        if not answer.content:
            return {}
        try:
            decoded: dict[str, object] = answer.json()
        except ValueError as error:
            raise self._error(step, "not JSON") from error
        return decoded

    def _send(
        self,
        step: str,
        method: str,
        path: str,
        token: str | None,
        body: Mapping[str, object] | None,
    ) -> httpx.Response:
        headers = {"X-Vault-Token": token} if token else {}
        try:
            return self._client.request(method, path, headers=headers, json=body)
        except httpx.HTTPError as error:
            raise self._error(step, type(error).__name__) from error

    def _check(self, step: str, answer: httpx.Response) -> httpx.Response:
        if answer.is_success:
            return answer
        try:
            reasons = "; ".join(str(reason) for reason in answer.json().get("errors", []))
        except (ValueError, AttributeError):
            reasons = ""
        raise self._error(step, f"HTTP {answer.status_code}" + (f": {reasons}" if reasons else ""))

    def _error(self, step: str, detail: str) -> LocalInfraError:
        for secret in self._secrets:
            if secret:
                detail = detail.replace(secret, "***")
        return LocalInfraError(f"vault: could not {step} ({detail}); read {self._log_path}")


def _write_private(path: Path, keys: UnsealKeys) -> None:
    """Write the keys readable by this user only (mode 0600 from creation on)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(keys._asdict(), file)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)
