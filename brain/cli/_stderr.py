"""Keep native libraries' start-up chatter off the terminal unless ``-v`` asks for it.

MediaPipe's TFLite and absl logging and ALSA write straight to file
descriptor 2 from C++, past Python's ``logging``: "Created TensorFlow Lite
XNNPACK delegate", "All log messages before absl::InitializeLog()...",
``W0000 00:00:...`` lines, ``ALSA lib ...``. None of it is for the user. The
filter puts a pipe on descriptor 2 and a thread that forwards every line to
the real stderr except those lines, so nothing else is lost or reordered
(errors of the same libraries, ``E``/``F`` lines, still show). It is
installed only by the console script, never inside a test's process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import sys
import threading

NOISE = re.compile(
    rb"^(?:"
    rb"[IW]\d{4} [\d:.]+\s+\d+ [\w./-]+:\d+\] "  # absl / glog info and warnings
    rb"|INFO: Created TensorFlow Lite"  # TFLite's delegate banner
    rb"|WARNING: All log messages before absl::InitializeLog\(\)"
    rb"|ALSA lib "  # PortAudio probing sound cards
    rb"|Cannot connect to server (?:socket|request channel)"  # JACK probing
    rb"|jack server is not running"
    rb"|JackShmReadWritePtr"
    rb")"
)


def is_noise(line: bytes) -> bool:
    """True for a line of native libraries' chatter that the filter drops."""
    return NOISE.match(line) is not None


class StderrFilter:
    """Descriptor 2 through a pipe; :func:`is_noise` lines are dropped, the rest forwarded."""

    def __init__(self) -> None:
        self._saved: int | None = None
        self._thread: threading.Thread | None = None

    def install(self) -> None:
        """Start filtering (idempotent); undone at exit, after the last line is through."""
        if self._saved is not None:
            return
        sys.stderr.flush()
        self._saved = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
        self._thread = threading.Thread(
            target=self._pump, args=(read_end, self._saved), name="stderr-filter", daemon=True
        )
        self._thread.start()
        atexit.register(self.uninstall)

    @staticmethod
    def _pump(read_end: int, out: int) -> None:
        with os.fdopen(read_end, "rb") as lines:
            for line in lines:
                if not is_noise(line):
                    os.write(out, line)

    def uninstall(self) -> None:
        """Put the real stderr back and let the thread forward what is still in the pipe."""
        if self._saved is None:
            return
        with contextlib.suppress(OSError, ValueError):  # stderr may be closed at exit
            sys.stderr.flush()
        os.dup2(self._saved, 2)  # closes the pipe's last write end: the thread sees EOF
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        os.close(self._saved)
        self._saved = None


def quiet_native_logs() -> None:
    """Filter native chatter from descriptor 2 and quiet ALSA and JACK at their source."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("GLOG_minloglevel", "2")
    StderrFilter().install()
