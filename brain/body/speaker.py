"""The pet's voice on a real speaker: a sound player on a PortAudio output device.

:class:`SpeakerPlayer` has the runtime's sound player interface (``play``
and ``stop``, never blocking). A worker thread owns the device: it opens it
(by index or part of its name), writes the current sound in 32 ms blocks, and
when the device is missing or vanishes it says so once through
:class:`brain.app.health.DeviceHealth`, keeps the pet running silently, and
looks for the device again every ``retry_ms``. A cat makes one sound at a
time, so a new sound replaces the one playing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from brain.app.health import DeviceHealth
from brain.body.audio_quiet import silence_audio_libraries
from sensors.audio.microphone import close_portaudio, find_portaudio_device

log = logging.getLogger(__name__)

SOUND_RATE_HZ = 16_000  # the sound bank's rate
BLOCK_SAMPLES = 512  # 32 ms at 16 kHz
PA_INT16 = 8  # pyaudio.paInt16


def _default_backend() -> Any:
    import pyaudio  # the "robot" extra

    silence_audio_libraries()
    return pyaudio.PyAudio()


class SpeakerPlayer:
    """Plays named sounds on one output device, from a worker thread."""

    def __init__(
        self,
        samples: Callable[[str], npt.NDArray[np.int16]],
        health: DeviceHealth,
        device: int | str | None = None,  # PortAudio index, part of the name, None: default
        volume: float = 0.8,  # master volume, times each sound's own
        retry_ms: int = 5000,  # how often a missing speaker is looked for
        backend: Callable[[], Any] | None = None,  # PortAudio factory (tests pass a fake)
    ) -> None:
        self._samples = samples
        self._health = health
        self.device = device
        self.volume = volume
        self.retry_ms = retry_ms
        self._backend = backend or _default_backend
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._current: npt.NDArray[np.int16] | None = None
        self._position = 0
        self._pa: Any = None
        self._stream: Any = None
        self._rate_hz = SOUND_RATE_HZ
        self._thread: threading.Thread | None = None
        self.played: list[str] = []
        self.blocks_written = 0

    # -- the sound player interface -------------------------------------

    def play(self, name: str, volume: float, t_ms: int) -> None:
        """Start ``name`` now (replacing what plays); an unknown sound is logged and skipped."""
        try:
            raw = self._samples(name)
        except Exception as error:  # a missing or broken sound file must not stop the pet
            log.warning("sound %r cannot play: %s", name, error)
            return
        gain = max(0.0, min(1.0, volume * self.volume))
        scaled = np.clip(raw.astype(np.float32) * gain, -32768, 32767).astype(np.int16)
        with self._lock:
            self._current = scaled
            self._position = 0
            self.played.append(name)
        self._wake.set()

    def stop(self) -> None:
        """Silence the sound playing now."""
        with self._lock:
            self._current = None

    # -- life cycle -------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread (it opens the device)."""
        self._thread = threading.Thread(target=self._run, name="petbrain-speaker", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread and release the device."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self._close()

    # -- worker -------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            if self._stream is None and not self._open():
                self._stopping.wait(self.retry_ms / 1000.0)
                continue
            block = self._next_block()
            if block is None:
                self._wake.wait(0.1)
                self._wake.clear()
                continue
            try:
                self._stream.write(self._resampled(block).tobytes())
                self.blocks_written += 1
            except Exception as error:  # unplugged mid-sound, or any driver trouble
                self._health.down("speaker", f"write failed ({error})", self.retry_ms / 1000.0)
                self._close()

    def _next_block(self) -> npt.NDArray[np.int16] | None:
        with self._lock:
            sound = self._current
            if sound is None or self._position >= sound.size:
                self._current = None
                return None
            block = sound[self._position : self._position + BLOCK_SAMPLES]
            self._position += BLOCK_SAMPLES
        if block.size < BLOCK_SAMPLES:
            block = np.pad(block, (0, BLOCK_SAMPLES - block.size))
        return block

    def _resampled(self, block: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        if self._rate_hz == SOUND_RATE_HZ:
            return block
        count = block.size * self._rate_hz // SOUND_RATE_HZ
        x = np.linspace(0.0, block.size - 1, count)
        return np.interp(x, np.arange(block.size), block).astype(np.int16)

    def _open(self) -> bool:
        try:
            pa = self._backend()
        except ImportError:
            self._health.down("speaker", "PyAudio is not installed (pip install 'petbrain[robot]')")
            self._stopping.wait(3600.0)  # nothing will change without a reinstall
            return False
        except OSError as error:
            self._health.down("speaker", str(error), self.retry_ms / 1000.0)
            return False
        try:
            index, info = find_portaudio_device(pa, self.device, output=True)
            rate = SOUND_RATE_HZ
            try:
                stream = self._open_stream(pa, index, rate)
            except (OSError, ValueError):  # the device cannot do 16 kHz: use its own rate
                rate = int(float(info.get("defaultSampleRate", SOUND_RATE_HZ)))
                stream = self._open_stream(pa, index, rate)
        except Exception as error:  # any driver trouble: reported, retried, never fatal
            with contextlib.suppress(Exception):
                pa.terminate()
            self._health.down("speaker", str(error), self.retry_ms / 1000.0)
            return False
        self._pa, self._stream, self._rate_hz = pa, stream, rate
        self._health.up("speaker", f"{info.get('name', index)} at {rate} Hz")
        return True

    @staticmethod
    def _open_stream(pa: Any, index: int, rate: int) -> Any:
        return pa.open(
            format=PA_INT16,
            channels=1,
            rate=rate,
            output=True,
            output_device_index=index,
            frames_per_buffer=BLOCK_SAMPLES * rate // SOUND_RATE_HZ,
        )

    def _close(self) -> None:
        stream, pa = self._stream, self._pa
        self._stream = self._pa = None
        close_portaudio(stream, pa)
