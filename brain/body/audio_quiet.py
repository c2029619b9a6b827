"""Keep ALSA's and JACK's start-up chatter out of the journal, without touching stderr.

Every time PortAudio starts (the microphone and the speaker retry it while a
device is missing) ALSA and JACK print dozens of lines about cards and
servers that do not exist. Redirecting file descriptor 2 would hide them but
also, for that moment, every log line of every other thread; instead this
installs do-nothing error handlers in the two C libraries, once per process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from typing import Any

log = logging.getLogger(__name__)

# ALSA: void handler(const char *file, int line, const char *func, int err, const char *fmt, ...)
_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
# JACK: void handler(const char *message)
_JACK_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p)

_installed: list[Any] = []  # the callbacks must outlive the libraries' use of them


def _ignore_alsa(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    return None


def _ignore_jack(message: bytes) -> None:
    return None


def silence_audio_libraries() -> list[str]:
    """Install the handlers (idempotent); the names of the libraries silenced."""
    if _installed:
        return [str(name) for name, _ in _installed]
    done = []
    for name, setters, handler in (
        ("asound", ("snd_lib_error_set_handler",), _ALSA_HANDLER(_ignore_alsa)),
        (
            "jack",
            ("jack_set_error_function", "jack_set_info_function"),
            _JACK_HANDLER(_ignore_jack),
        ),
    ):
        path = ctypes.util.find_library(name)
        if path is None:
            continue
        try:
            library = ctypes.CDLL(path)
            for setter in setters:
                getattr(library, setter)(handler)
        except (OSError, AttributeError) as error:
            log.debug("cannot quiet %s: %s", name, error)
            continue
        _installed.append((name, handler))
        done.append(name)
    return done
