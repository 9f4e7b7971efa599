"""The dead-letter record: the original key, value and headers byte for byte, then `dlq_*`
headers; only secrets are replaced (and named in `dlq_redacted`)."""

from dataclasses import dataclass, field

import pytest
from omnibase_infra.adapters.kafka import (
    HEADER_ERROR_CLASS,
    HEADER_ORIGINAL_HEADERS,
    HEADER_ORIGINAL_OFFSET,
    HEADER_ORIGINAL_PARTITION,
    HEADER_ORIGINAL_SIZE,
    HEADER_ORIGINAL_TOPIC,
    HEADER_REASON,
    HEADER_REDACTED,
    DeadLetter,
    dead_letter_record,
    original_headers,
)

CANARY = "canary-Secr3t-d41e"
GARBAGE = b"\xff\xfe\x00garbage"


@dataclass
class FakeRecord:
    value: bytes | None
    key: bytes | None = b"node-1"
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    topic: str = "dev.onex.evt.thing.v1"
    partition: int = 2
    offset: int = 41


def letter(record: FakeRecord, error: BaseException | None = None, **limits: int) -> DeadLetter:
    return dead_letter_record(
        record,
        error or ValueError("broken"),
        attempts=1,
        group_id="g",
        sample_bytes=limits.get("sample_bytes", 8),
        max_bytes=limits.get("max_bytes", 1024),
    )


def dlq_headers(dead: DeadLetter) -> dict[str, str]:
    return {name: value.decode() for name, value in dead.headers[len(original(dead)) :]}


def original(dead: DeadLetter) -> list[tuple[str, bytes]]:
    return original_headers(dead.headers)


def test_undecodable_key_value_and_headers_are_kept_byte_for_byte() -> None:
    headers = [("message_type", b"ModelThing"), ("trace", b"\x80\xff"), ("trace", b"again")]
    record = FakeRecord(GARBAGE, key=b"\x00\xffkey", headers=headers)

    dead = letter(record)

    assert dead.value == GARBAGE
    assert dead.key == b"\x00\xffkey"
    assert original(dead) == headers
    meta = dlq_headers(dead)
    assert meta[HEADER_ORIGINAL_TOPIC] == record.topic
    assert meta[HEADER_ORIGINAL_PARTITION] == "2"
    assert meta[HEADER_ORIGINAL_OFFSET] == "41"
    assert meta[HEADER_ORIGINAL_HEADERS] == "3"
    assert meta[HEADER_ERROR_CLASS] == "ValueError"
    assert HEADER_REDACTED not in meta
    assert HEADER_ORIGINAL_SIZE not in meta


def test_a_record_without_key_value_or_headers_gives_an_empty_value_and_only_dlq_headers() -> None:
    dead = letter(FakeRecord(None, key=None))

    assert (dead.key, dead.value, original(dead)) == (None, b"", [])
    assert dlq_headers(dead)[HEADER_ORIGINAL_HEADERS] == "0"


def test_a_secret_in_the_value_is_replaced_and_every_other_byte_stays() -> None:
    value = GARBAGE + f' {{"password": "{CANARY}"}} '.encode() + b"\xc3("

    dead = letter(FakeRecord(value))

    assert CANARY.encode() not in dead.value
    assert dead.value == GARBAGE + b' {"password": "***"} ' + b"\xc3("
    assert dlq_headers(dead)[HEADER_REDACTED] == "value"


def test_secret_headers_and_keys_are_replaced_and_named() -> None:
    headers = [("Authorization", f"Bearer {CANARY}".encode()), ("note", f"token={CANARY}".encode())]

    dead = letter(FakeRecord(b"{}", key=f"password={CANARY}".encode(), headers=headers))

    assert original(dead) == [("Authorization", b"***"), ("note", b"token=***")]
    assert dead.key == b"password=***"
    assert dlq_headers(dead)[HEADER_REDACTED] == "key,headers"
    assert CANARY.encode() not in b"".join(v for _, v in dead.headers) + dead.value


def test_an_oversize_value_keeps_its_first_bytes_and_its_size() -> None:
    value = GARBAGE * 200

    dead = letter(FakeRecord(value), sample_bytes=5, max_bytes=1024)

    assert dead.value == GARBAGE[:5]
    assert dlq_headers(dead)[HEADER_ORIGINAL_SIZE] == str(len(value))


def test_the_reason_is_sanitized() -> None:
    dead = letter(FakeRecord(b"{}"), RuntimeError(f"refused by postgresql://u:{CANARY}@db/x"))

    assert CANARY not in dlq_headers(dead)[HEADER_REASON]
    assert "refused by" in dlq_headers(dead)[HEADER_REASON]


def test_original_headers_refuses_headers_that_are_no_dead_letter() -> None:
    with pytest.raises(ValueError, match=HEADER_ORIGINAL_HEADERS):
        original_headers([("message_type", b"ModelThing")])
