"""PortAudio's start-up chatter is silenced in the C libraries, not by hiding stderr."""

from __future__ import annotations

import subprocess
import sys

import pytest

START_PORTAUDIO = "import pyaudio\npa = pyaudio.PyAudio(); pa.terminate()\n"


def _stderr(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stderr


def test_portaudio_starts_without_alsa_or_jack_lines_and_stderr_still_works() -> None:
    pytest.importorskip("pyaudio")
    if "ALSA lib" not in _stderr(START_PORTAUDIO):
        pytest.skip("this machine's ALSA prints nothing anyway (it has a sound card)")
    quiet = _stderr(
        "import sys\n"
        "from brain.body.audio_quiet import silence_audio_libraries\n"
        "assert 'asound' in silence_audio_libraries()\n"
        + START_PORTAUDIO
        + "print('still here', file=sys.stderr)\n"
    )
    assert "ALSA lib" not in quiet
    assert "jack server" not in quiet.lower()
    assert "still here" in quiet
