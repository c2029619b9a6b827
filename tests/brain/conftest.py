"""Makes the helpers shared by the brain's test folders importable by name.

``robot_run_helpers`` (a robot.yaml for a virtual body, a running ``petbrain
run``) serves ``app/``, ``setup/`` and ``dashboard/``; it lives here, one
level above them, beside ``fake_sound_card`` (``body/`` and ``app/``). Tests
import them by name: ``from robot_run_helpers import ...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
