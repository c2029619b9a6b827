"""Upper-body posture from MediaPipe Pose's 33 landmarks, tracked over time.

:class:`BodyTracker` turns each pose estimate into a
:class:`~sensors.camera.observations.BodyObservation`: lean, slump, arms,
a raised or waving hand, and how much the person moves. It keeps a short
history (for waving and motion) and nothing else.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sensors.camera.observations import BodyObservation

# MediaPipe Pose indices ("left"/"right" are the person's own sides).
NOSE = 0
SHOULDER_L, SHOULDER_R, ELBOW_L, ELBOW_R, WRIST_L, WRIST_R = 11, 12, 13, 14, 15, 16
HIP_L, HIP_R = 23, 24
UPPER_BODY = (NOSE, SHOULDER_L, SHOULDER_R, ELBOW_L, ELBOW_R, WRIST_L, WRIST_R)
VISIBLE = 0.5  # landmark visibility above which a joint counts as seen


@dataclass(frozen=True)
class Pose:
    """One pose estimate: image points in pixels and world points in metres (hip-centred).

    ``image`` is [33, 3] (x, y, visibility); ``world`` is [33, 3] (x, y, z) with
    z towards the camera negative, as MediaPipe gives it.
    """

    image: npt.NDArray[np.float32]
    world: npt.NDArray[np.float32]

    def seen(self, *indices: int) -> bool:
        """Whether all these joints are visible."""
        return bool(all(self.image[i, 2] > VISIBLE for i in indices))


def _clip(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return float(min(high, max(low, value)))


class BodyTracker:
    """Posture cues from pose estimates, with a short memory for waving and motion."""

    def __init__(self, history_ms: int = 1500, motion_smoothing: float = 0.5) -> None:
        self._history_ms = history_ms  # how far back waving looks
        self._smoothing = motion_smoothing  # weight of the newest motion sample (EMA)
        self._wrists: deque[tuple[int, float]] = deque()  # (t_ms, raised wrist x / shoulder w)
        self._last: tuple[int, npt.NDArray[np.float32]] | None = None
        self._motion = 0.0

    def reset(self) -> None:
        """Forget the history (the followed person changed or left)."""
        self._wrists.clear()
        self._last = None
        self._motion = 0.0

    def update(self, t_ms: int, pose: Pose | None) -> BodyObservation:
        """The observation for the pose estimated at ``t_ms`` (None: nobody)."""
        if pose is None or not pose.seen(SHOULDER_L, SHOULDER_R):
            self.reset()
            return BodyObservation.absent(t_ms)
        p = pose.image
        shoulder_w = max(float(np.linalg.norm(p[SHOULDER_L, :2] - p[SHOULDER_R, :2])), 1.0)
        shoulder_y = float(p[SHOULDER_L, 1] + p[SHOULDER_R, 1]) / 2.0
        mid_x = float(p[SHOULDER_L, 0] + p[SHOULDER_R, 0]) / 2.0
        raised = [
            w
            for w in (WRIST_L, WRIST_R)
            if pose.seen(w) and p[w, 1] < shoulder_y - 0.1 * shoulder_w
        ]
        self._remember_wrist(t_ms, raised, p, mid_x, shoulder_w)
        return BodyObservation(
            t_ms=t_ms,
            present=True,
            lean=self._lean(pose),
            upright=self._upright(pose, shoulder_y, shoulder_w),
            arms_crossed=self._arms_crossed(pose, mid_x),
            arms_open=self._arms_open(pose, shoulder_w),
            hand_raised=bool(raised),
            waving=self._waving(),
            motion=self._update_motion(t_ms, p, shoulder_w),
        )

    @staticmethod
    def _lean(pose: Pose) -> float:
        """Towards the camera (+) or away (-): shoulders ahead of hips, else the head ahead."""
        w = pose.world
        shoulders_z = float(w[SHOULDER_L, 2] + w[SHOULDER_R, 2]) / 2.0
        if pose.seen(HIP_L, HIP_R):
            hips_z = float(w[HIP_L, 2] + w[HIP_R, 2]) / 2.0
            torso = max(float(np.linalg.norm(w[SHOULDER_L] - w[HIP_L])), 0.1)
            return _clip(-(shoulders_z - hips_z) / torso * 2.0)
        # Sitting close: hips out of the frame; the head juts forward when leaning in.
        head_ahead_m = shoulders_z - float(w[NOSE, 2])
        return _clip((head_ahead_m - 0.25) / 0.15)

    @staticmethod
    def _upright(pose: Pose, shoulder_y: float, shoulder_w: float) -> float:
        """1 with the head held high above the shoulders, 0 sunk between them."""
        if not pose.seen(NOSE):
            return 0.5
        neck = (shoulder_y - float(pose.image[NOSE, 1])) / shoulder_w
        return _clip((neck - 0.25) / 0.35, 0.0, 1.0)

    @staticmethod
    def _arms_crossed(pose: Pose, mid_x: float) -> bool:
        """Each wrist on the other side of the body, between shoulders and hips."""
        if not pose.seen(WRIST_L, WRIST_R, ELBOW_L, ELBOW_R):
            return False
        p = pose.image
        left_side = np.sign(p[SHOULDER_L, 0] - mid_x)  # image side of the person's left
        crossed = (
            np.sign(p[WRIST_L, 0] - mid_x) == -left_side
            and np.sign(p[WRIST_R, 0] - mid_x) == left_side
        )
        below_shoulders = min(p[WRIST_L, 1], p[WRIST_R, 1]) > max(
            p[SHOULDER_L, 1], p[SHOULDER_R, 1]
        )
        return bool(crossed and below_shoulders)

    @staticmethod
    def _arms_open(pose: Pose, shoulder_w: float) -> bool:
        """Both wrists well outside the shoulders."""
        if not pose.seen(WRIST_L, WRIST_R):
            return False
        p = pose.image
        out_l = abs(p[WRIST_L, 0] - p[SHOULDER_R, 0]) - abs(p[SHOULDER_L, 0] - p[SHOULDER_R, 0])
        out_r = abs(p[WRIST_R, 0] - p[SHOULDER_L, 0]) - abs(p[SHOULDER_L, 0] - p[SHOULDER_R, 0])
        return bool(min(out_l, out_r) > 0.35 * shoulder_w)

    def _remember_wrist(
        self,
        t_ms: int,
        raised: list[int],
        p: npt.NDArray[np.float32],
        mid_x: float,
        shoulder_w: float,
    ) -> None:
        while self._wrists and t_ms - self._wrists[0][0] > self._history_ms:
            self._wrists.popleft()
        if raised:
            self._wrists.append((t_ms, (float(p[raised[0], 0]) - mid_x) / shoulder_w))
        else:
            self._wrists.clear()

    def _waving(self) -> bool:
        """A raised wrist that swung side to side at least twice, by a third of the shoulders."""
        xs = [x for _, x in self._wrists]
        if len(xs) < 4 or max(xs) - min(xs) < 0.3:
            return False
        steps = np.sign(np.diff(xs))
        steps = steps[steps != 0]
        return bool(np.count_nonzero(np.diff(steps)) >= 2)

    def _update_motion(self, t_ms: int, p: npt.NDArray[np.float32], shoulder_w: float) -> float:
        """Smoothed upper-body speed in shoulder widths per second."""
        points = p[list(UPPER_BODY), :2].copy()
        if self._last is not None and t_ms > self._last[0]:
            seconds = (t_ms - self._last[0]) / 1000.0
            moved = float(np.mean(np.linalg.norm(points - self._last[1], axis=1))) / shoulder_w
            speed = moved / seconds
            self._motion += self._smoothing * (speed - self._motion)
        self._last = (t_ms, points)
        return self._motion
