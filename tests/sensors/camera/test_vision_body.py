"""Posture cues on hand-placed skeletons (image pixels; the person faces the camera)."""

from __future__ import annotations

import numpy as np

from sensors.camera.body import (
    ELBOW_L,
    ELBOW_R,
    HIP_L,
    HIP_R,
    NOSE,
    SHOULDER_L,
    SHOULDER_R,
    WRIST_L,
    WRIST_R,
    BodyTracker,
    Pose,
)


def skeleton(**moves: tuple[float, float]) -> Pose:
    """Shoulders 100 px apart at y=300 (the person's left on the image right), arms down."""
    image = np.zeros((33, 3), np.float32)
    world = np.zeros((33, 3), np.float32)
    joints = {
        NOSE: (320, 200),
        SHOULDER_L: (370, 300),
        SHOULDER_R: (270, 300),
        ELBOW_L: (385, 380),
        ELBOW_R: (255, 380),
        WRIST_L: (390, 450),
        WRIST_R: (250, 450),
        HIP_L: (355, 500),
        HIP_R: (285, 500),
    }
    names = {
        "wrist_l": WRIST_L,
        "wrist_r": WRIST_R,
        "nose": NOSE,
        "elbow_l": ELBOW_L,
        "elbow_r": ELBOW_R,
    }
    for name, xy in moves.items():
        joints[names[name]] = xy
    for index, (x, y) in joints.items():
        image[index] = (x, y, 0.99)
        world[index] = ((x - 320) / 400, (y - 400) / 400, 0.0)
    return Pose(image, world)


def test_nobody_or_no_shoulders_is_absent() -> None:
    tracker = BodyTracker()
    assert not tracker.update(0, None).present
    pose = skeleton()
    pose.image[SHOULDER_L, 2] = 0.1
    assert not tracker.update(0, pose).present


def test_a_relaxed_person_is_upright_with_arms_down() -> None:
    body = BodyTracker().update(0, skeleton())
    assert body.present and body.upright == 1.0
    assert not (body.arms_crossed or body.arms_open or body.hand_raised or body.waving)


def test_slumped_head_sinks_between_the_shoulders() -> None:
    body = BodyTracker().update(0, skeleton(nose=(320, 275)))
    assert body.upright < 0.1


def test_arms_crossed_and_arms_open() -> None:
    crossed = BodyTracker().update(0, skeleton(wrist_l=(280, 380), wrist_r=(360, 385)))
    assert crossed.arms_crossed and not crossed.arms_open
    wide = BodyTracker().update(0, skeleton(wrist_l=(520, 330), wrist_r=(120, 330)))
    assert wide.arms_open and not wide.arms_crossed


def test_a_raised_hand_swinging_side_to_side_is_waving() -> None:
    tracker = BodyTracker()
    xs = [400, 440, 400, 440, 400, 440]
    bodies = [
        tracker.update(t * 100, skeleton(wrist_l=(x, 200), elbow_l=(400, 260)))
        for t, x in enumerate(xs)
    ]
    assert all(b.hand_raised for b in bodies)
    assert not bodies[1].waving and bodies[-1].waving
    still = BodyTracker()
    held = [still.update(t * 100, skeleton(wrist_l=(420, 200))) for t in range(6)]
    assert held[-1].hand_raised and not held[-1].waving


def test_motion_grows_when_the_body_moves_and_decays_when_it_stops() -> None:
    tracker = BodyTracker()
    tracker.update(0, skeleton())
    moving = tracker.update(100, skeleton(wrist_l=(450, 400), wrist_r=(200, 400)))
    assert moving.motion > 0.5
    calm = moving
    for t in range(200, 1000, 100):
        calm = tracker.update(t, skeleton(wrist_l=(450, 400), wrist_r=(200, 400)))
    assert calm.motion < moving.motion / 10


def test_leaning_towards_the_pet_and_away() -> None:
    towards = skeleton()
    towards.world[[SHOULDER_L, SHOULDER_R, NOSE], 2] = -0.15  # shoulders ahead of the hips
    away = skeleton()
    away.world[[SHOULDER_L, SHOULDER_R, NOSE], 2] = 0.15
    assert BodyTracker().update(0, towards).lean > 0.5
    assert BodyTracker().update(0, away).lean < -0.5
    assert abs(BodyTracker().update(0, skeleton()).lean) < 0.1
