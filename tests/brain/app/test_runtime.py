"""The brain's step with behaviours: events in, decisions with reasons, commands out."""

from __future__ import annotations

import itertools
import shutil
from datetime import datetime
from pathlib import Path

from behaviour_fakes import FakeLink

from behaviors.library import DEFAULT_LIBRARY_DIR, load_library
from brain.app.runtime import Brain
from brain.behave.hotreload import LibraryWatcher
from brain.body.joints import DEFAULT_ROBOT
from brain.body.sound import RecordingSoundPlayer
from brain.clock import SimulatedClock
from brain.events import OwnerPresence
from firmware import wire
from sensors.touch.synthetic import Stroke

LIBRARY = load_library()


def make_brain(**kwargs: object) -> tuple[Brain, FakeLink, RecordingSoundPlayer]:
    link = FakeLink()
    player = RecordingSoundPlayer()
    options: dict[str, object] = {
        "sound_player": player,
        "clock": SimulatedClock(datetime(2026, 3, 14, 14, 0)),
    }
    options.update(kwargs)
    brain = Brain(link, DEFAULT_ROBOT, LIBRARY, 0, **options)  # type: ignore[arg-type]
    brain.torque = True
    return brain, link, player


def run(brain: Brain, link: FakeLink, until_ms: int, start_ms: int = 0, contact=None) -> None:  # type: ignore[no-untyped-def]
    for t in range(start_ms, until_ms, 10):
        if contact is not None:
            values = tuple(round(c * 420) for c in contact(t))
            link.inbox.append(wire.TouchFrame(t, values))
        brain.step(t)


def decisions(brain: Brain) -> list[str]:
    return [str(e.data["behaviour"]) for e in brain.events if e.kind == "decision"]


def test_a_stroke_with_the_fur_purrs_you_can_feel_and_hear() -> None:
    brain, link, player = make_brain()
    stroke = Stroke(DEFAULT_ROBOT.layout, 200, 100.0, 420.0, speed_mm_per_s=250.0)
    run(brain, link, 3000, contact=stroke)
    assert "purr_when_stroked" in decisions(brain)
    purrs = [
        m for _, m in link.streams if isinstance(m, wire.Vibrate) and m.pattern == wire.VIBE_PURR
    ]
    assert purrs and purrs[0].intensity > 100
    assert any(name == "purr" for _, name, _ in player.played)
    why = next(
        e.data
        for e in brain.events
        if e.kind == "decision" and e.data["behaviour"] == "purr_when_stroked"
    )
    assert why["trigger"].startswith("touch gesture=stroke")  # type: ignore[union-attr]


def test_owner_arrival_from_perception_is_greeted_with_a_trill() -> None:
    brain, link, player = make_brain()
    brain.observe(OwnerPresence(500, True, away_ms=3_600_000))
    run(brain, link, 1500, start_ms=500)
    assert decisions(brain) == ["greet_owner"]
    assert [e.kind for e in brain.events][:2] == ["owner", "decision"]
    assert player.played[0][1] == "trill"
    assert any(e.kind == "sound" and e.data["name"] == "trill" for e in brain.events)


def test_imu_bits_become_handling_events() -> None:
    brain, link, _ = make_brain()
    link.inbox.append(wire.Imu(100, events=wire.IMU_PICKED_UP))
    run(brain, link, 400, start_ms=100)
    assert decisions(brain) == ["picked_up_relaxed"]
    # The bit staying set is not a new event.
    link.inbox.append(wire.Imu(500, events=wire.IMU_PICKED_UP))
    run(brain, link, 700, start_ms=400)
    handled = [e.data for e in brain.events if e.kind == "handling"]
    kinds = [d.get("handling") for d in handled]
    assert kinds == ["picked_up"]
    assert handled[0]["source"] == "body"  # the body's own event bit, not read from motion


def test_a_pick_up_read_from_the_motion_alone_reaches_the_behaviours() -> None:
    from sensors.imu import HandlingDetector
    from sensors.imu.synthetic import imu_stream

    brain, link, _ = make_brain()
    stream = imu_stream("pick_up_hold_put_down", seed=1)
    sent: list[wire.Imu] = []
    for t in range(0, 6000, 10):
        for sample in stream:
            if t <= sample.t_ms < t + 10:
                sent.append(
                    wire.Imu(sample.t_ms, sample.accel_mg, sample.gyro_ddps, sample.motion, 0)
                )
                link.inbox.append(sent[-1])
        brain.step(t)
    handled = [e.data for e in brain.events if e.kind == "handling"]
    kinds = [d.get("handling") for d in handled]
    assert kinds[:2] == ["picked_up", "held"]
    # The detector's reading (intensity, duration, tilt, source) is kept on the way to
    # the behaviours; only the time is restamped on the brain's clock.
    detector = HandlingDetector()
    expected = [e.to_json() for message in sent for e in detector.feed_message(message)]
    for event in expected:
        event.pop("t_ms"), event.pop("type")
    assert handled == expected
    assert handled[0]["source"] == "imu" and float(handled[0]["intensity"]) > 0  # type: ignore[arg-type]
    assert "picked_up_relaxed" in decisions(brain)


def test_servo_targets_never_snap_even_when_a_reflex_interrupts() -> None:
    brain, link, _ = make_brain()
    stroke = Stroke(DEFAULT_ROBOT.layout, 200, 100.0, 420.0)
    run(brain, link, 1600, contact=stroke)
    from sensors.touch.synthetic import Press

    hit = Press(DEFAULT_ROBOT.layout, 1700, 60, tuple(range(DEFAULT_ROBOT.layout.pad_count)), 1.0)
    run(brain, link, 4000, start_ms=1600, contact=hit)
    assert "startle_when_hit" in decisions(brain)
    frames = [(t, m) for t, m in link.streams if isinstance(m, wire.ServoTargets)]
    speed = {j.channel: j.max_speed_deg_per_s for j in DEFAULT_ROBOT.joints}
    for (t0, a), (t1, b) in itertools.pairwise(frames):
        for (channel, x0, _), (_, x1, _) in zip(a.targets, b.targets, strict=True):
            assert abs(x1 - x0) / 100 <= speed[channel] * (t1 - t0) / 1000 + 0.02


def test_night_brings_a_dim_breathing_led() -> None:
    brain, link, _ = make_brain(clock=SimulatedClock(datetime(2026, 3, 14, 22, 30)))
    run(brain, link, 1200)
    assert "night_calm" in decisions(brain)
    leds = [m for _, m in link.commands if isinstance(m, wire.Led)]
    assert leds and leds[0].pattern == wire.LED_BREATHE and leds[0].colours == ((0x30, 0x18, 0x08),)


def test_hot_reload_swaps_valid_changes_and_keeps_the_last_good_library(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    shutil.copytree(DEFAULT_LIBRARY_DIR, folder)
    watcher = LibraryWatcher([folder], interval_ms=100)
    brain, link, _ = make_brain(watcher=watcher)
    brain.library = watcher.load()
    brain.set_library(brain.library)
    good = brain.library
    run(brain, link, 1100)
    assert brain.library is good

    reflexes = folder / "reflexes.yaml"
    original = reflexes.read_text()
    reflexes.write_text(original.replace("priority: 95", "priority: loud"))
    run(brain, link, 2200, start_ms=1100)
    errors = [e for e in brain.events if e.kind == "library_error"]
    assert len(errors) == 1
    message = errors[0].data["messages"][0]  # type: ignore[index]
    assert message.startswith(f"{reflexes}:8:5: behaviors[0].priority:")
    assert brain.library is good and brain.selector.library is good

    reflexes.write_text(
        original.replace("priority: 95", "priority: 96")
        + "\n  - name: brand_new\n    when: [{touch: {gesture: scratch, zone: head}}]\n"
        "    do: [{wait: {duration_ms: 100}}]\n"
    )
    run(brain, link, 3300, start_ms=2200)
    assert any(e.kind == "library_reloaded" for e in brain.events)
    assert "brand_new" in brain.library.names
    assert brain.library.by_name("startle_when_hit").priority == 96
    assert brain.selector.library is brain.library


def test_owner_estimates_at_camera_rate_are_shown_once_a_second_and_acted_on() -> None:
    from brain.events import OwnerEmotion

    brain, _link, player = make_brain()
    for t in range(0, 3000, 66):  # 15 Hz
        brain.observe(OwnerEmotion(t, -0.6, -0.3, {"sad": 0.8}, 0.9))
        brain.step(t)
    shown = [e for e in brain.events if e.kind == "owner_emotion"]
    assert 3 <= len(shown) <= 4
    assert decisions(brain) == ["comfort_sad_owner"]
    why = next(e.data for e in brain.events if e.kind == "decision")
    assert why["event"] == "owner_emotion" and str(why["trigger"]).startswith(
        "owner_emotion sad>0.5"
    )
    assert any(name == "purr_soft" for _, name, _ in player.played)


def test_play_starts_a_behaviour_on_request_for_previews() -> None:
    brain, link, player = make_brain()
    brain.play("greet_owner", 100)
    run(brain, link, 1200, start_ms=100)
    decision = next(e for e in brain.events if e.kind == "decision")
    assert decision.data["behaviour"] == "greet_owner" and decision.data["event"] == "play"
    assert player.played[0][1] == "trill"
    tails = [m.targets[5][1] / 100 for _, m in link.streams if isinstance(m, wire.ServoTargets)]
    assert max(tails) > 50  # tail up in greeting
    import pytest

    with pytest.raises(KeyError):
        brain.play("no_such_behaviour", 2000)


def test_background_hot_reload_swaps_in_at_a_later_step(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    shutil.copytree(DEFAULT_LIBRARY_DIR, folder)
    watcher = LibraryWatcher([folder], interval_ms=100, background=True)
    brain, _link, _ = make_brain(watcher=watcher)
    reflexes = folder / "reflexes.yaml"
    reflexes.write_text(reflexes.read_text().replace("priority: 95", "priority: 93"))
    for t in range(1000, 60_000, 100):  # until the worker has parsed it
        brain.step(t)
        if any(e.kind == "library_reloaded" for e in brain.events):
            break
        watcher.wait()
    assert brain.library.by_name("startle_when_hit").priority == 93
    assert brain.selector.library is brain.library
