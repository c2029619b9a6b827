from typing import Any

import numpy as np
from audio_signals import tone

from sensors.audio.emotion import VoiceEmotionModel
from sensors.audio.observations import VoiceObservation
from sensors.audio.pipeline import AudioPerception
from sensors.audio.source import AudioSourceInfo, Chunk
from sensors.audio.sources import BufferSource
from sensors.audio.stream import AudioStream
from sensors.audio.vad import EnergyVad


def test_buffer_stream_is_stamped_by_sample_count_and_bounded_per_poll() -> None:
    now = [1000.0]
    source = BufferSource(capacity_ms=5000)
    stream = AudioStream(
        source, AudioPerception(EnergyVad(), None), lambda: now[0], max_chunks_per_poll=4
    )
    stream.start()
    assert stream.poll() == []
    source.push(np.zeros(512 * 10, dtype=np.float32))
    stream.poll()
    assert stream.chunks == 4
    now[0] = 5000.0  # a simulator source is never "late": no re-anchoring
    stream.poll()
    stream.poll()
    assert stream.chunks == 10 and stream.gaps == 0
    assert stream._next_t_ms == 1000.0 - 32 + 10 * 32


class LiveFake:
    """A live source that delivers whatever chunks the test queues."""

    def __init__(self) -> None:
        self.queue: list[Chunk] = []

    @property
    def info(self) -> AudioSourceInfo:
        return AudioSourceInfo(kind="fake", name="fake", live=True)

    def connect(self) -> None:
        pass

    def read(self) -> Chunk | None:
        return self.queue.pop(0) if self.queue else None

    def disconnect(self) -> None:
        pass


def test_a_gap_in_live_audio_ends_the_stretch_and_reanchors_the_clock() -> None:
    now = [0.0]
    source = LiveFake()
    perception = AudioPerception(EnergyVad(margin_db=6.0), VoiceEmotionModel())
    stream = AudioStream(source, perception, lambda: now[0])
    stream.start()
    voice = tone(150.0, 0.032 * 20, amplitude=0.2)
    quiet = np.zeros(512, dtype=np.float32)
    seen: list[Any] = []
    for _ in range(20):  # quiet room, so the energy VAD learns the floor
        now[0] += 32
        source.queue.append(quiet + 1e-4)
        seen += stream.poll()
    for i in range(20):
        now[0] += 32
        source.queue.append(voice[i * 512 : (i + 1) * 512])
        seen += stream.poll()
    assert not any(isinstance(o, VoiceObservation) for o in seen)
    now[0] += 3000  # the microphone vanished for 3 s
    source.queue.append(quiet + 1e-4)
    seen += stream.poll()
    voices = [o for o in seen if isinstance(o, VoiceObservation)]
    assert stream.gaps == 1 and len(voices) == 1
    assert voices[0].t_ms == 20 * 32 and voices[0].duration_ms >= 18 * 32
    assert stream._next_t_ms == now[0]  # re-anchored: the new chunk ended now
    stream.stop()
