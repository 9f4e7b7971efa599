"""Secrets never survive `sanitize`; ordinary operational text does."""

import io
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from omnibase_infra.observability import (
    SanitizingLogFilter,
    install_log_sanitizer,
    is_sensitive_key,
    sanitize,
    sanitize_mapping,
)

CANARY = "Canary9Secret"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"postgresql://onex:{CANARY}@db.local:5432/onex",
            "postgresql://onex:***@db.local:5432/onex",
        ),
        (f"redis://:{CANARY}@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0"),
        (f"postgresql://u:p@ss{CANARY}@host/db?x=a@b", "postgresql://u:***@host/db?x=a@b"),
        (f"host=h user=onex password={CANARY} dbname=x", "host=h user=onex password=*** dbname=x"),
        (f"Authorization: Bearer {CANARY}", "Authorization: ***"),
        (f"sent Bearer {CANARY}.xyz to vault", "sent Bearer *** to vault"),
        (f"sent Token {CANARY}abcdefgh upstream", "sent Token *** upstream"),
        (f"vault token hvs.{CANARY}abcdefghijkl rejected", "vault token *** rejected"),
        (f"legacy s.{CANARY}abcdefghijklmno", "legacy ***"),
        (f'{{"password": "{CANARY}", "user": "onex"}}', '{"password": "***", "user": "onex"}'),
        (f"{{'api_key': '{CANARY}'}}", "{'api_key': '***'}"),
        (f"ONEX_VAULT__TOKEN={CANARY}", "ONEX_VAULT__TOKEN=***"),
        (f"client_secret: {CANARY}", "client_secret: ***"),
        (
            f"https://api.local/x?access_token={CANARY}&page=2",
            "https://api.local/x?access_token=***&page=2",
        ),
        ("contact jane.doe@example.com", "contact ***@example.com"),
        (
            f"-----BEGIN RSA PRIVATE KEY-----\n{CANARY}\n-----END RSA PRIVATE KEY-----",
            "***",
        ),
    ],
)
def test_sanitize_hides_secret_part_and_keeps_the_rest(text: str, expected: str) -> None:
    assert sanitize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Failed to connect to postgres at 127.0.0.1:5432 (operation=execute_query)",
        "kafka key=node-1 topic=dev.onex.evt.node-introspection.v1",
        "postgresql://onex@localhost:5432/onex",
        "correlation_id=5f0c2a8e-6d3b-4a51-9c55-0b7d7f4a3e21",
        "Vault refused the token for read_secret (expired, revoked)",
        "set credentials_source=settings or ONEX_CREDENTIALS_SOURCE=vault",
        "token_ttl: 10s, password_file=/run/secrets/db, secret_path=secret/onex/postgres",
    ],
)
def test_sanitize_leaves_operational_text_alone(text: str) -> None:
    assert sanitize(text) == text


def test_sanitize_is_idempotent_on_its_own_output() -> None:
    once = sanitize(f"postgresql://u:{CANARY}@h/d password={CANARY} Bearer {CANARY}")
    assert sanitize(once) == once


def test_sanitize_mapping_hides_sensitive_keys_and_scrubs_nested_values() -> None:
    clean = sanitize_mapping(
        {
            "db_password": CANARY,
            "port": 5432,
            "ok": True,
            "nested": {"X-Vault-Token": CANARY, "dsn": f"postgresql://a:{CANARY}@h/d"},
            "hosts": [f"redis://:{CANARY}@h:1", "plain"],
        }
    )
    assert CANARY not in repr(clean)
    assert clean["port"] == 5432
    assert clean["ok"] is True
    assert clean["db_password"] == "***"
    assert clean["hosts"] == ["redis://:***@h:1", "plain"]


@pytest.mark.parametrize(
    "key", ["password", "DB_PASSWORD", "api-key", "X-Vault-Token", "secret_id"]
)
def test_is_sensitive_key_recognises_credential_names(key: str) -> None:
    assert is_sensitive_key(key)


@pytest.mark.parametrize(
    "key", ["port", "host", "service_name", "entity_id", "topic", "credentials_source", "token_ttl"]
)
def test_is_sensitive_key_accepts_operational_names(key: str) -> None:
    assert not is_sensitive_key(key)


_password = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N"], include_characters="!$%^*()-_+"),
    min_size=8,
    max_size=40,
)


@given(password=_password, user=st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True))
def test_sanitize_hides_any_dsn_password(password: str, user: str) -> None:
    text = f"connect failed: postgresql://{user}:{password}@db.internal:5432/onex (timeout)"
    assert (
        sanitize(text) == f"connect failed: postgresql://{user}:***@db.internal:5432/onex (timeout)"
    )


@given(password=_password)
def test_sanitize_hides_any_key_value_password(password: str) -> None:
    assert password not in sanitize(f"host=db port=5432 password={password} sslmode=disable")


def _filtered(record: logging.LogRecord) -> logging.LogRecord:
    assert SanitizingLogFilter().filter(record)
    return record


def test_log_filter_scrubs_message_arguments_and_extra_fields() -> None:
    record = logging.makeLogRecord(
        {
            "msg": "connecting to %s",
            "args": (f"postgresql://onex:{CANARY}@db/onex",),
            "dsn": f"redis://:{CANARY}@h:6379",
            "attempt": 2,
        }
    )
    _filtered(record)
    assert record.getMessage() == "connecting to postgresql://onex:***@db/onex"
    assert record.__dict__["dsn"] == "redis://:***@h:6379"
    assert record.__dict__["attempt"] == 2


def test_log_filter_survives_a_malformed_log_call() -> None:
    record = logging.makeLogRecord({"msg": "password=%s and %s", "args": (CANARY,)})
    _filtered(record)
    assert CANARY not in record.getMessage()


def test_install_log_sanitizer_attaches_one_filter_to_every_root_handler() -> None:
    logger = logging.getLogger("test_sanitize.install")
    handlers = [logging.StreamHandler(io.StringIO()), logging.StreamHandler(io.StringIO())]
    for handler in handlers:
        logger.addHandler(handler)
    try:
        first = install_log_sanitizer(logger)
        again = install_log_sanitizer(logger)
        assert first is again
        assert all(handler.filters == [first] for handler in handlers)
        logger.warning("token=%s", CANARY)
        assert all(CANARY not in h.stream.getvalue() for h in handlers)
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
