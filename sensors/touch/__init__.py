"""Touch: pad layout, gesture events, the streaming classifier and synthetic hands."""

from sensors.touch.events import TouchEvent, TouchGesture, TouchOnset, TouchRelease
from sensors.touch.layout import DEFAULT_LAYOUT, Pad, PadLayout

__all__ = [
    "DEFAULT_LAYOUT",
    "Pad",
    "PadLayout",
    "TouchEvent",
    "TouchGesture",
    "TouchOnset",
    "TouchRelease",
]
