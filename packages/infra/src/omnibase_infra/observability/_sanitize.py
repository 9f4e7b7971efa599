"""Scrub secrets (passwords, tokens, keys, credential-bearing DSNs, e-mail addresses) from text."""

import re
from collections.abc import Callable, Mapping

REDACTED = "***"

_SENSITIVE_WORD = (
    r"passw(?:or)?d|passphrase|pwd|secret|token|credentials?|authorization|cookie"
    r"|api[_-]?key|(?:access|private|signing|encryption|master|client)[_-]?key"
)
# A key counts as sensitive when one of the words appears anywhere in it
# (`db_password`, `X-Vault-Token`, `ONEX_VAULT__TOKEN`), unless it names where a secret
# comes from or how long it lives rather than the secret (`credentials_source`, `token_ttl`).
_NOT_A_SECRET_SUFFIX = "".join(
    rf"(?<![_-]{suffix})" for suffix in ("source", "type", "ttl", "path", "file", "mount")
)
_SENSITIVE_KEY = re.compile(
    rf"[\w.-]*(?:{_SENSITIVE_WORD})[\w.-]*{_NOT_A_SECRET_SUFFIX}", re.IGNORECASE
)

_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL
)
# scheme://user:password@host -> keep the user, hide the password. The lookahead picks the
# '@' that ends the authority, so a password holding '@' is hidden whole.
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s@]*):(?P<pw>[^\s]*?)@(?=[^\s@/?#]*(?:[/?#\s'\"]|$))"
)
# `Token <value>` only capitalised and with a token-sized value: "refused the token for x"
# is prose, not a credential.
_AUTH_SCHEME = re.compile(
    r"\b(?:(?P<scheme>(?i:bearer|basic))\s+[A-Za-z0-9._~+/=-]+"
    r"|(?P<token>Token)\s+[A-Za-z0-9._~+/=-]{16,})"
)
_KEY_VALUE = re.compile(
    # The look-behind starts a key only where a word starts: without it, a long run of word
    # characters costs quadratic time (seconds for a few kB, minutes for a large payload).
    rf"(?<![\w.-])(?P<key>{_SENSITIVE_KEY.pattern})(?P<q>[\"']?)(?P<sep>\s*[=:]\s*)"
    # An unquoted value runs to whitespace, ';' or '&' (commas and brackets may be part
    # of a password, so they are hidden with it).
    r"(?P<val>\"[^\"]*\"|'[^']*'|(?:(?:Bearer|Basic)\s+)?[^\s;&'\"]+)",
    re.IGNORECASE,
)
_KNOWN_TOKENS = re.compile(
    r"\bhv[sbr]\.[A-Za-z0-9_-]{16,}"  # Vault service/batch/recovery tokens
    r"|\b[sbr]\.[A-Za-z0-9]{24,}\b"  # legacy Vault tokens
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b"  # GitHub tokens
    r"|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"  # JSON Web Tokens
)
_EMAIL = re.compile(r"\b[\w.+-]+@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b")


def _hide_value(match: re.Match[str]) -> str:
    value = match["val"]
    quote = value[0] if value[:1] in {"'", '"'} else ""
    return f"{match['key']}{match['q']}{match['sep']}{quote}{REDACTED}{quote}"


_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_PRIVATE_KEY_BLOCK, REDACTED),
    (_URL_PASSWORD, rf"\g<head>:{REDACTED}@"),
    (_AUTH_SCHEME, lambda match: f"{match['scheme'] or match['token']} {REDACTED}"),
    (_KEY_VALUE, _hide_value),
    (_KNOWN_TOKENS, REDACTED),
    (_EMAIL, rf"{REDACTED}@\g<domain>"),
)


def sanitize(text: str) -> str:
    """Return `text` with every secret-looking part replaced by `***`."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def is_sensitive_key(key: str) -> bool:
    """Whether a field or header name says its value is a secret (`password`, `api_key`...)."""
    return _SENSITIVE_KEY.fullmatch(key) is not None


def sanitize_value(value: object) -> object:
    """Make one value safe to show: numbers, booleans and None pass, text is scrubbed."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return sanitize_mapping(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [sanitize_value(item) for item in value]
    return sanitize(str(value))


def sanitize_mapping(data: Mapping[str, object]) -> dict[str, object]:
    """Copy a mapping with secrets hidden: sensitive keys lose their value, text is scrubbed."""
    clean: dict[str, object] = {}
    for key, value in data.items():
        name = sanitize(str(key))
        clean[name] = REDACTED if is_sensitive_key(name) else sanitize_value(value)
    return clean
