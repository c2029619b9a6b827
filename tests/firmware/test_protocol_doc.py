"""docs/protocol.md shows every message in bytes; those bytes must be what the codec does."""

from __future__ import annotations

from pathlib import Path

from firmware import wire

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_every_documented_frame_decodes_to_its_documented_payload() -> None:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    payloads = [
        bytes.fromhex(line.split("payload", 1)[1]) for line in lines if line.startswith("  payload")
    ]
    frames = [
        bytes.fromhex(line.split("frame", 1)[1]) for line in lines if line.startswith("  frame")
    ]
    assert len(frames) == len(payloads) == len(wire.MESSAGE_TYPES)
    seen = set()
    for payload, frame in zip(payloads, frames, strict=True):
        decoder = wire.Decoder()
        (message,) = decoder.feed(frame)
        assert message.pack() == payload
        assert wire.encode(message, message.seq) == frame
        seen.add(message.TYPE)
    assert seen == set(wire.MESSAGE_TYPES)


def test_documented_schema_hash_and_version_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"schema 0x{wire.schema_hash():08x}" in text
    assert f"HELLO ({wire.PROTOCOL_MAJOR}.{wire.PROTOCOL_MINOR})" in text
