import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_signals import tone, write_wav
from hypothesis import given
from hypothesis import strategies as st

from sensors.audio import AUDIO_SOURCES, CHUNK_SAMPLES, AudioSource, RingBuffer
from sensors.audio.features import yin_pitch
from sensors.audio.microphone import PyAudioSource
from sensors.audio.sources import AudioFileError, BufferSource, WavSource, load_wav


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=30), st.integers(1, 50))
def test_ring_buffer_keeps_the_newest_samples_in_order(writes: list[int], capacity: int) -> None:
    ring = RingBuffer(capacity)
    model: list[float] = []
    counter = 0
    for n in writes:
        values = np.arange(counter, counter + n, dtype=np.float32)
        counter += n
        dropped = ring.write(values)
        model.extend(values.tolist())
        assert dropped == max(0, len(model) - capacity)
        model = model[-capacity:]
        assert len(ring) == len(model)
    out = ring.read(len(model))
    assert out is not None and out.tolist() == model
    assert ring.read(1) is None


def test_sources_are_registered_by_type_and_usable_before_connect(tmp_path: Path) -> None:
    assert {"pyaudio", "wav", "buffer"} <= set(AUDIO_SOURCES.names())
    wav = AUDIO_SOURCES.create({"type": "wav", "path": str(tmp_path / "x.wav")})
    assert isinstance(wav, AudioSource)
    assert wav.info.kind == "wav" and wav.info.sample_rate_hz == 16000
    assert wav.info.chunk_samples == 512 and not wav.info.live
    mic = AUDIO_SOURCES.create({"type": "pyaudio", "device": "USB"})
    assert mic.info.live and mic.info.name == "USB"


def test_wav_source_resamples_any_rate_and_mixes_channels(tmp_path: Path) -> None:
    stereo = np.repeat(tone(220.0, 1.0, rate_hz=44100), 2)
    path = write_wav(tmp_path / "stereo44k.wav", stereo, rate_hz=44100, channels=2)
    source = WavSource(path)
    source.connect()
    chunks = []
    while (chunk := source.read()) is not None:
        assert chunk.dtype == np.float32 and chunk.size == CHUNK_SAMPLES
        chunks.append(chunk)
    source.disconnect()
    assert len(chunks) == int(np.ceil(16000 / CHUNK_SAMPLES))
    f0, _ = yin_pitch(np.concatenate(chunks[10:12]))
    assert f0 == pytest.approx(220.0, rel=0.01)


def test_load_wav_rejects_a_corrupt_file_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(AudioFileError) as error:
        load_wav(bad)
    assert "\n" not in str(error.value)


def test_buffer_source_delivers_whole_chunks_and_drops_the_oldest() -> None:
    source = BufferSource(capacity_ms=64)  # two chunks
    source.connect()
    assert source.read() is None
    source.push(np.full(300, 0.1))
    assert source.read() is None
    source.push(np.full(3 * 512, 0.2))
    assert source.dropped_samples == 300 + 3 * 512 - 1024
    first = source.read()
    assert first is not None and np.allclose(first, 0.2)
    source.disconnect()
    assert source.read() is None


class FakeStream:
    def __init__(self, device: "FakeDevice") -> None:
        self.device = device

    def get_read_available(self) -> int:
        if not self.device.present:
            raise OSError("Input overflowed / device unavailable")
        return 512

    def read(self, frames: int, exception_on_overflow: bool = True) -> bytes:
        return (np.full(frames, 1000, dtype="<i2")).tobytes()

    def stop_stream(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeDevice:
    """A PortAudio stand-in whose one microphone can be unplugged and plugged back."""

    def __init__(self) -> None:
        self.present = False
        self.opened = 0

    def __call__(self) -> Any:
        return self

    def get_device_count(self) -> int:
        return 2

    def get_device_info_by_index(self, index: int) -> dict[str, Any]:
        if index == 0:
            return {"name": "HDMI out", "maxInputChannels": 0, "defaultSampleRate": 48000.0}
        name = "USB Audio Mic" if self.present else "nothing"
        return {"name": name, "maxInputChannels": 1 if self.present else 0}

    def open(self, **kwargs: Any) -> FakeStream:
        assert kwargs["rate"] == 16000 and kwargs["channels"] == 1 and kwargs["input"]
        self.opened += 1
        return FakeStream(self)

    def terminate(self) -> None:
        pass


def test_missing_microphone_is_said_once_and_picked_up_when_it_appears(
    caplog: pytest.LogCaptureFixture,
) -> None:
    device = FakeDevice()
    now = [0.0]
    mic = PyAudioSource(device="usb", retry_ms=1000, backend=device, clock_ms=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="sensors.audio.microphone"):
        mic.connect()
        for _ in range(5):
            now[0] += 600
            assert mic.read() is None
        missing = [r for r in caplog.records if "no microphone" in r.getMessage()]
        assert len(missing) == 1 and "running without audio" in missing[0].getMessage()
        device.present = True
        now[0] += 1000
        chunk = mic.read()
        assert chunk is not None and chunk.size == 512
        assert np.allclose(chunk, 1000 / 32768)
        assert mic.available and mic.info.name == "USB Audio Mic"
        device.present = False  # unplugged mid-stream
        assert mic.read() is None and not mic.available
        assert any("lost" in r.getMessage() for r in caplog.records)
        device.present = True
        now[0] += 1000
        assert mic.read() is not None
        assert device.opened == 2
    mic.disconnect()
    assert mic.read() is None


def test_microphone_without_pyaudio_runs_silently(caplog: pytest.LogCaptureFixture) -> None:
    def missing() -> Any:
        raise ImportError("No module named 'pyaudio'")

    mic = PyAudioSource(backend=missing, clock_ms=lambda: 0.0)
    with caplog.at_level(logging.WARNING):
        mic.connect()
        assert mic.read() is None
    assert "PyAudio is not installed" in caplog.text


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_load_wav_decodes_every_pcm_width(tmp_path: Path, width: int) -> None:
    import wave

    x = tone(200.0, 0.25, amplitude=0.5)
    if width == 1:
        raw = np.round(x * 127 + 128).astype(np.uint8).tobytes()
    elif width == 3:
        ints = np.round(x * (2**23 - 1)).astype(np.int32)
        raw = np.stack([ints & 255, (ints >> 8) & 255, (ints >> 16) & 255], axis=1)
        raw = raw.astype(np.uint8).tobytes()
    else:
        dtype = "<i2" if width == 2 else "<i4"
        raw = np.round(x * (2 ** (8 * width - 1) - 1)).astype(dtype).tobytes()
    path = tmp_path / f"w{width}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(16000)
        out.writeframes(raw)
    assert np.allclose(load_wav(path), x, atol=0.01 if width == 1 else 1e-4)


@pytest.mark.hardware
def test_real_microphone_delivers_chunks() -> None:
    import time

    mic = PyAudioSource()
    mic.connect()
    assert mic.available, "no microphone found"
    deadline = time.monotonic() + 2.0
    chunk = None
    while chunk is None and time.monotonic() < deadline:
        chunk = mic.read()
        time.sleep(0.01)
    mic.disconnect()
    assert chunk is not None and chunk.size == CHUNK_SAMPLES
