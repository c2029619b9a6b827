"""Audio benchmarks: per-chunk cost of VAD + features, and startle detection latency."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from brain.bench import BenchOptions, Reference, Result, benchmark, percentile, time_per_call_ms


def voice_like(seconds: float, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """A harmonic, syllable-modulated signal with a gliding pitch, plus a little noise."""
    t = np.arange(int(seconds * 16000)) / 16000.0
    f0 = 180.0 + 40.0 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / 16000.0
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = 0.5 * (1 + np.sin(2 * np.pi * 4.0 * t)) ** 2
    noise = 0.003 * rng.normal(size=t.size)
    return np.asarray(0.05 * voice * envelope + noise, dtype=np.float32)


def _chunks(signal: npt.NDArray[np.float32]) -> list[npt.NDArray[np.float32]]:
    n = signal.size // 512
    return [signal[i * 512 : (i + 1) * 512].copy() for i in range(n)]


@benchmark("audio")
def audio(options: BenchOptions) -> list[Result]:
    """``audio_chunk_ms`` (VAD + features + startle + segmenting) and startle latency."""
    from sensors.audio.features import chunk_features
    from sensors.audio.pipeline import AudioPerception, load_emotion
    from sensors.audio.vad import SileroVad

    rng = np.random.default_rng(0)
    chunks = _chunks(voice_like(2.0 if options.quick else 8.0, rng))
    perception = AudioPerception(SileroVad(), load_emotion())
    index = [0]

    def one_chunk() -> None:
        i = index[0] % len(chunks)
        perception.process(chunks[i], i * 32.0)
        index[0] += 1

    repeat = len(chunks) * (1 if options.quick else 3)
    chunk_ms = time_per_call_ms(one_chunk, repeat, warmup=10)
    vad = SileroVad()
    vad_ms = time_per_call_ms(lambda: vad(chunks[index[0] % len(chunks)]), repeat, warmup=10)
    features_ms = time_per_call_ms(lambda: chunk_features(chunks[1], chunks[0]), repeat)
    fft_ms = time_per_call_ms(lambda: np.fft.rfft(chunks[1]), repeat)
    details = {"features_ms": features_ms, "numpy_rfft_512_ms": fft_ms, "chunks": float(repeat)}
    if perception.emotion is not None:
        model = perception.emotion
        vector = np.zeros((1, len(model.population_mean)), dtype=np.float32)
        # Once per speech stretch, not per chunk: reported beside the chunk cost.
        details["emotion_model_ms"] = time_per_call_ms(lambda: model.predict(vector), 200)
    results = [
        Result(
            "audio_chunk_ms",
            chunk_ms,
            "ms",
            Reference("Silero VAD alone on the same chunks", vad_ms),
            None,
            details,
        )
    ]
    results.append(_startle_latency(options, rng))
    return results


def _startle_latency(options: BenchOptions, rng: np.random.Generator) -> Result:
    """Clap onsets at random, not chunk-aligned times in quiet room noise."""
    from sensors.audio.features import block_levels_db
    from sensors.audio.observations import SoundEvent
    from sensors.audio.startle import StartleDetector

    latencies: list[float] = []
    onset_errors: list[float] = []
    missed = 0
    trials = 10 if options.quick else 60
    for _ in range(trials):
        signal = (0.001 * rng.normal(size=16000 * 2)).astype(np.float32)
        onset = int(rng.integers(16000, 16000 + 4 * 512))
        burst = rng.normal(size=1600) * np.exp(-np.arange(1600) / 300.0)
        signal[onset : onset + 1600] += (0.5 * burst).astype(np.float32)
        detector = StartleDetector()
        found: SoundEvent | None = None
        for i, chunk in enumerate(_chunks(signal)):
            start = time.perf_counter()
            event = detector.process(block_levels_db(chunk), i * 32.0)
            compute_ms = (time.perf_counter() - start) * 1000.0
            if event is not None:
                found = event
                true_ms = onset / 16.0
                latencies.append(event.detected_t_ms - true_ms + compute_ms)
                onset_errors.append(abs(event.t_ms - true_ms))
                break
        missed += found is None
    worst = max(latencies) if latencies else float("nan")
    return Result(
        "startle_latency_ms",
        worst,
        "ms",
        Reference("chunk length (framing delay)", 32.0),
        None,
        {
            "p50_ms": percentile(latencies, 0.5),
            "max_onset_error_ms": max(onset_errors) if onset_errors else float("nan"),
            "trials": float(trials),
            "missed": float(missed),
        },
    )
