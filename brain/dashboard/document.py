"""The dashboard's state document: one shape and one set of builders for robot and simulator.

Both dashboards show the same page (``static/``). What differs is only where
the body's physical state comes from: the simulator reads its virtual body,
the robot what crossed the link. Everything taken from the brain (behaviour
and why, mood, owner emotion, link) and every line of the event log is built
here, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firmware import wire
from sensors.touch.layout import PadLayout

if TYPE_CHECKING:
    from brain.app.runtime import Brain, BrainEvent

IMU_EVENT_NAMES = {
    wire.IMU_PICKED_UP: "picked up",
    wire.IMU_PUT_DOWN: "put down",
    wire.IMU_SHAKEN: "shaken",
    wire.IMU_FALLING: "falling",
    wire.IMU_UPSIDE_DOWN: "upside down",
    wire.IMU_IMPACT: "impact",
}

NOT_SURE_BELOW = 0.3
"""An owner estimate less confident than this is shown as "not sure", its bars grey.

Fused confidence is coverage x certainty x agreement (``brain.fusion.estimate``).
With the shipped ``models/fusion.onnx`` one modality alone reaches at most its
quality over the full coverage: touch 0.28 (a weak cue by design: always "not
sure" alone), voice 0.59, face 0.69; the issue's friendly stroke read 0.11, a
clear happy face in the demo 0.58. ``tests/brain/dashboard`` checks the touch
bound against the model, so a retrained model that changes it is noticed.
"""

# Where each zone's pads sit on the page's drawing, in drawing units (about
# millimetres). x follows the pad's place along the spine; y is the height of
# the surface the zone is on (the drawing is a side view, nose on the left).
DRAWING_X_OFFSET = 70.0
ZONE_Y = {
    "head": 105.0,
    "cheeks": 165.0,
    "chin": 195.0,
    "neck": 150.0,
    "back_front": 146.0,
    "back_middle": 142.0,
    "back_rear": 146.0,
    "belly": 255.0,
    "tail_base": 165.0,
}


def pad_points(layout: PadLayout) -> list[tuple[float, float]]:
    """Each pad's (x, y) on the drawing, in TOUCH_FRAME order."""
    return [(DRAWING_X_OFFSET + p.position_mm, ZONE_Y[p.zone]) for p in layout.pads]


def describe_imu(events: int) -> str:
    """Names of the IMU event bits set in ``events``."""
    return ", ".join(name for bit, name in IMU_EVENT_NAMES.items() if events & bit)


def describe_event(event: BrainEvent) -> str:
    """One line for the event log."""
    data = event.data
    if event.kind == "touch":
        kind = data.get("type")
        if kind == "onset":
            return f"touch onset on {data.get('zone')}"
        if kind == "gesture":
            zones = data.get("zones") or ["?"]
            extra = f" {data['direction']}" if data.get("direction") else ""
            speed = data.get("speed_mm_per_s") or 0
            pace = f" {speed:.0f} mm/s" if speed else ""
            live = " (ongoing)" if data.get("ongoing") else ""
            return f"{data.get('gesture')} on {zones[0]}{extra}{pace}{live}"
        if kind == "release":
            return f"hand lifted after {data.get('duration_ms')} ms"
    if event.kind == "decision":
        return f"-> {data.get('behaviour')} ({data.get('trigger')})"
    if event.kind == "held_back":
        return f"held back {data.get('behaviour')}: {data.get('reason')}"
    if event.kind == "library_error":
        messages = data.get("messages") or ["?"]
        more = f" (+{len(messages) - 1} more)" if len(messages) > 1 else ""
        return f"behaviour library NOT reloaded, last good kept: {messages[0]}{more}"
    if event.kind == "library_reloaded":
        return f"behaviour library reloaded: {data.get('behaviours')} behaviours"
    if event.kind == "sound":
        return f"sound {data.get('name')} at volume {data.get('volume')}"
    if event.kind == "owner_emotion":
        return (
            f"owner seems {data.get('label', '?')} (valence {data.get('valence', 0):+.2f}, "
            f"arousal {data.get('arousal', 0):+.2f}, confidence {data.get('confidence', 0):.2f})"
        )
    parts = ", ".join(f"{k}={v}" for k, v in data.items())
    return f"{event.kind} {parts}".strip()


def owner_panel(brain: Brain, not_loaded: str = "the fusion model could not be loaded") -> Any:
    """The fused owner-emotion estimate with each modality's contribution, or why there is none."""
    if brain.fusion is None:
        return {"available": False, "reason": not_loaded}
    estimate = brain.owner_emotion
    if estimate is None:
        return {"available": False, "reason": "no opinion: nothing fresh from face, voice or touch"}
    return {
        "available": True,
        **estimate.to_json(),
        "not_sure": estimate.confidence < NOT_SURE_BELOW,
    }


def touch_panel(event: BrainEvent) -> dict[str, Any] | None:
    """The gesture a touch event classified (for the drawing), or ``None`` for other events."""
    data = event.data
    if event.kind != "touch" or data.get("type") != "gesture":
        return None
    zones = data.get("zones") or []
    return {
        "t_ms": event.t_ms,
        "gesture": data.get("gesture"),
        "zone": zones[0] if zones else None,
        "direction": data.get("direction"),
        "ongoing": bool(data.get("ongoing")),
    }


def behaviour_panel(brain: Brain) -> dict[str, Any] | None:
    """The running behaviour, when it started and why it was chosen."""
    running = brain.executor.running
    if running is None:
        return None
    why = brain.last_decision.why() if brain.last_decision else {}
    if why.get("behaviour") != running.behaviour.name:
        why = {"behaviour": running.behaviour.name, "trigger": "started directly"}
    return {
        "name": running.behaviour.name,
        "description": running.behaviour.description,
        "started_ms": running.start_ms,
        "why": why,
    }


def vision_panel(observation: Any, owner_present: bool) -> dict[str, Any]:
    """What the vision pipeline made of one frame (numbers only, never pixels)."""
    face, body = observation.face, observation.body
    return {
        "t_ms": int(observation.t_ms),
        "face": face.present,
        "expression": {k: round(v, 3) for k, v in face.expression.items()},
        "looking_at_pet": face.looking_at_pet,
        "distance_m": face.distance_m,
        "body": body.present,
        "lean": round(body.lean, 2),
        "owner_present": owner_present,
    }


def learned_panel(brain: Brain) -> dict[str, Any]:
    """What owner memory has learned, in plain words ("what I've learned about you")."""
    if brain.learner is None:
        return {"available": False, "reason": "no owner memory: this pet learns nothing"}
    from brain.memory.beliefs import cached_beliefs

    doc = cached_beliefs(brain.learner.memory)
    return {
        "available": True,
        "learning": doc["learning"],
        "notices": doc["notices"],
        "lines": doc["lines"],
    }


def calendar_panel(brain: Brain, now_ms: int) -> dict[str, Any]:
    """The home's date and time as the brain sees it, and whether it is simulated."""
    from brain.clock import SimulatedClock

    home = brain.clock.local_time(now_ms)
    return {
        "home_time": home.isoformat(timespec="seconds"),
        "simulated": isinstance(brain.clock, SimulatedClock),
    }


def brain_panels(brain: Brain) -> dict[str, Any]:
    """Every part of the document that comes from the brain itself."""
    return {
        "learned": learned_panel(brain),
        "torque": brain.torque,
        "behaviour": behaviour_panel(brain),
        "mood": brain.mood.as_json(),
        "link": brain.link.stats.as_json(),
        "link_ready": brain.link.ready,
        "library": {
            "ok": not brain.library_problems,
            "behaviours": len(brain.library.behaviours),
            "problems": list(brain.library_problems[:10]),
        },
    }
