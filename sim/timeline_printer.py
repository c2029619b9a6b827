"""A readable, line-per-moment timeline of a simulated run for the terminal."""

from __future__ import annotations

from typing import TextIO

from brain.app.runtime import BrainEvent
from brain.dashboard.document import describe_event
from sim.runner import SimSession

SHORT = {
    "head_yaw": "yaw",
    "head_pitch": "pitch",
    "ear_left": "earL",
    "ear_right": "earR",
    "tail_swish": "swish",
    "tail_lift": "tail",
    "spine": "spine",
    "eyelids": "lids",
}


# Other brain events worth a line of their own.
SHOWN_KINDS = (
    "body_ready",
    "body_lost",
    "handling",
    "sound",
    "owner",
    "owner_emotion",
    "loud_sound",
    "library_reloaded",
    "library_error",
)


def _angle(value: float | None) -> str:
    return "  limp" if value is None else f"{value:+6.1f}"


class TimelinePrinter:
    """Prints events as they happen and the body's state every ``every_ms``."""

    def __init__(self, out: TextIO, every_ms: int = 250) -> None:
        self.out = out
        self.every_ms = every_ms
        self._header_done = False
        self._gesture = "-"

    def header(self, session: SimSession) -> None:
        """Column titles."""
        joints = " ".join(f"{SHORT.get(j.name, j.name):>6}" for j in session.robot.joints)
        print(f"{'time':>7}  {'touch':<24} {'behaviour':<22} {joints}   purr", file=self.out)

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Tick callback for :class:`SimSession`."""
        if not self._header_done:
            self._header_done = True
            self.header(session)
        t = session.now_ms
        for event in events:
            if event.kind == "touch" and event.data.get("type") in ("onset", "gesture"):
                if event.data["type"] == "onset":
                    self._gesture = f"onset {event.data['zone']}"
                else:
                    direction = event.data.get("direction") or ""
                    zone = event.data["zones"][0]
                    self._gesture = f"{event.data['gesture']} {zone} {direction}".strip()
                self._line(session, t, mark="*")
            elif event.kind == "decision":
                self._line(session, t, mark=">", why=str(event.data["trigger"]))
            elif event.kind == "owner_emotion":
                print(f"{t / 1000:6.2f}s  [{describe_event(event)}]", file=self.out)
            elif event.kind in SHOWN_KINDS:
                print(f"{t / 1000:6.2f}s  [{event.kind}] {event.data}", file=self.out)
        if self.every_ms and t % self.every_ms == 0:
            self._line(session, t)

    def _line(self, session: SimSession, t_ms: int, mark: str = " ", why: str = "") -> None:
        sample = session.sample()
        joints = " ".join(_angle(sample.joints_deg.get(j.name)) for j in session.robot.joints)
        running = session.brain.executor.running
        behaviour = running.behaviour.name if running is not None else "-"
        text = (
            f"{t_ms / 1000:6.2f}s{mark} {self._gesture:<24.24} {behaviour:<22.22} "
            f"{joints}   {sample.vibration:4.2f}"
        )
        if why:
            text += f"   <- {why}"
        print(text, file=self.out, flush=True)
