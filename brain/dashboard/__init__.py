"""The dashboard: one state document, the event stream, the static page, the robot's server.

The page in ``static/`` is served by the robot (:mod:`brain.dashboard.server`)
and by the simulator (``sim.dashboard``) alike.
"""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
