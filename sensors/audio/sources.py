"""File and in-memory audio sources: a wav file of any rate, and a buffer the simulator fills."""

from __future__ import annotations

import wave
from math import gcd
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sensors.audio.source import (
    AUDIO_SOURCES,
    CHUNK_SAMPLES,
    SAMPLE_RATE_HZ,
    AudioSourceInfo,
    Chunk,
    RingBuffer,
)

# A clip longer than this is refused rather than held in RAM (10 minutes = 38 MB).
MAX_FILE_SECONDS = 600.0


class AudioFileError(ValueError):
    """A wav file that cannot be read; the message is one clear line."""


def resample(samples: npt.NDArray[np.float32], rate_hz: int) -> npt.NDArray[np.float32]:
    """Resample mono float32 samples from ``rate_hz`` to 16 kHz (polyphase, anti-aliased)."""
    if rate_hz == SAMPLE_RATE_HZ or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    from sensors.audio.resample import resample_poly

    common = gcd(rate_hz, SAMPLE_RATE_HZ)
    out = resample_poly(samples, SAMPLE_RATE_HZ // common, rate_hz // common)
    return np.asarray(out, dtype=np.float32)


SOUNDFILE_SUFFIXES = (".flac", ".ogg")  # read through libsndfile (the soundfile package)


def _load_soundfile(path: Path) -> npt.NDArray[np.float32]:
    """A FLAC or Ogg file as 16 kHz mono float32 (soundfile is imported only here)."""
    import soundfile

    try:
        info = soundfile.info(str(path))
        if info.samplerate < 4000:
            raise AudioFileError(f"sample rate {info.samplerate} Hz is too low")
        if info.duration > MAX_FILE_SECONDS:
            raise AudioFileError(
                f"{info.duration:.0f} s is longer than the {MAX_FILE_SECONDS:.0f} s limit"
            )
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except soundfile.LibsndfileError as error:
        raise AudioFileError(f"not a readable {path.suffix} file ({error})") from error
    return resample(np.asarray(data.mean(axis=1), dtype=np.float32), int(rate))


def load_wav(path: Path | str) -> npt.NDArray[np.float32]:
    """Read an audio file as 16 kHz mono float32.

    PCM wav (8/16/24/32-bit, any rate, any channels) is read by the standard
    library; FLAC and Ogg (:data:`SOUNDFILE_SUFFIXES`) through libsndfile.
    """
    if Path(path).suffix.lower() in SOUNDFILE_SUFFIXES:
        return _load_soundfile(Path(path))
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            frames = wav.getnframes()
            if rate < 4000:
                raise AudioFileError(f"sample rate {rate} Hz is too low")
            if frames / rate > MAX_FILE_SECONDS:
                raise AudioFileError(
                    f"{frames / rate:.0f} s is longer than the {MAX_FILE_SECONDS:.0f} s limit"
                )
            raw = wav.readframes(frames)
    except (wave.Error, EOFError) as error:
        raise AudioFileError(f"not a readable PCM wav file ({error})") from error
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        data = ints.astype(np.float32) / float(1 << 23)
    elif width == 4:
        data = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / 2.0**31).astype(np.float32)
    else:
        raise AudioFileError(f"unsupported sample width {width} bytes")
    usable = (data.size // channels) * channels
    mono = data[:usable].reshape(-1, channels).mean(axis=1).astype(np.float32)
    return resample(mono, rate)


@AUDIO_SOURCES.register("wav")
class WavSource:
    """Chunks from a wav file, resampled to 16 kHz mono; the last partial chunk is zero-padded."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._samples: npt.NDArray[np.float32] | None = None
        self._pos = 0

    @property
    def info(self) -> AudioSourceInfo:
        """A file source; known without opening the file."""
        return AudioSourceInfo(kind="wav", name=str(self.path))

    def connect(self) -> None:
        """Read and resample the whole file (bounded by :data:`MAX_FILE_SECONDS`)."""
        self._samples = load_wav(self.path)
        self._pos = 0

    def read(self) -> Chunk | None:
        """The next chunk, or None at the end of the file."""
        if self._samples is None or self._pos >= self._samples.size:
            return None
        chunk = self._samples[self._pos : self._pos + CHUNK_SAMPLES]
        self._pos += CHUNK_SAMPLES
        if chunk.size < CHUNK_SAMPLES:
            chunk = np.pad(chunk, (0, CHUNK_SAMPLES - chunk.size))
        return chunk.astype(np.float32, copy=True)

    def disconnect(self) -> None:
        """Drop the samples from RAM."""
        self._samples = None


@AUDIO_SOURCES.register("buffer")
class BufferSource:
    """An in-memory source: the simulator (or a test) pushes samples, the brain reads chunks.

    Samples live in a bounded :class:`RingBuffer`; when the reader falls
    behind, the oldest audio is dropped and counted in :attr:`dropped_samples`.
    """

    def __init__(
        self, name: str = "sim", capacity_ms: int = 2000, sample_rate_hz: int = SAMPLE_RATE_HZ
    ) -> None:
        self.name = name
        self.sample_rate_hz = sample_rate_hz  # rate of pushed samples; resampled to 16 kHz
        self._ring = RingBuffer(SAMPLE_RATE_HZ * capacity_ms // 1000)
        self.dropped_samples = 0
        self.connected = False

    @property
    def info(self) -> AudioSourceInfo:
        """An in-memory source labelled ``name``."""
        return AudioSourceInfo(kind="buffer", name=self.name)

    def push(self, samples: npt.ArrayLike) -> None:
        """Add mono float samples in [-1, 1] at ``sample_rate_hz``."""
        values = np.asarray(samples, dtype=np.float32).ravel()
        self.dropped_samples += self._ring.write(resample(values, self.sample_rate_hz))

    def connect(self) -> None:
        """Nothing to open."""
        self.connected = True

    def read(self) -> Chunk | None:
        """The next full chunk, or None until enough samples were pushed."""
        return self._ring.read(CHUNK_SAMPLES)

    def disconnect(self) -> None:
        """Forget anything still buffered."""
        self._ring.clear()
        self.connected = False
