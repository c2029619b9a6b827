"""The pet's microphone in the simulated room, heard through the real audio pipeline.

:class:`SimMicrophone` mixes what happens in the room (voices from wav files,
loud bangs) over a quiet noise floor, on the simulator's clock. Each tick
:class:`SimAudio` pushes the new samples into the audio work's
``BufferSource`` and polls an ``AudioStream`` over it, exactly as the robot
polls its microphone: Silero VAD, prosody, startle and voice emotion run
unchanged. Observations (numbers, never samples) go to ``listeners``; a
startle also reaches the brain as a ``LoudSound``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sensors.audio import SAMPLE_RATE_HZ
from sensors.audio.observations import AudioObservation, SoundEvent

if TYPE_CHECKING:
    from brain.app.runtime import BrainEvent
    from sim.runner import SimSession

# The virtual microphone's sensitivity: a sound of this level (dB SPL) reaches 0 dBFS.
# A MEMS microphone with a little preamp gain: -16 dBFS at 94 dB SPL.
SPL_AT_0_DBFS = 110.0
NOISE_FLOOR_DBFS = -62.0  # a quiet living room
SAMPLES_PER_MS = SAMPLE_RATE_HZ // 1000

Samples = npt.NDArray[np.float32]
AudioListener = Callable[[int, AudioObservation], None]


def bang(level_db_spl: float, duration_ms: int, seed: int) -> Samples:
    """A door slam or a dropped pan: a noise burst with a sharp attack and a fast decay.

    ``level_db_spl`` is the loudness of its first 10 ms (RMS), as a meter reads it.
    """
    rng = np.random.default_rng(seed)
    n = max(1, duration_ms * SAMPLES_PER_MS)
    t = np.arange(n, dtype=np.float32) / SAMPLE_RATE_HZ
    envelope = np.minimum(1.0, t / 0.002) * np.exp(-t / max(0.01, duration_ms / 4000.0))
    burst = rng.standard_normal(n).astype(np.float32) * envelope.astype(np.float32)
    head = burst[: 10 * SAMPLES_PER_MS]
    rms = float(np.sqrt(np.mean(head * head))) or 1e-9
    target = 10.0 ** ((level_db_spl - SPL_AT_0_DBFS) / 20.0)
    result: Samples = np.clip(burst * np.float32(target / rms), -1.0, 1.0).astype(np.float32)
    return result


class SimMicrophone:
    """What reaches the pet's microphone: queued clips over a seeded noise floor."""

    def __init__(self, seed: int = 0, noise_floor_dbfs: float = NOISE_FLOOR_DBFS) -> None:
        self._rng = np.random.default_rng(seed)
        self._noise = 10.0 ** (noise_floor_dbfs / 20.0)
        self._clips: list[tuple[int, Samples]] = []

    def queue(self, samples: Samples, at_ms: int) -> None:
        """Play 16 kHz mono ``samples`` into the room from ``at_ms``."""
        self._clips.append((at_ms, samples))

    def render(self, from_ms: int, to_ms: int) -> Samples:
        """The microphone's samples for ``[from_ms, to_ms)``."""
        n = (to_ms - from_ms) * SAMPLES_PER_MS
        out = (self._rng.standard_normal(n) * self._noise).astype(np.float32)
        start = from_ms * SAMPLES_PER_MS
        keep: list[tuple[int, Samples]] = []
        for at_ms, clip in self._clips:
            offset = at_ms * SAMPLES_PER_MS - start  # clip sample 0 lands at out[offset]
            lo, hi = max(0, offset), min(n, offset + clip.size)
            if lo < hi:
                out[lo:hi] += clip[lo - offset : hi - offset]
            if offset + clip.size > n:
                keep.append((at_ms, clip))
        self._clips = keep
        result: Samples = np.clip(out, -1.0, 1.0).astype(np.float32)
        return result


class SimAudio:
    """Tick callback: the microphone into the real audio pipeline, observations out.

    By default the microphone is the simulated room (``microphone``); with
    ``live`` (an audio source config such as ``{"type": "pyaudio"}``) it is a
    real one, built through the audio work's source registry; a missing
    device is looked for again later, as on the robot.
    """

    def __init__(self, seed: int = 0, live: dict[str, object] | None = None) -> None:
        from sensors.audio import AUDIO_SOURCES
        from sensors.audio.pipeline import AudioPerception
        from sensors.audio.sources import BufferSource
        from sensors.audio.stream import AudioStream

        self.microphone = SimMicrophone(seed)
        self.buffer = BufferSource("sim")
        self.live = live is not None
        source = AUDIO_SOURCES.create(live) if live is not None else self.buffer
        self._now_ms = 0
        self.stream = AudioStream(source, AudioPerception.load(), lambda: self._now_ms)
        self.stream.start()
        self.listeners: list[AudioListener] = []
        self._rendered_ms = 0

    def skip_to(self, now_ms: int) -> None:
        """Start hearing at ``now_ms`` (a perception process that joins a run midway)."""
        self._rendered_ms = max(self._rendered_ms, now_ms)

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Hear the room up to now and pass on what the pipeline made of it."""
        now = session.now_ms
        if now > self._rendered_ms and not self.live:
            self.buffer.push(self.microphone.render(self._rendered_ms, now))
            self._rendered_ms = now
        self._now_ms = now
        for observation in self.stream.poll():
            deliver(session, self.listeners, observation)


def deliver(
    session: SimSession, listeners: list[AudioListener], observation: AudioObservation
) -> None:
    """Hand an audio observation to the listeners and to the pet, as on the robot.

    The assembly's one sensor path (:meth:`brain.app.assembly.Pet.sense`) gives
    it to fusion and turns a startle into a ``LoudSound`` (dBFS + the simulated
    microphone's ``SPL_AT_0_DBFS``), which the ``loud_sound`` triggers read.
    """
    for listener in listeners:
        listener(session.now_ms, observation)
    session.pet.sense(observation)


def _nan(value: object) -> float:
    return float("nan") if value is None else float(value)  # type: ignore[arg-type]


def observation_from_json(data: dict[str, object]) -> AudioObservation | None:
    """Rebuild a recorded audio observation (the inverse of its ``to_json``)."""
    from dataclasses import fields

    from sensors.audio.observations import AmbientLevel, Prosody, VoiceObservation

    kind = data.get("kind")
    if kind == "startle":
        names = [f.name for f in fields(SoundEvent)]
        return SoundEvent(**{k: data[k] for k in names})  # type: ignore[arg-type]
    if kind == "voice":
        prosody = data["prosody"]
        assert isinstance(prosody, dict)
        return VoiceObservation(
            t_ms=_nan(data["t_ms"]),
            duration_ms=_nan(data["duration_ms"]),
            speech_probability=_nan(data["speech_probability"]),
            prosody=Prosody(**{k: _nan(v) for k, v in prosody.items()}),
            arousal=None if data["arousal"] is None else _nan(data["arousal"]),
            valence=None if data["valence"] is None else _nan(data["valence"]),
            emotion=dict(data.get("emotion") or {}),  # type: ignore[call-overload]
            confidence=_nan(data.get("confidence", 0.0)),
            background_db=_nan(data.get("background_db")),
        )
    if kind == "ambient":
        return AmbientLevel(
            _nan(data["t_ms"]), _nan(data["background_db"]), bool(data["speech_active"])
        )
    return None
