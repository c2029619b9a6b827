"""The live microphone through PyAudio (the ``robot`` extra), tolerant of a missing device.

No microphone is not an error: the source says so once, returns ``None`` from
:meth:`PyAudioSource.read`, and looks for the device again every
``retry_ms``. When the device disappears mid-stream the same happens.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from sensors.audio.source import (
    AUDIO_SOURCES,
    CHUNK_SAMPLES,
    SAMPLE_RATE_HZ,
    AudioSourceInfo,
    Chunk,
    RingBuffer,
)
from sensors.audio.sources import resample

log = logging.getLogger(__name__)

PA_INT16 = 8  # pyaudio.paInt16; a constant of PortAudio's ABI


def _default_backend() -> Any:
    import pyaudio  # the "robot" extra; absent on a developer's desk

    return pyaudio.PyAudio()


def find_portaudio_device(
    pa: Any, device: int | str | None, output: bool
) -> tuple[int, dict[str, Any]]:
    """PortAudio's (index, info) for ``device``: an index, part of a name, or None for default.

    Only devices with input channels (``output=False``) or output channels
    count; an unmatched ``device`` raises OSError naming the ones there are.
    """
    if device is None:
        default = pa.get_default_output_device_info if output else pa.get_default_input_device_info
        info = dict(default())
        return int(info["index"]), info
    channels = "maxOutputChannels" if output else "maxInputChannels"
    found = []
    for index in range(int(pa.get_device_count())):
        info = dict(pa.get_device_info_by_index(index))
        if int(info.get(channels, 0)) > 0:
            found.append((index, info))
    for index, info in found:
        if isinstance(device, int) and index == device:
            return index, info
        if isinstance(device, str) and device.lower() in str(info["name"]).lower():
            return index, info
    kind = "output" if output else "input"
    names = ", ".join(str(i["name"]) for _, i in found) or "none"
    raise OSError(f"no {kind} device matches {device!r} ({kind}s: {names})")


@AUDIO_SOURCES.register("pyaudio")
class PyAudioSource:
    """A PortAudio input device at 16 kHz mono (or its own rate, resampled).

    ``device`` is an index, a case-insensitive part of the device name, or
    None for the system default input.
    """

    def __init__(
        self,
        device: int | str | None = None,
        retry_ms: int = 2000,  # how often to look for a missing microphone
        buffer_ms: int = 1000,  # RAM ring between the driver and the reader
        backend: Callable[[], Any] = _default_backend,
        clock_ms: Callable[[], float] = lambda: time.monotonic() * 1000.0,
    ) -> None:
        self.device = device
        self.retry_ms = retry_ms
        self._backend = backend
        self._clock_ms = clock_ms
        self._ring = RingBuffer(SAMPLE_RATE_HZ * buffer_ms // 1000)
        self._pa: Any = None
        self._stream: Any = None
        self._rate_hz = SAMPLE_RATE_HZ
        self._device_name = "default" if device is None else str(device)
        self._wanted = False
        self._last_try_ms: float | None = None
        self._said_missing = False

    @property
    def info(self) -> AudioSourceInfo:
        """A live microphone; the name is the device asked for until one is open."""
        return AudioSourceInfo(kind="pyaudio", name=self._device_name, live=True)

    @property
    def available(self) -> bool:
        """True while a device is open and streaming."""
        return self._stream is not None

    def connect(self) -> None:
        """Try to open the device now; a missing one is reported once and retried later."""
        self._wanted = True
        self._try_open()

    def read(self) -> Chunk | None:
        """The next chunk, or None when none is ready or there is no microphone."""
        if not self._wanted:
            return None
        if self._stream is None:
            now = self._clock_ms()
            if self._last_try_ms is None or now - self._last_try_ms >= self.retry_ms:
                self._try_open()
            if self._stream is None:
                return None
        try:
            frames = int(self._stream.get_read_available())
            if frames > 0:
                raw = self._stream.read(frames, exception_on_overflow=False)
                ints = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
                self._ring.write(resample(ints, self._rate_hz))
        except (OSError, ValueError) as error:
            self._lost(error)
            return None
        return self._ring.read(CHUNK_SAMPLES)

    def disconnect(self) -> None:
        """Close the stream and PortAudio; safe to call twice."""
        self._wanted = False
        self._close()
        self._ring.clear()

    def _try_open(self) -> None:
        self._last_try_ms = self._clock_ms()
        try:
            pa = self._backend()  # a fresh PortAudio: its device list is read at start-up
        except ImportError:
            self._missing("PyAudio is not installed (pip install petbrain[robot])")
            return
        except OSError as error:
            self._missing(str(error))
            return
        try:
            index, info = find_portaudio_device(pa, self.device, output=False)
            rate = SAMPLE_RATE_HZ
            try:
                stream = pa.open(
                    format=PA_INT16,
                    channels=1,
                    rate=rate,
                    input=True,
                    input_device_index=index,
                    frames_per_buffer=CHUNK_SAMPLES,
                )
            except (OSError, ValueError):  # device cannot do 16 kHz: use its own rate
                rate = int(float(info.get("defaultSampleRate", SAMPLE_RATE_HZ)))
                stream = pa.open(
                    format=PA_INT16,
                    channels=1,
                    rate=rate,
                    input=True,
                    input_device_index=index,
                    frames_per_buffer=CHUNK_SAMPLES * rate // SAMPLE_RATE_HZ,
                )
        except (OSError, ValueError) as error:
            pa.terminate()
            self._missing(str(error))
            return
        self._pa, self._stream, self._rate_hz = pa, stream, rate
        self._device_name = str(info.get("name", self._device_name))
        log.info("microphone %r open at %d Hz", self._device_name, rate)
        self._said_missing = False

    def _missing(self, why: str) -> None:
        if not self._said_missing:
            log.warning(
                "no microphone (%s): running without audio, looking again every %d ms",
                why,
                self.retry_ms,
            )
            self._said_missing = True

    def _lost(self, error: Exception) -> None:
        log.warning("microphone %r lost (%s): running without audio", self._device_name, error)
        self._said_missing = True  # the loss was the one message; say again when it is back
        self._close()
        self._last_try_ms = self._clock_ms()

    def _close(self) -> None:
        stream, pa = self._stream, self._pa
        self._stream = self._pa = None
        close_portaudio(stream, pa)


def close_portaudio(stream: Any, pa: Any) -> None:
    """Stop and close a PortAudio stream, then its PyAudio instance (either may be None).

    A vanished device may fail to close; it is gone either way, so OS errors are ignored.
    """
    if stream is not None:
        with contextlib.suppress(OSError):
            stream.stop_stream()
        with contextlib.suppress(OSError):
            stream.close()
    if pa is not None:
        with contextlib.suppress(OSError):
            pa.terminate()
