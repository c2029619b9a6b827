"""Voice emotion: a small ONNX model over session-normalised prosodic features.

The model (``models/voice_emotion.onnx``, see its card) maps the
:data:`~sensors.audio.prosody.FEATURE_NAMES` vector, normalised for the
current speaker, to arousal and valence in [-1, 1] and probabilities over
:data:`CLASSES`. Normalisation constants travel inside the ONNX file's
metadata so model and runtime cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sensors.audio.prosody import FEATURE_NAMES
from sensors.audio.vad import MODELS_DIR, ModelLoadError, cpu_session
from sensors.classes import VOICE_EMOTIONS

CLASSES: tuple[str, ...] = VOICE_EMOTIONS  # defined once, in sensors/classes.py
EMOTION_PATH = MODELS_DIR / "voice_emotion.onnx"
Z_LIMIT = 4.0  # normalised features are clipped here: one odd utterance cannot dominate


@dataclass(frozen=True)
class EmotionEstimate:
    """What the voice says about the speaker's feeling."""

    arousal: float  # -1 calm/sleepy .. +1 excited/agitated
    valence: float  # -1 unpleasant .. +1 pleasant
    probabilities: dict[str, float]  # over CLASSES, sums to 1

    @property
    def label(self) -> str:
        """The most probable class."""
        return max(self.probabilities, key=lambda k: self.probabilities[k])


class SessionNormaliser:
    """Removes the speaker's own baseline from utterance features.

    The baseline is the running mean of this session's utterances, shrunk
    towards the training population's mean with ``prior_weight`` pseudo
    utterances, so the first utterance of a new speaker is judged against the
    population and later ones against the speaker. Old utterances fade once
    ``max_count`` are held, so a new owner takes over in time.
    """

    def __init__(
        self,
        population_mean: npt.NDArray[np.float64],
        within_std: npt.NDArray[np.float64],
        prior_weight: float = 4.0,
        max_count: float = 60.0,
    ) -> None:
        self.population_mean = population_mean.astype(np.float64)
        self.within_std = np.maximum(within_std.astype(np.float64), 1e-6)
        self.prior_weight = prior_weight
        self.max_count = max_count
        self._sum = np.zeros_like(self.population_mean)
        self._count = np.zeros_like(self.population_mean)

    @property
    def count(self) -> float:
        """Utterances behind the current baseline (the most-seen feature's count)."""
        return float(np.max(self._count)) if self._count.size else 0.0

    def baseline(self) -> npt.NDArray[np.float64]:
        """The current per-feature speaker mean estimate."""
        k = self.prior_weight
        mean: npt.NDArray[np.float64] = (self._sum + k * self.population_mean) / (self._count + k)
        return mean

    def normalise(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """z-scores against the current baseline; missing (NaN) features become 0."""
        z = (features.astype(np.float64) - self.baseline()) / self.within_std
        z = np.where(np.isfinite(z), z, 0.0)
        return np.clip(z, -Z_LIMIT, Z_LIMIT).astype(np.float32)

    def update(self, features: npt.NDArray[np.float32]) -> None:
        """Add one utterance to the baseline."""
        seen = np.isfinite(features)
        over = self._count >= self.max_count
        scale = np.where(over, (self.max_count - 1.0) / np.maximum(self._count, 1.0), 1.0)
        self._sum *= scale
        self._count *= scale
        self._sum[seen] += features[seen]
        self._count[seen] += 1.0

    def reset(self) -> None:
        """Forget the speaker."""
        self._sum[:] = 0.0
        self._count[:] = 0.0


class VoiceEmotionModel:
    """The ONNX voice-emotion model and the normalisation constants stored with it."""

    def __init__(self, path: Path = EMOTION_PATH) -> None:
        self._session = cpu_session(path)
        meta = self._session.get_modelmeta().custom_metadata_map  # type: ignore[attr-defined]
        try:
            names = tuple(json.loads(meta["feature_names"]))
            self.classes = tuple(json.loads(meta["classes"]))
            self.population_mean = np.array(json.loads(meta["population_mean"]), np.float64)
            self.within_std = np.array(json.loads(meta["within_std"]), np.float64)
            self.prior_weight = float(meta.get("prior_weight", "4"))
        except (KeyError, ValueError, TypeError) as error:
            raise ModelLoadError(
                f"{path.name} lacks its normalisation metadata ({error})"
            ) from error
        if names != FEATURE_NAMES or self.classes != CLASSES:
            raise ModelLoadError(f"{path.name} was trained on other features or classes")
        if self.population_mean.shape != (len(names),) or self.within_std.shape != (len(names),):
            raise ModelLoadError(f"{path.name} has normalisation constants of the wrong size")

    def new_session(self) -> SessionNormaliser:
        """A normaliser for a new speaker or recording session."""
        return SessionNormaliser(self.population_mean, self.within_std, self.prior_weight)

    def predict(self, normalised: npt.NDArray[np.float32]) -> list[EmotionEstimate]:
        """Estimates for a batch [N, features] of normalised vectors."""
        batch = np.atleast_2d(normalised).astype(np.float32)
        probs, arousal_valence = self._session.run(None, {"features": batch})  # type: ignore[attr-defined]
        return [
            EmotionEstimate(
                arousal=float(av[0]),
                valence=float(av[1]),
                probabilities={c: float(p) for c, p in zip(self.classes, row, strict=True)},
            )
            for row, av in zip(probs, arousal_valence, strict=True)
        ]


NORMALISE_MODES = ("session", "online", "utterance")


def normalise_group(
    vectors: npt.NDArray[np.float32], normaliser: SessionNormaliser, mode: str
) -> npt.NDArray[np.float32]:
    """Normalise a group of utterances by one speaker (or one recording session).

    ``session``: against the baseline of the whole group, every utterance
    counted alike (what the pet has after a while with its owner);
    ``online``: each against the utterances before it, as the live pipeline
    does; ``utterance``: each alone, against the population prior only.
    """
    if mode not in NORMALISE_MODES:
        raise ValueError(f"unknown normalisation {mode!r} (known: {', '.join(NORMALISE_MODES)})")
    normaliser.reset()
    out = np.zeros_like(vectors, dtype=np.float32)
    max_count = normaliser.max_count
    if mode == "session":
        normaliser.max_count = max(max_count, float(len(vectors)))  # every utterance, no fading
        for vector in vectors:
            normaliser.update(vector)
    for i, vector in enumerate(vectors):
        out[i] = normaliser.normalise(vector)
        if mode == "online":
            normaliser.update(vector)
    normaliser.max_count = max_count
    normaliser.reset()
    return out
