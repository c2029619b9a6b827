"""Scenario actions the simulator performs, and a clear refusal for those it cannot.

Touches are contact functions on the virtual pads (``sim.touches``). Handling
plays a motion on the body's virtual IMU, read by the firmware's own driver;
the cable is the pty between brain and body; the battery is the body's
virtual battery; voices and sounds play into the simulated microphone and
the real audio pipeline (``sim.audio``); faces and the owner's presence are
pictures in front of the simulated camera and the real vision pipeline
(``sim.camera``). An action whose path is not in this build is refused
before the run starts, with the reason, rather than faked.

Every action performed (scripted or from the dashboard) is announced to the
session's ``action_listeners``, so a recording can replay it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from brain.errors import UserError
from sim.scenario import Scenario, ScenarioEvent

if TYPE_CHECKING:
    from brain.app.runtime import BrainEvent
    from sim.camera import Frame
    from sim.runner import SimSession

# Why each action cannot run yet; an action leaves this table when its path exists.
UNAVAILABLE: dict[str, str] = {}
AUDIO_ACTIONS = ("voice", "sound")
CAMERA_ACTIONS = ("face", "owner")

# Handling as the body's IMU feels it (``sim.peripherals.IMU_MOTIONS``).
HANDLING_MOTIONS = {
    "pick_up": "picked_up",
    "shake": "shaken",
    "put_down": "put_down",
    "drop": "falling",
    "turn_over": "upside_down",
}


def check_runnable(scenario: Scenario, unavailable: Mapping[str, str] = UNAVAILABLE) -> None:
    """Raise UserError naming every action of ``scenario`` this build cannot perform."""
    problems = []
    for i, event in enumerate(scenario.events):
        reason = unavailable.get(event.action)
        if reason is not None:
            problems.append(f"events[{i}] ({event.action} at {event.at_ms} ms): {reason}")
    if problems:
        raise UserError(
            f"scenario '{scenario.name}' cannot run in this build:\n  " + "\n  ".join(problems)
        )


def _cable(session: SimSession, event: ScenarioEvent) -> None:
    assert event.cable is not None
    if event.cable.plugged:
        session.body.port.plug()
    else:
        session.body.port.unplug()


def _handling(session: SimSession, event: ScenarioEvent) -> None:
    assert event.handling is not None
    session.body.imu.play(HANDLING_MOTIONS[event.handling.action], session.now_ms)


def _battery(session: SimSession, event: ScenarioEvent) -> None:
    assert event.battery is not None
    session.body.battery.mv = event.battery.mv


def _voice(session: SimSession, event: ScenarioEvent) -> None:
    assert event.voice is not None
    if session.audio is not None:  # a replay hears the recorded observations instead
        from sensors.audio.sources import AudioFileError, load_wav

        try:
            samples = load_wav(event.voice.file)
        except (AudioFileError, OSError) as error:
            raise UserError(f"voice {event.voice.file}: {error}") from error
        session.audio.microphone.queue(samples, session.now_ms)


def _sound(session: SimSession, event: ScenarioEvent) -> None:
    assert event.sound is not None
    if session.audio is None:
        return
    from sim.audio import bang

    sound = event.sound
    if sound.file is not None:
        from sensors.audio.sources import AudioFileError, load_wav

        try:
            samples = load_wav(sound.file)
        except (AudioFileError, OSError) as error:
            raise UserError(f"sound {sound.file}: {error}") from error
    else:
        samples = bang(sound.level_db, sound.duration_ms, seed=session.now_ms)
    session.audio.microphone.queue(samples, session.now_ms)


def _face(session: SimSession, event: ScenarioEvent) -> None:
    assert event.face is not None
    camera = session.camera
    if camera is None:  # a replay sees the recorded observations instead
        return
    from sim.camera import read_face
    from sim.scenario import bundled_face

    face = event.face
    if face.video is not None:
        camera.play_video(face.video, session.now_ms, face.duration_ms)
        return
    path = face.image if face.image is not None else bundled_face(str(face.expression))
    if path is None:
        raise UserError(f"no bundled face '{face.expression}'")
    camera.show(read_face(path), session.now_ms, face.duration_ms)


def _owner(session: SimSession, event: ScenarioEvent) -> None:
    assert event.owner is not None
    if session.camera is not None:
        session.camera.owner_frame = owner_face() if event.owner.present else None


def owner_face() -> Frame:
    """The owner as the camera sees them: the bundled neutral portrait."""
    from sim.camera import read_face
    from sim.scenario import bundled_face

    path = bundled_face("neutral")
    if path is None:
        raise UserError("the bundled owner portrait (sim/faces/neutral.jpg) is missing")
    return read_face(path)


# Actions performed at their time on the simulator's thread (touches are contact functions).
PERFORMERS: dict[str, Callable[[SimSession, ScenarioEvent], None]] = {
    "cable": _cable,
    "handling": _handling,
    "battery": _battery,
    "voice": _voice,
    "sound": _sound,
    "face": _face,
    "owner": _owner,
}


def perform(session: SimSession, event: ScenarioEvent) -> None:
    """Do ``event`` to the body now and tell the session's action listeners."""
    PERFORMERS[event.action](session, event)
    stamped = event.model_copy(update={"at_ms": session.now_ms})
    for listener in session.action_listeners:
        listener(stamped)


class ScenarioDriver:
    """Tick callback that performs the scenario's timed actions other than touches."""

    def __init__(self, scenario: Scenario) -> None:
        self._due = sorted(
            (e for e in scenario.events if e.action in PERFORMERS), key=lambda e: e.at_ms
        )

    def __call__(self, session: SimSession, events: list[BrainEvent]) -> None:
        """Perform every action whose time has come."""
        while self._due and self._due[0].at_ms <= session.now_ms:
            perform(session, self._due.pop(0))
