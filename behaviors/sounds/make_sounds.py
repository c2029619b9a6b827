"""Synthesise the pet's cat sounds (16 kHz mono 16-bit WAV), numpy only, nothing downloaded.

Run from the repository root; it rewrites ``behaviors/sounds/*.wav``
deterministically (seeded noise), so the committed files can be regenerated
and compared::

    .venv/bin/python behaviors/sounds/make_sounds.py

The models are simple source-filter sketches: a purr is noise bursts at the
25 Hz laryngeal rate through a low resonance; a meow is a harmonic voice whose
pitch rises and falls while its formants glide from "ee" to "ow"; a trill is a
rolled, rising voice; a hiss is shaped breath noise.
"""

from __future__ import annotations

import sys
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE_HZ = 16_000
Signal = npt.NDArray[np.float64]


def _time(duration_s: float) -> Signal:
    return np.arange(int(duration_s * RATE_HZ)) / RATE_HZ


def _envelope(n: int, attack_s: float, release_s: float) -> Signal:
    env = np.ones(n)
    a = max(1, int(attack_s * RATE_HZ))
    r = max(1, int(release_s * RATE_HZ))
    env[:a] = np.linspace(0.0, 1.0, a)
    env[-r:] = np.minimum(env[-r:], np.linspace(1.0, 0.0, r))
    return env


def _resonate(signal: Signal, centre_hz: float, bandwidth_hz: float) -> Signal:
    """Two-pole resonator (a formant) applied sample by sample."""
    r = np.exp(-np.pi * bandwidth_hz / RATE_HZ)
    theta = 2 * np.pi * centre_hz / RATE_HZ
    a1, a2 = -2 * r * np.cos(theta), r * r
    out = np.zeros_like(signal)
    y1 = y2 = 0.0
    gain = 1 - r
    for i, x in enumerate(signal):
        y = gain * x - a1 * y1 - a2 * y2
        out[i] = y
        y2, y1 = y1, y
    return out


def _voice(pitch_hz: Signal, harmonics: int = 12) -> Signal:
    """A harmonic source following ``pitch_hz`` sample by sample, with a falling spectrum."""
    phase = 2 * np.pi * np.cumsum(pitch_hz) / RATE_HZ
    out = np.zeros_like(pitch_hz)
    for k in range(1, harmonics + 1):
        audible = (k * pitch_hz) < RATE_HZ / 2 - 500
        out += audible * np.sin(k * phase) / k
    return out


def _formants(source: Signal, first_hz: Signal, second_hz: Signal) -> Signal:
    """Vowel colour: gliding formants, processed in short blocks."""
    out = np.zeros_like(source)
    block = 160
    for start in range(0, len(source), block):
        chunk = source[max(0, start - 64) : start + block]
        f1 = float(first_hz[min(start, len(first_hz) - 1)])
        f2 = float(second_hz[min(start, len(second_hz) - 1)])
        shaped = _resonate(chunk, f1, 120.0) + 0.6 * _resonate(chunk, f2, 200.0)
        out[start : start + block] = shaped[-len(out[start : start + block]) :]
    return out


def purr(rng: np.random.Generator, duration_s: float = 2.0, rate_hz: float = 25.0) -> Signal:
    """Noise bursts at the laryngeal rate, louder on the in-breath."""
    t = _time(duration_s)
    bursts = np.clip(np.sin(2 * np.pi * rate_hz * t), 0.0, 1.0) ** 3
    breath = 0.65 + 0.35 * np.sin(2 * np.pi * t / 1.6)
    noise = rng.normal(0.0, 1.0, len(t))
    body = _resonate(noise * bursts, 180.0, 160.0) + 0.3 * _resonate(noise * bursts, 420.0, 300.0)
    out: Signal = body * breath * _envelope(len(t), 0.15, 0.3)
    return out


def purr_soft(rng: np.random.Generator) -> Signal:
    """A quieter, slower purr for resting together."""
    return 0.5 * purr(rng, 2.0, 22.0)


def meow(rng: np.random.Generator, duration_s: float = 0.8, peak_hz: float = 620.0) -> Signal:
    """A "mee-ow": pitch rises then falls, formants glide from ee to ow."""
    t = _time(duration_s)
    x = t / duration_s
    pitch = 420.0 + (peak_hz - 420.0) * np.sin(np.pi * np.clip(x * 1.2, 0, 1))
    pitch *= 1 + 0.01 * rng.normal(0.0, 1.0, len(t)).cumsum() / np.sqrt(len(t))
    f1 = 500.0 + 400.0 * x
    f2 = 2300.0 - 1300.0 * x
    return _formants(_voice(pitch), f1, f2) * _envelope(len(t), 0.05, 0.2)


def meow_short(rng: np.random.Generator) -> Signal:
    """A brief greeting 'mew'."""
    return meow(rng, 0.35, 700.0)


def meow_plaintive(rng: np.random.Generator) -> Signal:
    """A longer, lower, falling call: 'where are you?'."""
    return meow(rng, 1.2, 520.0)


def trill(rng: np.random.Generator) -> Signal:
    """A rolled, rising 'prrrt?' greeting."""
    t = _time(0.45)
    x = t / 0.45
    pitch = 380.0 + 260.0 * x**1.5
    roll = 0.55 + 0.45 * np.sin(2 * np.pi * 28.0 * t)
    voiced = _formants(_voice(pitch, 8), 600.0 + 0 * t, 1800.0 + 0 * t)
    breath = 0.15 * _resonate(rng.normal(0.0, 1.0, len(t)), 900.0, 600.0)
    out: Signal = (voiced + breath) * roll * _envelope(len(t), 0.03, 0.12)
    return out


def chirp(rng: np.random.Generator) -> Signal:
    """A short, bright 'mrp!' of interest."""
    t = _time(0.18)
    pitch = 600.0 + 500.0 * (t / 0.18)
    voiced = _formants(_voice(pitch, 6), 700.0 + 0 * t, 2000.0 + 0 * t)
    return voiced * _envelope(len(t), 0.01, 0.06) + 0.02 * rng.normal(0.0, 1.0, len(t))


def hiss(rng: np.random.Generator) -> Signal:
    """Shaped breath noise, sharp attack, a warning."""
    t = _time(0.9)
    noise = rng.normal(0.0, 1.0, len(t))
    shaped = _resonate(noise, 4500.0, 2500.0) + 0.5 * _resonate(noise, 2500.0, 1500.0)
    return shaped * _envelope(len(t), 0.02, 0.35)


def yawn(rng: np.random.Generator) -> Signal:
    """A breathy, falling 'aaah' at the end of a yawn."""
    t = _time(0.9)
    x = t / 0.9
    pitch = 520.0 - 220.0 * x
    voiced = _formants(_voice(pitch, 8), 800.0 - 200.0 * x, 1300.0 - 300.0 * x)
    breath = 0.4 * _resonate(rng.normal(0.0, 1.0, len(t)), 1200.0, 900.0)
    return (0.5 * voiced + breath) * _envelope(len(t), 0.2, 0.4)


SOUNDS: dict[str, Callable[[np.random.Generator], Signal]] = {
    "purr": purr,
    "purr_soft": purr_soft,
    "meow": meow,
    "meow_short": meow_short,
    "meow_plaintive": meow_plaintive,
    "trill": trill,
    "chirp": chirp,
    "hiss": hiss,
    "yawn": yawn,
}


def to_pcm16(signal: Signal, peak: float = 0.8) -> bytes:
    """Normalise to ``peak`` of full scale and convert to little-endian 16-bit PCM."""
    top = float(np.max(np.abs(signal))) or 1.0
    return (signal / top * peak * 32767).astype("<i2").tobytes()


def write_wav(path: Path, pcm: bytes) -> None:
    """Write mono 16 kHz 16-bit PCM to ``path``."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes(pcm)


def main(folder: Path) -> int:
    """Write every sound into ``folder``."""
    for index, (name, make) in enumerate(SOUNDS.items()):
        rng = np.random.default_rng(1000 + index)
        peak = 0.5 if name == "purr_soft" else 0.8
        write_wav(folder / f"{name}.wav", to_pcm16(make(rng), peak))
        print(f"{name}.wav")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
