"""Per-chunk runtime features of every clip of the shared speech corpora, cached.

    .venv/bin/python models/voice_corpus_features.py [--out artifacts/voice/chunks.npz]

Every clip goes through the runtime code (``sensors.audio``: Silero VAD,
:func:`~sensors.audio.features.chunk_features`, the speech span of
:func:`~sensors.audio.pipeline.clip_speech`), and the per-chunk features of
its speech span are stored, so the utterance functionals (and the model on
them) can be recomputed in seconds. Features only: no audio is written.
Also the openSMILE eGeMAPSv02 functionals of each clip (``--egemaps``,
needs ``pip install opensmile==2.6.0``) for the baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sensors.audio.corpora import CORPORA, corpus_rows, default_root  # noqa: E402
from sensors.audio.features import ChunkFeatures  # noqa: E402
from sensors.audio.pipeline import analyse_samples, clip_speech  # noqa: E402
from sensors.audio.sources import load_wav  # noqa: E402
from sensors.audio.vad import SileroVad  # noqa: E402
from sensors.audio.voice_quality import FORMANTS, VoiceQuality  # noqa: E402

# Column layout of the per-chunk table.
COLUMNS = (
    ["level_db"]
    + [f"block{i}_db" for i in range(8)]
    + ["f0_hz", "aperiodicity", "centroid_hz", "alpha_db", "flatness"]
    + [f"mfcc{i}" for i in range(1, 5)]
    + ["slope_low_db_per_khz", "slope_mid_db_per_khz", "hammarberg_db", "flux", "loudness"]
    + ["hnr_db", "jitter", "shimmer_db"]
    + [f"f{i}_hz" for i in range(1, FORMANTS + 1)]
    + [f"bw{i}_hz" for i in range(1, FORMANTS + 1)]
    + [f"a{i}_rel_db" for i in range(1, FORMANTS + 1)]
    + ["h1_h2_db", "h1_a3_db", "speech"]
)


def chunk_row(f: ChunkFeatures, speech: bool) -> list[float]:
    """One chunk's features in :data:`COLUMNS` order."""
    return [
        f.level_db,
        *f.block_db.tolist(),
        f.f0_hz,
        f.aperiodicity,
        f.centroid_hz,
        f.alpha_db,
        f.flatness,
        *f.mfcc.tolist(),
        f.slope_low_db_per_khz,
        f.slope_mid_db_per_khz,
        f.hammarberg_db,
        f.flux,
        f.loudness,
        f.quality.hnr_db,
        f.quality.jitter,
        f.quality.shimmer_db,
        *f.quality.formant_hz.tolist(),
        *f.quality.bandwidth_hz.tolist(),
        *f.quality.formant_rel_db.tolist(),
        f.quality.h1_h2_db,
        f.quality.h1_a3_db,
        float(speech),
    ]


def from_rows(table: npt.NDArray[np.float64]) -> tuple[list[ChunkFeatures], list[bool]]:
    """Back from the table to the runtime's chunk features and speech flags."""
    frames = [
        ChunkFeatures(
            float(r[0]),
            r[1:9].copy(),
            float(r[9]),
            float(r[10]),
            float(r[11]),
            float(r[12]),
            float(r[13]),
            r[14:18].copy(),
            float(r[18]),
            float(r[19]),
            float(r[20]),
            float(r[21]),
            float(r[22]),
            VoiceQuality(
                float(r[23]),
                float(r[24]),
                float(r[25]),
                r[26:29].copy(),
                r[29:32].copy(),
                r[32:35].copy(),
                float(r[35]),
                float(r[36]),
            ),
        )
        for r in table
    ]
    return frames, [bool(r[37]) for r in table]


def main() -> int:
    """Extract and cache."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_root())
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "voice" / "chunks.npz")
    parser.add_argument("--egemaps", type=Path, help="also write eGeMAPS functionals here (.npz)")
    parser.add_argument(
        "--limit", type=int, help="at most this many clips per corpus (a smoke test)"
    )
    args = parser.parse_args()
    vad = SileroVad()
    smile = None
    if args.egemaps is not None:
        import opensmile

        smile = opensmile.Smile(
            feature_set=opensmile.FeatureSet.eGeMAPSv02,
            feature_level=opensmile.FeatureLevel.Functionals,
        )
    meta: dict[str, list[str]] = {"corpus": [], "name": [], "label": [], "speaker": []}
    tables: list[npt.NDArray[np.float64]] = []
    egemaps: list[npt.NDArray[np.float64]] = []
    started = time.monotonic()
    for corpus in CORPORA:
        rows = corpus_rows(corpus, args.data / corpus)[: args.limit]
        for n, (path, label, speaker) in enumerate(rows):
            samples = load_wav(path)
            frames, probs = analyse_samples(samples, vad)
            span, speech = clip_speech(frames, probs)
            if not span:
                print(f"  no speech in {path.name}; skipped", file=sys.stderr)
                continue
            tables.append(np.array([chunk_row(f, s) for f, s in zip(span, speech, strict=True)]))
            meta["corpus"].append(corpus)
            meta["name"].append(path.name)
            meta["label"].append(label)
            meta["speaker"].append(speaker)
            if smile is not None:
                egemaps.append(np.asarray(smile.process_signal(samples, 16000)).ravel())
            if n % 200 == 0:
                print(
                    f"  {corpus} {n}/{len(rows)} ({time.monotonic() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    lengths = np.array([len(t) for t in tables])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        chunks=np.concatenate(tables),
        offsets=np.concatenate(([0], np.cumsum(lengths))),
        columns=np.array(COLUMNS),
        **{k: np.array(v) for k, v in meta.items()},
    )
    if args.egemaps is not None:
        np.savez_compressed(
            args.egemaps, x=np.array(egemaps), **{k: np.array(v) for k, v in meta.items()}
        )
    print(
        f"{len(tables)} clips in {time.monotonic() - started:.0f} s -> {args.out}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
