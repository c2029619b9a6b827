"""``import mediapipe`` without two side effects petbrain has no use for.

mediapipe 0.10.18's package ``__init__`` imports all of it. Its audio
recorder imports ``sounddevice``, whose import initialises PortAudio, which
probes ALSA and JACK (JACK creates ``/dev/shm/jack_db-0/...``); its drawing
utilities import ``matplotlib.pyplot``, which writes a font cache under
``~/.cache/matplotlib``. Both measured with ``strace`` on a simulated session
(``tests/test_privacy.py``). petbrain records nothing through mediapipe (the
microphone goes through PyAudio, and only when asked for) and never plots
landmarks, and the pet writes no file but its own, so while mediapipe loads
``sounddevice`` is absent (mediapipe handles that) and ``matplotlib.pyplot``
is a stub whose every attribute says why it is not there.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any


def _stub(name: str) -> ModuleType:
    module = ModuleType(name)

    def missing(attribute: str) -> Any:
        raise AttributeError(f"{name}.{attribute}: not loaded in petbrain (no plotting)")

    module.__dict__["__getattr__"] = missing
    return module


def mediapipe() -> Any:
    """The ``mediapipe`` module, imported without sounddevice and matplotlib."""
    loaded = sys.modules.get("mediapipe")
    if loaded is not None:
        return loaded
    pyplot = _stub("matplotlib.pyplot")
    matplotlib = _stub("matplotlib")
    matplotlib.__dict__["pyplot"] = pyplot
    stand_ins: dict[str, ModuleType | None] = {
        "sounddevice": None,  # `import sounddevice` raises ImportError
        "matplotlib": matplotlib,
        "matplotlib.pyplot": pyplot,
    }
    added = [name for name in stand_ins if name not in sys.modules]
    for name in added:
        sys.modules[name] = stand_ins[name]  # type: ignore[assignment]
    try:
        import mediapipe as mp
    finally:
        for name in added:
            del sys.modules[name]
    return mp
