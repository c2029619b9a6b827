"""The class lists of the perception models, in one light module.

``sensors.camera`` and ``sensors.audio`` re-export these where their models
live; the brain's fusion layout reads them from here, so knowing the classes
never loads OpenCV or PortAudio (importing those packages does).
"""

from __future__ import annotations

EXPRESSIONS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
"""The facial-expression classes, in the order every expression model outputs them."""

VOICE_EMOTIONS = ("angry", "happy", "sad", "afraid", "calm")
"""The voice-emotion model's classes (``sensors.audio.emotion.CLASSES``), in its output order."""
