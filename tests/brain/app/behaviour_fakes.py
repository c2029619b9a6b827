"""A stand-in for the body link: records what the brain sends, feeds it messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from firmware import wire


class FakeLink:
    """Duck-types ``brain.body.link.BodyLink`` for runtime tests: always ready, no serial port."""

    def __init__(self) -> None:
        self.on_ready: list[Callable[[Any], None]] = []
        self.on_lost: list[Callable[[str], None]] = []
        self.inbox: list[wire.Message] = []
        self.streams: list[tuple[int, wire.Message]] = []
        self.commands: list[tuple[int, wire.Message]] = []
        self.ready = True

    def tick(self, now_ms: int) -> None:
        pass

    def poll(self, now_ms: int) -> list[wire.Message]:
        out, self.inbox = self.inbox, []
        return out

    def send_stream(self, message: wire.Message, now_ms: int) -> bool:
        self.streams.append((now_ms, message))
        return True

    def send_command(
        self, message: wire.Message, now_ms: int, on_done: Callable[[bool], None] | None = None
    ) -> bool:
        self.commands.append((now_ms, message))
        if on_done is not None:
            on_done(True)
        return True
