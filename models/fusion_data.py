"""Unimodal observations for training and evaluating the owner-emotion fusion model.

No aligned multimodal corpus exists offline, so the fusion model learns from
real unimodal data run through the project's real unimodal models:

* faces: FER2013 ``publictest`` crops (disgust left out) through the facial
  expression model (issue 4's ONNX file; its input is a grey square crop
  with raw 0..255 levels, its output 7 probabilities in EXPRESSIONS order).
  Only ``publictest`` is used: the expression model learned from ``train``,
  so its outputs there are over-confident. A fixed hash of the file name
  splits the images 60/40 into fusion-training and held-out evaluation.
* voices: EmoDB (German), TESS (English) and EMOVO (Italian) clips (disgust
  left out) through the voice-emotion recipe of
  ``models/train_voice_emotion.py`` refitted *without the clip's corpus*
  (leave-one-corpus-out), so every voice is out of the voice model's domain,
  as an owner's is. TESS voices are held out for the fusion evaluation;
  the fusion trains on EmoDB and EMOVO voices.
* touch: labelled synthetic traces from ``sensors.touch.synthetic`` under
  realistic owner and sensor conditions, classified by the real touch
  classifier (what the runtime would see).

The tables are cached as ``.npz`` (features only: no pixels, no audio).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from brain.fusion.features import (  # noqa: E402
    EMOTIONS,
    EXPRESSIONS,
    encode_touch_fields,
)

FACE_CLASS = {
    "angry": "angry",
    "fear": "afraid",
    "happy": "happy",
    "neutral": "calm",
    "sad": "sad",
    "surprise": "surprised",
}
VOICE_CLASS = {
    "anger": "angry",
    "happiness": "happy",
    "sadness": "sad",
    "fear": "afraid",
    "surprise": "surprised",
    "neutral": "calm",
    "boredom": "calm",
}  # disgust is left out, as for faces
EVAL_CORPUS = "tess"  # English: the fusion is scored on voices of a corpus it never trained on
FACE_EVAL_FRACTION = 0.4


def _held_out_image(name: str) -> bool:
    digest = hashlib.sha256(name.encode()).digest()
    return digest[0] / 256.0 < FACE_EVAL_FRACTION


def _face_runner(model_path: Path):  # type: ignore[no-untyped-def]
    """A batch function [N, 48, 48] uint8 -> [N, 7], the runtime's own class when it exists."""
    try:
        from sensors.camera.expression import ExpressionModel, fit_crop

        model = ExpressionModel(model_path)

        def run_runtime(crops: np.ndarray) -> np.ndarray:
            return model.predict(np.stack([fit_crop(c, model.size) for c in crops]))

        return run_runtime
    except ModuleNotFoundError:
        import cv2

        from sensors.onnx_runtime import onnxruntime

        ort = onnxruntime()

        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        size = int(session.get_inputs()[0].shape[2])

        def run_onnx(crops: np.ndarray) -> np.ndarray:
            if crops.shape[1] != size:
                crops = np.stack(
                    [cv2.resize(c, (size, size), interpolation=cv2.INTER_AREA) for c in crops]
                )
            batch = crops.astype(np.float32)[:, None, :, :]
            return np.asarray(session.run(None, {name: batch})[0], np.float32)

        return run_onnx


def face_table(data: Path, model_path: Path) -> dict[str, np.ndarray]:
    """Expression probabilities of every usable publictest crop, with label and split."""
    import cv2

    run = _face_runner(model_path)
    names, labels, held, crops = [], [], [], []
    for folder, emotion in FACE_CLASS.items():
        for path in sorted((data / "publictest" / folder).glob("*.jpg")):
            image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if image is None:
                print(f"  unreadable {path}; skipped", file=sys.stderr)
                continue
            if image.shape != (48, 48):
                image = cv2.resize(image, (48, 48), interpolation=cv2.INTER_AREA)
            names.append(f"{folder}/{path.name}")
            labels.append(EMOTIONS.index(emotion))
            held.append(_held_out_image(f"{folder}/{path.name}"))
            crops.append(image)
    stack = np.stack(crops).astype(np.uint8)
    probs = np.concatenate([run(stack[i : i + 256]) for i in range(0, len(stack), 256)])
    return {
        "name": np.array(names),
        "label": np.array(labels),
        "held_out": np.array(held),
        "probs": probs.astype(np.float32),
    }


def voice_table(chunks: Path) -> dict[str, np.ndarray]:
    """Out-of-corpus voice-emotion outputs for every usable clip of the three corpora.

    Every clip is scored by the voice recipe of ``models/train_voice_emotion.py``
    refitted *without its corpus* (leave-one-corpus-out), so every voice the
    fusion sees speaks a language and comes from a studio the voice model never
    heard. Two normalisations per clip: alone (utterance, index 0) and against
    the speaker's session (index 1).
    """
    from models import train_voice_emotion as recipe
    from models.voice_loco import CORPORA

    table = recipe.load_table(chunks)
    x = table.pop("x")
    labels = table["label"]
    keep = np.array([label in VOICE_CLASS for label in labels])
    out_probs = np.zeros((len(x), 2, 5), np.float32)  # [clip, mode (utterance, session), class]
    out_av = np.zeros((len(x), 2, 2), np.float32)
    for held in CORPORA:
        train = table["corpus"] != held
        model = recipe.fit(x, table, train, recipe.ours_l2(x, table, train))
        test = ~train
        for m, mode in enumerate(("utterance", "session")):
            z = recipe.test_rows(
                x[test], table["speaker"][test], model["pop"], model["within"], mode
            )
            heads = model["heads"]
            out_probs[test, m] = heads.classes(z)
            out_av[test, m, 0] = np.tanh(heads.arousal_logit(z) / 2.0)
            out_av[test, m, 1] = np.tanh(heads.valence(z))
        print(f"  voice fold without {held} done", file=sys.stderr, flush=True)
    return {
        "clip": table["name"][keep],
        "speaker": table["speaker"][keep],
        "corpus": table["corpus"][keep],
        "version": np.array(["clean"] * int(keep.sum())),
        "label": np.array([EMOTIONS.index(VOICE_CLASS[v]) for v in labels[keep]]),
        "held_out": table["corpus"][keep] == EVAL_CORPUS,
        "probs": out_probs[keep],
        "arousal_valence": out_av[keep],
    }


def touch_table(seed: int, per_gesture: int) -> dict[str, np.ndarray]:
    """Synthetic labelled traces, classified by the runtime's touch classifier."""
    from sensors.touch.evaluate import finished_gestures
    from sensors.touch.synthetic import realistic_set

    feats, labels, pressures, speeds = [], [], [], []
    for trace in realistic_set(seed, per_gesture):
        gestures = finished_gestures(trace)
        label = trace.header.meta["label"]
        name = label["gesture"]
        if name == "stroke":
            name = f"stroke_{label.get('direction', 'with_fur')}"
        style = trace.header.meta["style"]
        if not gestures:
            continue  # nothing the runtime would report
        last = gestures[-1]
        feats.append(
            encode_touch_fields(
                last.gesture, last.intensity, last.direction, last.speed_mm_per_s, last.duration_ms
            )
        )
        labels.append(name)
        pressures.append(style["pressure"])
        speeds.append(style["speed"])
    return {
        "features": np.array(feats, np.float32),
        "label": np.array(labels),
        "pressure": np.array(pressures, np.float32),
        "speed": np.array(speeds, np.float32),
    }


def build(
    data_root: Path, face_model: Path, cache: Path, voice_chunks: Path
) -> dict[str, dict[str, np.ndarray]]:
    """All three tables, computed once per face model and cached under ``cache``.

    ``voice_chunks`` is the per-chunk feature cache of
    ``models/voice_corpus_features.py`` (the voice table is built from it).
    """
    cache.mkdir(parents=True, exist_ok=True)
    face_key = hashlib.sha256(face_model.read_bytes()).hexdigest()[:12]
    tables: dict[str, dict[str, np.ndarray]] = {}
    jobs = {
        f"face_{face_key}": lambda: face_table(data_root / "fer2013", face_model),
        "voice": lambda: voice_table(voice_chunks),
        "touch_train": lambda: touch_table(seed=11, per_gesture=60),
        "touch_eval": lambda: touch_table(seed=23, per_gesture=40),
    }
    for key, make in jobs.items():
        path = cache / f"{key}.npz"
        if path.exists():
            with np.load(path) as stored:
                table = {k: stored[k] for k in stored.files}
        else:
            print(f"building {key} ...", file=sys.stderr, flush=True)
            table = make()
            np.savez(path, **table)
        tables[key.split("_")[0] if key.startswith("face") else key] = table
    return tables


__all__ = ["EXPRESSIONS", "build"]
