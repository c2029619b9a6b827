import numpy as np

from sensors.camera.schedule import Schedule, thumbnail, thumbnail_change


def plans(schedule: Schedule, times: list[int], **known: bool) -> list[str]:
    out = []
    for t in times:
        plan = schedule.plan(t, face_known=t > 0, body_known=t > 0, **known)
        out.append("F" * plan.face + "P" * plan.pose + "C" * plan.count or "-")
    return out


def test_at_15_hz_the_mesh_runs_every_third_frame_and_pose_never_with_it() -> None:
    schedule = Schedule(180, 600, 180, 1000)
    times = [round(i * 1000 / 15) for i in range(30)]
    got = plans(schedule, times)
    assert got[0] == "FP"  # nothing known yet: everything on the first frame
    assert all(not ("F" in p and "P" in p) for p in got[1:])
    assert sum("F" in p for p in got) == 10  # 5 Hz over two seconds
    assert sum("P" in p for p in got) == 4  # every 9th frame: 0, 9, 18, 27
    assert sum("C" in p for p in got) == 2  # about once a second, on a free frame


def test_an_active_person_gets_pose_more_often_and_a_change_runs_the_face_now() -> None:
    calm = Schedule(180, 600, 180, 1000)
    active = Schedule(180, 600, 180, 1000)
    times = [round(i * 1000 / 15) for i in range(30)]
    assert sum("P" in p for p in plans(active, times, active=True)) > sum(
        "P" in p for p in plans(calm, times)
    )
    schedule = Schedule(180, 600, 180, 1000)
    schedule.plan(0, face_known=False, body_known=False)
    assert not schedule.plan(67, face_known=True, body_known=True).face
    assert schedule.plan(133, face_known=True, body_known=True, changed=True).face


def test_still_images_run_everything_every_time() -> None:
    schedule = Schedule(180, 600, 180, 1000, every_frame=True)
    assert plans(schedule, [0, 1, 2]) == ["FP", "FP", "FP"]


def test_the_thumbnail_sees_a_new_picture_but_not_sensor_noise() -> None:
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    frame[:, :320] = 40
    noisy = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    other = np.full_like(frame, 200)
    base = thumbnail(frame)
    assert base.shape == (24, 32)
    assert (
        thumbnail_change(base, thumbnail(noisy)) < 12.0 < thumbnail_change(base, thumbnail(other))
    )
