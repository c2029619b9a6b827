"""The one way petbrain imports ONNX Runtime: with its telemetry switched off.

The pinned ``onnxruntime`` 1.32.0 Linux wheel carries Microsoft's 1DS
telemetry. Measured with ``strace`` on this wheel: importing it and making a
session writes a device id and an SQLite event store (``deviceid``,
``onnxruntime.db``, ``-wal``, ``-shm``) under
``~/.cache/Microsoft/DeveloperTools/.onnxruntime/`` on every run (reported
elsewhere: it also looks up ``mobile.events.data.microsoft.com`` to upload;
``disable_telemetry_events()`` does not stop that). With
``ORT_DISABLE_TELEMETRY=1`` in the environment before the first import the
same run writes nothing under ``$HOME`` and opens no socket. The variable is
read once, when the library loads, so every import goes through here
(``tests/test_privacy.py`` checks that, and audits a whole simulated session).
"""

from __future__ import annotations

import os
from typing import Any

TELEMETRY_OFF = {"ORT_DISABLE_TELEMETRY": "1"}


def onnxruntime() -> Any:
    """``import onnxruntime`` with telemetry off (the variable set before the library loads)."""
    os.environ.update(TELEMETRY_OFF)
    import onnxruntime as ort

    return ort
