"""Timelines are pure functions of time: sample any instant without a clock."""

from behaviors.library import load_library
from behaviors.schema import Behaviour
from brain.behave.timeline import compile_timeline, ease


def behaviour(do: list[dict[str, object]]) -> Behaviour:
    return Behaviour.model_validate({"name": "t", "when": [{"touch": {}}], "do": do})


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
    from behaviors.vocabulary import JOINT_RANGES_DEG

    library = load_library()
    for b in library.behaviours:
        timeline = compile_timeline(b, library.poses)
        for t in range(0, timeline.duration_ms + 1, 50):
            for joint, angle in timeline.evaluate(t, {}).joints_deg.items():
                lo, hi = JOINT_RANGES_DEG[joint]
                assert lo <= angle <= hi, (b.name, t, joint, angle)
