"""The words designers use: joints, zones, gestures, patterns; shared by schema and brain."""

from __future__ import annotations

from sensors.imu.events import HANDLING
from sensors.touch.events import ALL_GESTURES, DIRECTIONS
from sensors.touch.layout import ZONE_GROUPS, ZONES

# Servo joints of the reference cat, with the range a designer may ask for (degrees).
# The robot's calibration narrows these further; the body clamps again.
JOINT_RANGES_DEG: dict[str, tuple[float, float]] = {
    "head_yaw": (-60.0, 60.0),  # + turns left
    "head_pitch": (-30.0, 40.0),  # + looks up
    "ear_left": (-60.0, 30.0),  # + pricked forward, - flattened back
    "ear_right": (-60.0, 30.0),
    "tail_swish": (-50.0, 50.0),  # side to side
    "tail_lift": (-20.0, 70.0),  # + raised
    "spine": (-25.0, 25.0),  # + arched / leaning into the hand, - crouched
    "eyelids": (0.0, 100.0),  # 0 open .. 100 closed
}
JOINTS = tuple(JOINT_RANGES_DEG)

TOUCH_ZONES = ZONES + tuple(ZONE_GROUPS)
TOUCH_GESTURES = ALL_GESTURES
TOUCH_DIRECTIONS = DIRECTIONS

VIBRATION_PATTERNS = ("off", "purr", "pulse", "twitch", "constant")
LED_PATTERNS = ("off", "solid", "breathe", "blink")
EASINGS = ("linear", "ease_in", "ease_out", "ease_in_out")

# How the pet is handled, as the IMU detector reports it (one vocabulary for both).
HANDLING_EVENTS = HANDLING
# The owner's emotion estimate: probabilities over these, plus valence and arousal.
OWNER_EMOTIONS = ("happy", "sad", "angry", "afraid", "surprised", "calm")
OWNER_DIMENSIONS = ("valence", "arousal", *OWNER_EMOTIONS)
# The pet's own mood; "affection" doubles as trust in the owner.
MOOD_DIMENSIONS = ("valence", "arousal", "energy", "affection", "curiosity")
RETRIGGER_MODES = ("single", "restart", "queue")
