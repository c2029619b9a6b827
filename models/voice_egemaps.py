"""openSMILE eGeMAPSv02 functionals of every clip of the shared speech corpora (the baseline).

    python -m venv /tmp/smile && /tmp/smile/bin/pip install opensmile==2.6.0 soundfile==0.14.0
    /tmp/smile/bin/python models/voice_egemaps.py [--out artifacts/voice/egemaps.npz]

A separate environment on purpose: ``opensmile`` 2.6.0 pulls pandas and
pyarrow, whose current releases need numpy 2, while the product is pinned to
numpy 1.26 (mediapipe). This script imports nothing of the product but the
corpus naming (pure Python). The 88 functionals per clip are written with the
same corpus/file/label/speaker columns as ``voice_corpus_features.py``, from
the same 16 kHz mono samples, over the whole clip (eGeMAPS finds its own
voiced and unvoiced regions). Also reports the extraction cost per second of
audio on one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from math import gcd
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sensors.audio.corpora import CORPORA, corpus_rows, default_root  # noqa: E402


def load_16k(path: Path) -> np.ndarray:
    """Mono float32 at 16 kHz (polyphase resampling, as the product's loader does)."""
    import soundfile
    from scipy.signal import resample_poly

    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if rate != 16000:
        common = gcd(int(rate), 16000)
        mono = resample_poly(mono, 16000 // common, int(rate) // common)
    return np.asarray(mono, dtype=np.float32)


def main() -> int:
    """Extract, cache, and time."""
    import opensmile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_root())
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "voice" / "egemaps.npz")
    parser.add_argument(
        "--limit", type=int, help="at most this many clips per corpus (a smoke test)"
    )
    args = parser.parse_args()
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    meta: dict[str, list[str]] = {"corpus": [], "name": [], "label": [], "speaker": []}
    rows: list[np.ndarray] = []
    audio_s = compute_s = 0.0
    for corpus in CORPORA:
        clips = corpus_rows(corpus, args.data / corpus)[: args.limit]
        for n, (path, label, speaker) in enumerate(clips):
            samples = load_16k(path)
            started = time.process_time()
            frame = smile.process_signal(samples, 16000)
            compute_s += time.process_time() - started
            audio_s += samples.size / 16000
            rows.append(frame.to_numpy(dtype=np.float64).ravel())
            meta["corpus"].append(corpus)
            meta["name"].append(path.name)
            meta["label"].append(label)
            meta["speaker"].append(speaker)
            if n % 500 == 0:
                print(f"  {corpus} {n}", file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        x=np.array(rows),
        names=np.array(list(smile.feature_names)),
        **{k: np.array(v) for k, v in meta.items()},
    )
    per_chunk_ms = compute_s / audio_s * 32.0  # CPU s per s of audio x 32 ms
    print(
        f"{len(rows)} clips, {audio_s:.0f} s of audio, {compute_s:.1f} s CPU: "
        f"{compute_s / audio_s * 1000:.2f} ms per second of audio = "
        f"{per_chunk_ms:.3f} ms per 32 ms chunk -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
