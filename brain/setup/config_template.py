"""The commented starting ``robot.yaml`` that ``petbrain config init`` writes.

It fills in what :mod:`brain.setup.devices` found (the body's stable port, the first
working camera, a microphone and a speaker) and the reference cat's joints and
pads; every field carries a comment saying what it does.
"""

from __future__ import annotations

import re

from brain.body.joints import DEFAULT_ROBOT
from brain.setup.config import board_capacity
from brain.setup.devices import DeviceReport

PLACEHOLDER_PORT = "/dev/petbody"


def _yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _stable_audio_name(name: str) -> str:
    """The device name without ALSA's card numbers, which change with USB order."""
    return re.sub(r"\s*\(hw:\d+,\d+\)\s*$", "", name)


def render_config(report: DeviceReport, name: str = "pet", port: str | None = None) -> str:
    """A valid, commented ``robot.yaml`` for the devices in ``report`` (``port`` overrides)."""
    bodies = report.bodies
    if port is not None:
        board, port_note = "pico", "given on the command line"
    elif bodies:
        body = bodies[0]
        port = body.stable_path or body.path
        board = body.body["board"] if body.body else "pico"
        port_note = f"found: {body.description}, firmware {body.body and body.body['firmware']}"
    else:
        port, board = PLACEHOLDER_PORT, "pico"
        port_note = "no body answered HELLO: plug it in and run `petbrain devices`"
    if board not in ("pico", "esp32s3"):
        board = "pico"
    cameras = [c for c in report.cameras if c.works]
    microphones = report.microphones
    speakers = report.speakers
    lines = [
        "# robot.yaml: one physical pet. Reference: docs/robot.md",
        "# Check it with `petbrain config check robot.yaml`; run it with",
        "# `petbrain run --config robot.yaml`.",
        f"name: {_yaml_scalar(name)}",
        "",
        "body:",
        f"  # {port_note}",
        "  # Use a stable name (/dev/serial/by-id/... or /dev/petbody from",
        "  # `petbrain service install`); /dev/ttyACM0 can change between boots.",
        f"  port: {_yaml_scalar(port)}",
        f"  board: {board}              # firmware profile: pico | esp32s3",
        "  baudrate: 115200",
        "  heartbeat_period_ms: 40    # the body rests, torque off, <= 300 ms after the last frame",
        "  body_timeout_ms: 1000      # no frame from the body this long: handshake again",
        "  reconnect_period_ms: 500   # how often a missing port is looked for",
        "",
        "# Servo joints. min/max are the calibrated mechanical limits: the body clamps",
        "# every target to them and caps speed at max_speed_deg_per_s, whatever the",
        "# brain asks. Measure them with `petbrain calibrate servo`.",
        "servos:",
    ]
    channels, _ = board_capacity(board)
    for j in DEFAULT_ROBOT.joints:
        if j.channel >= channels:
            lines.append(f"  # {j.name}: channel {j.channel} is not on the {board} profile")
            continue
        lines.append(
            f"  - {{name: {j.name}, channel: {j.channel}, min_deg: {j.min_deg:g}, "
            f"max_deg: {j.max_deg:g}, rest_deg: {j.rest_deg:g}, "
            f"max_speed_deg_per_s: {j.max_speed_deg_per_s:g}}}"
        )
    lines += [
        "",
        "# Capacitive pads in TOUCH_FRAME order (pad 0 first). position_mm runs",
        "# along the spine from the nose: strokes towards larger values go with the fur.",
        "# `petbrain calibrate pads` adds each pad's measured noise and touched level.",
        "pads:",
    ]
    for pad in DEFAULT_ROBOT.layout.pads:
        lines.append(
            f"  - {{name: {pad.name}, zone: {pad.zone}, position_mm: {pad.position_mm:g}}}"
        )
    lines += [
        "",
        "touch:                       # thresholds in the body's delta counts",
        "  frame_rate_hz: 100",
        "  touch_counts: 60           # a pad above its floor + this is touched ...",
        "  touch_noise_sigmas: 5      # ... or above this many sigmas of its measured noise",
        "  release_fraction: 0.6      # free again below this fraction of the threshold",
        "  full_scale_counts: 420     # a firm palm (intensity 1.0)",
        "",
        "camera:",
    ]
    if cameras:
        cam = cameras[0]
        lines += [
            f"  # found: {cam.path} ({cam.width}x{cam.height})",
            "  type: opencv               # opencv | picamera2 | video | images | still | none",
            f"  index: {cam.index}",
        ]
    else:
        lines += [
            f"  # no working camera found ({report.notes.get('cameras', 'none answered')})",
            "  type: none                 # opencv | picamera2 | video | images | still | none",
            "  index: 0",
        ]
    lines += [
        "  width: 640",
        "  height: 480",
        "  fps: 15",
        "  rotation_deg: 0            # as mounted, clockwise: 0 | 90 | 180 | 270",
        "",
        "microphone:",
    ]
    if microphones:
        mic = microphones[0]
        lines += [
            f"  # found: [{mic.index}] {mic.name}",
            "  type: pyaudio              # pyaudio | wav | none",
            f"  device: {_yaml_scalar(_stable_audio_name(mic.name))}   # index or part of the name",
        ]
    else:
        lines += [
            f"  # no microphone listed ({report.notes.get('audio', 'none found')})",
            "  type: pyaudio              # pyaudio | wav | none",
            "  device: null               # null: the system default input",
        ]
    lines += ["", "speaker:"]
    if speakers:
        spk = speakers[0]
        lines += [
            f"  # found: [{spk.index}] {spk.name}",
            "  enabled: true",
            f"  device: {_yaml_scalar(_stable_audio_name(spk.name))}   # index or part of the name",
        ]
    else:
        lines += [
            "  enabled: true",
            "  device: null               # null: the system default output",
        ]
    lines += [
        "  volume: 0.8                # 0..1",
        "",
        "dashboard:",
        "  enabled: true",
        "  bind: 127.0.0.1            # loopback only; a LAN address needs a token",
        "  port: 8765",
        "  token: null                # >= 16 characters, required when bind is not loopback",
        "",
        "memory:",
        "  # What the pet learns of its owner, on this device only (docs/memory.md).",
        "  enabled: true",
        "  path: owner-memory.db      # relative to this file",
        "  retention_days: 30         # older episodes are folded into summaries",
        "",
    ]
    return "\n".join(lines)
