"""A service's credentials: the PostgreSQL password and the Consul token, read from Vault.

The composition root calls this once at start, before anything connects, and passes the
returned settings on; every adapter's `from_settings` then uses the credentials Vault holds:

    settings = await resolve_credentials(container, settings)   # the runtime host
    async with service_credentials(settings) as settings: ...    # a command or a script

With `credentials_source=vault` (the default) the Vault adapter stays open, renewing its
token, for as long as the service runs; Vault unreachable or a secret missing fails the
start with one line naming what is missing, never a fallback. `credentials_source=settings`
takes `ONEX_POSTGRES__PASSWORD` and `ONEX_CONSUL__TOKEN` as they are.
"""

from omnibase_infra.credentials._credentials import resolve_credentials, service_credentials

__all__ = ["resolve_credentials", "service_credentials"]
