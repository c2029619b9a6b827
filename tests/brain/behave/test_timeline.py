"""Timelines are pure functions of time: sample any instant, no clock."""

from __future__ import annotations

import random

import pytest

from behaviors.library import load_library
from behaviors.schema import Behaviour
from behaviors.vocabulary import JOINT_RANGES_DEG
from brain.behave.timeline import compile_timeline, ease

LIBRARY = load_library()
REST = {"spine": 0.0, "eyelids": 10.0, "head_pitch": 0.0, "tail_lift": 20.0}


def behaviour(do: list[dict[str, object]]) -> Behaviour:
    return Behaviour.model_validate({"name": "t", "when": [{"touch": {}}], "do": do})


def test_purr_when_stroked_at_given_times() -> None:
    timeline = compile_timeline(LIBRARY.by_name("purr_when_stroked"), LIBRARY.poses)
    start = timeline.evaluate(0, REST)
    assert start.joints_deg["spine"] == 0.0
    assert start.vibration is not None and start.vibration.pattern == "purr"
    assert start.vibration.intensity == 0.7
    # lean_in over 500 ms, ease_in_out: half way at 250 ms
    assert timeline.evaluate(250, REST).joints_deg["spine"] == pytest.approx(6.0)
    assert timeline.evaluate(500, REST).joints_deg["spine"] == pytest.approx(12.0)
    # slow_blink template: eyes shut (92) 600 ms after the 'content' pose ends at 1200 ms
    assert timeline.evaluate(1800, REST).joints_deg["eyelids"] == pytest.approx(92.0)
    assert timeline.evaluate(3499, REST).vibration is not None
    assert timeline.evaluate(3500, REST).vibration is None
    assert timeline.evaluate(timeline.duration_ms, REST).joints_deg["spine"] == 0.0
    assert [s.name for s in timeline.sounds_between(-1, 0)] == ["purr"]
    assert timeline.sounds_between(0, timeline.duration_ms) == []


def test_evaluation_is_pure_and_order_free() -> None:
    timeline = compile_timeline(LIBRARY.by_name("dislike_against_fur"), LIBRARY.poses)
    times = [900, 0, 450, 120, 1300, 450]
    first = [timeline.evaluate(t, REST).joints_deg for t in times]
    second = [timeline.evaluate(t, REST).joints_deg for t in reversed(times)]
    assert first == list(reversed(second))


def test_parallel_sequence_and_wait_lay_out_time() -> None:
    timeline = compile_timeline(
        behaviour(
            [
                {
                    "parallel": [
                        {"pose": {"joints": {"spine": 10}, "duration_ms": 400, "easing": "linear"}},
                        {
                            "sequence": [
                                {"wait": {"duration_ms": 100}},
                                {"vibrate": {"pattern": "pulse", "duration_ms": 50}},
                            ]
                        },
                    ]
                },
                {"led": {"pattern": "solid", "colour": "#102030"}},
                {"pose": {"joints": {"spine": -10}, "duration_ms": 200, "easing": "linear"}},
            ]
        ),
        {},
    )
    assert timeline.duration_ms == 600
    assert timeline.evaluate(100, {"spine": 0}).joints_deg["spine"] == pytest.approx(2.5)
    assert timeline.evaluate(99, {}).vibration is None
    assert timeline.evaluate(120, {}).vibration is not None
    assert timeline.evaluate(150, {}).vibration is None
    assert timeline.evaluate(399, {}).led is None
    led = timeline.evaluate(400, {}).led
    assert led is not None and led.colour == "#102030"
    assert timeline.evaluate(500, {"spine": 0}).joints_deg["spine"] == pytest.approx(0.0)


def test_choose_is_resolved_at_compile_time_from_the_seed() -> None:
    tickle = LIBRARY.by_name("tickle_squirm")
    picks = {compile_timeline(tickle, LIBRARY.poses, random.Random(s)).choices for s in range(40)}
    assert picks == {(0,), (1,)}
    a = compile_timeline(tickle, LIBRARY.poses, random.Random(5))
    b = compile_timeline(tickle, LIBRARY.poses, random.Random(5))
    assert a == b


def test_choose_honours_weights() -> None:
    weighted = behaviour(
        [
            {
                "choose": [
                    {"weight": 9, "do": [{"wait": {"duration_ms": 10}}]},
                    {"weight": 1, "do": [{"wait": {"duration_ms": 20}}]},
                ]
            }
        ]
    )
    rng = random.Random(1)
    firsts = sum(compile_timeline(weighted, {}, rng).choices == (0,) for _ in range(1000))
    assert 850 < firsts < 950


def test_habituated_intensity_shrinks_moves_vibration_and_volume() -> None:
    purr = LIBRARY.by_name("purr_when_stroked")
    neutral = {"spine": 0.0, "eyelids": 10.0}
    half = compile_timeline(purr, LIBRARY.poses, intensity=0.5, neutral=neutral)
    assert half.evaluate(500, neutral).joints_deg["spine"] == pytest.approx(6.0)
    vibration = half.evaluate(0, neutral).vibration
    assert vibration is not None and vibration.intensity == pytest.approx(0.35)
    assert half.sounds_between(-1, 0)[0].volume == pytest.approx(0.2)


def test_pose_then_wait_then_pose() -> None:
    timeline = compile_timeline(
        behaviour(
            [
                {"pose": {"joints": {"spine": 20}, "duration_ms": 200, "easing": "linear"}},
                {"wait": {"duration_ms": 100}},
                {"pose": {"joints": {"spine": 0}, "duration_ms": 100, "easing": "linear"}},
            ]
        ),
        {},
    )
    start = {"spine": 0.0}
    assert timeline.duration_ms == 400
    assert timeline.evaluate(0, start).joints_deg["spine"] == 0.0
    assert timeline.evaluate(100, start).joints_deg["spine"] == 10.0
    assert timeline.evaluate(250, start).joints_deg["spine"] == 20.0
    assert timeline.evaluate(350, start).joints_deg["spine"] == 10.0
    assert timeline.evaluate(400, start).joints_deg["spine"] == 0.0
    # Evaluating out of order gives the same answers: no hidden state.
    assert timeline.evaluate(100, start).joints_deg["spine"] == 10.0


def test_parallel_vibration_and_named_pose() -> None:
    poses = {"lean": {"spine": 12.0, "tail_lift": 45.0}}
    timeline = compile_timeline(
        behaviour(
            [
                {
                    "parallel": [
                        {"vibrate": {"pattern": "purr", "intensity": 0.7, "duration_ms": 1000}},
                        {"pose": {"name": "lean", "duration_ms": 500}},
                    ]
                },
                {"pose": {"joints": {"eyelids": 80}, "duration_ms": 200}},
            ]
        ),
        poses,
    )
    mid = timeline.evaluate(250, {"spine": 0.0, "tail_lift": 20.0})
    assert mid.vibration is not None and mid.vibration.pattern == "purr"
    assert 0.0 < mid.joints_deg["spine"] < 12.0
    end = timeline.evaluate(700, {"spine": 0.0, "tail_lift": 20.0})
    assert end.joints_deg["spine"] == 12.0
    assert timeline.evaluate(1000, {}).vibration is None
    assert timeline.duration_ms == 1000


def test_easing_ends_are_exact() -> None:
    for kind in ("linear", "ease_in", "ease_out", "ease_in_out"):
        assert ease(kind, 0.0) == 0.0
        assert ease(kind, 1.0) == 1.0
        assert 0.0 < ease(kind, 0.5) < 1.0


def test_every_library_behaviour_compiles_and_stays_in_joint_range() -> None:
    library = load_library()
    for b in library.behaviours:
        timeline = compile_timeline(b, library.poses)
        for t in range(0, timeline.duration_ms + 1, 50):
            for joint, angle in timeline.evaluate(t, {}).joints_deg.items():
                lo, hi = JOINT_RANGES_DEG[joint]
                assert lo <= angle <= hi, (b.name, t, joint, angle)
