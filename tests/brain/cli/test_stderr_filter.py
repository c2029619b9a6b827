"""The console script's filter of native libraries' chatter on descriptor 2."""

from __future__ import annotations

import subprocess
import sys

from brain.cli._stderr import is_noise

CHILD = r"""
import os, sys
from brain.cli._stderr import StderrFilter
StderrFilter().install()
os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
os.write(2, b"W0000 00:00:1796613688.923687     374 inference_feedback_manager.cc:114] noise\n")
os.write(2, b"ALSA lib pcm.c:2664:(snd_pcm_open_noupdate) Unknown PCM cards.pcm.rear\n")
os.write(2, b"E0000 00:00:1.5  12 calculator.cc:9] a real native error\n")
print("petbrain: error: a real one", file=sys.stderr)
sys.exit(3)
"""


def test_the_filter_drops_only_known_chatter_and_keeps_the_rest_in_order() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 3
    assert done.stderr.decode().splitlines() == [
        "E0000 00:00:1.5  12 calculator.cc:9] a real native error",
        "petbrain: error: a real one",
    ]


def test_noise_patterns() -> None:
    assert is_noise(b"WARNING: All log messages before absl::InitializeLog() is called\n")
    assert is_noise(b"I0000 00:00:1796613688.923687     374 gl_context.cc:357] GL version\n")
    assert not is_noise(b"petbrain: WARNING: the dashboard listens on 0.0.0.0\n")
    assert not is_noise(b"Traceback (most recent call last):\n")
