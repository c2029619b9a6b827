from behaviors.library import load_library
from brain.behave.executor import Executor
from brain.body.joints import DEFAULT_ROBOT
from firmware import wire


def test_switching_behaviours_starts_from_the_current_pose_never_a_snap() -> None:
    library = load_library()
    executor = Executor(DEFAULT_ROBOT, library)
    executor.start(library.by_name("dislike_against_fur"), 0)
    for t in range(0, 200, 20):
        executor.frame(t)
    ears_before = executor.pose["ear_left"]
    assert ears_before < -20.0
    executor.start(library.by_name("purr_when_stroked"), 200)
    targets, _ = executor.frame(220)
    ear = dict((ch, a) for ch, a, _ in targets.targets)[DEFAULT_ROBOT.joint("ear_left").channel]
    # 20 ms into the new behaviour the ear has barely moved from where it was.
    assert abs(ear / 100.0 - ears_before) < 15.0


def test_purr_sends_one_vibrate_then_off_when_it_ends() -> None:
    library = load_library()
    executor = Executor(DEFAULT_ROBOT, library)
    executor.start(library.by_name("purr_when_stroked"), 0)
    sent = []
    for t in range(0, 8000, 20):
        _, vibrate = executor.frame(t)
        if vibrate is not None:
            sent.append((t, vibrate))
    assert sent[0][1].pattern == wire.VIBE_PURR
    assert sent[0][1].intensity == round(0.7 * 255)
    assert sent[-1][1].pattern == wire.VIBE_OFF
    assert len(sent) == 2


def test_targets_stay_inside_calibrated_limits() -> None:
    library = load_library()
    executor = Executor(DEFAULT_ROBOT, library)
    for name in library.names:
        executor.start(library.by_name(name), 0)
        for t in range(0, 4000, 40):
            targets, _ = executor.frame(t)
            for channel, angle_cdeg, _ in targets.targets:
                joint = DEFAULT_ROBOT.joints[channel]
                assert joint.min_deg * 100 <= angle_cdeg <= joint.max_deg * 100
