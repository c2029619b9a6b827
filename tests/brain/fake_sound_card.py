"""A USB sound card behind a PortAudio-like backend, for the speaker's and the app's tests."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt


class FakeStream:
    def __init__(self, card: FakeSoundCard) -> None:
        self.card = card

    def write(self, data: bytes) -> None:
        if not self.card.plugged:
            raise OSError("device unavailable")
        self.card.written.append(np.frombuffer(data, dtype=np.int16).copy())
        time.sleep(0.001)

    def stop_stream(self) -> None: ...

    def close(self) -> None: ...


class FakeSoundCard:
    """A USB sound card that can be unplugged."""

    def __init__(self, rate_hz: float = 16000.0) -> None:
        self.plugged = True
        self.rate_hz = rate_hz
        self.written: list[npt.NDArray[np.int16]] = []
        self.opened_at: list[int] = []

    def backend(self) -> Any:
        card = self

        class PortAudio:
            def get_device_count(self) -> int:
                return 2 if card.plugged else 1

            def get_default_output_device_info(self) -> dict[str, Any]:
                if not card.plugged:
                    raise OSError("No Default Output Device Available")
                return {"index": 1, **self.get_device_info_by_index(1)}

            def get_device_info_by_index(self, index: int) -> dict[str, Any]:
                names = ["HDMI", "USB Audio Device"]
                return {
                    "name": names[index],
                    "maxOutputChannels": 2,
                    "defaultSampleRate": card.rate_hz,
                }

            def open(self, rate: int, **_: Any) -> FakeStream:
                if rate != card.rate_hz:
                    raise ValueError("Invalid sample rate")
                card.opened_at.append(rate)
                return FakeStream(card)

            def terminate(self) -> None: ...

        return PortAudio()
