"""The speaker player: plays through a PortAudio-like backend, survives the device vanishing."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from fake_sound_card import FakeSoundCard

from brain.app.health import DeviceHealth
from brain.body.speaker import BLOCK_SAMPLES, SpeakerPlayer


def _wait(predicate: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _bank(name: str) -> npt.NDArray[np.int16]:
    if name != "meow":
        raise FileNotFoundError(f"{name}.wav")
    return np.full(BLOCK_SAMPLES * 3, 10000, dtype=np.int16)


def test_plays_scaled_sound_and_recovers_after_unplug() -> None:
    card = FakeSoundCard()
    health = DeviceHealth()
    player = SpeakerPlayer(
        _bank, health, device="usb", volume=0.5, retry_ms=50, backend=card.backend
    )
    player.start()
    try:
        _wait(lambda: health.state("speaker").ok is True)
        player.play("meow", 1.0, 0)
        _wait(lambda: len(card.written) >= 3)
        assert int(card.written[0][0]) == 5000  # master volume 0.5
        player.play("purr", 1.0, 0)  # not in the bank: skipped, no crash
        card.plugged = False
        player.play("meow", 1.0, 0)
        _wait(lambda: health.state("speaker").ok is False)
        assert (
            "write failed" in health.state("speaker").detail
            or "no output device" in health.state("speaker").detail
        )
        card.plugged = True
        _wait(lambda: health.state("speaker").ok is True)
        assert health.state("speaker").recoveries == 1
        player.play("meow", 0.2, 0)
        before = len(card.written)
        _wait(lambda: len(card.written) >= before + 3)
        assert int(card.written[-1][0]) == 1000
    finally:
        player.close()
    assert player.played == ["meow", "meow", "meow"]


def test_resamples_for_a_device_without_16_khz() -> None:
    card = FakeSoundCard(rate_hz=48000.0)
    health = DeviceHealth()
    player = SpeakerPlayer(_bank, health, retry_ms=50, backend=card.backend, device=1)
    player.start()
    try:
        _wait(lambda: health.state("speaker").ok is True)
        player.play("meow", 1.0, 0)
        _wait(lambda: len(card.written) >= 1)
    finally:
        player.close()
    assert card.opened_at == [48000]
    assert card.written[0].size == BLOCK_SAMPLES * 3


def test_a_missing_speaker_is_reported_once() -> None:
    card = FakeSoundCard()
    card.plugged = False
    health = DeviceHealth()
    reports: list[bool | None] = []
    health.listeners.append(lambda s: reports.append(s.ok))
    player = SpeakerPlayer(_bank, health, device="usb", retry_ms=20, backend=card.backend)
    player.start()
    try:
        time.sleep(0.3)
        player.play("meow", 1.0, 0)  # never blocks, even without a device
    finally:
        player.close()
    assert reports == [False]
    assert "no output device matches 'usb'" in health.state("speaker").detail
