#!/usr/bin/env bash
# Debian packages the local stack needs that a fresh machine may lack. Idempotent.
set -euo pipefail
needed=()
command -v redis-server >/dev/null || needed+=(redis-server)
command -v kcat >/dev/null || needed+=(kcat)
[ -x /usr/lib/postgresql/15/bin/postgres ] || needed+=(postgresql)
if [ ${#needed[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "missing: ${needed[*]} — install them with: sudo apt-get install ${needed[*]}" >&2
        exit 1
    fi
    echo "installing ${needed[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
    # Debian starts redis-server as a system service; ONEX runs its own on loopback.
    if command -v systemctl >/dev/null; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
    service redis-server stop >/dev/null 2>&1 || true
fi
