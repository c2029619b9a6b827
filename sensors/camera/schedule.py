"""Which expensive vision steps run on a frame: mesh + expression, pose, the face count.

A pet does not need every model on every frame: an expression lasts half a
second or more, a posture longer, and the number of people in view changes
rarely. :class:`Schedule` spreads the work over time so that no video frame
pays for both the face mesh and pose (pose costs ~5x the mesh); the mean
cost per frame at 15 fps is about ``mesh / 4 + pose / 15`` with the defaults.

Rules, per frame (ages are milliseconds since the step last ran):

* ``every_frame`` (still images, unrelated pictures): everything, always;
* nothing known yet (first frame), or the picture changed (``changed``: a
  cheap thumbnail difference, see :func:`thumbnail_change`): the face runs
  now, whatever its age;
* pose is due at ``pose_period_ms`` (``pose_active_period_ms`` while the
  person is active, e.g. a hand raised, so a wave is still seen) and takes
  the frame; a due face then waits one frame;
* otherwise the face is due at ``face_period_ms``;
* the face count runs on a frame that runs neither, at ``count_period_ms``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

THUMBNAIL = (32, 24)  # width, height of the change detector's grey thumbnail
CHANGE_LEVEL = 12.0  # mean absolute grey difference (0..255) that counts as a new picture


@dataclass(frozen=True)
class Plan:
    """What runs on one frame."""

    face: bool
    pose: bool
    count: bool

    @property
    def any(self) -> bool:
        """Whether any model runs (the frame must be converted)."""
        return self.face or self.pose or self.count


def thumbnail(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """A tiny grey thumbnail of a BGR frame (~0.1 ms for 640x480).

    Nearest-neighbour to 4x the thumbnail first (cheap: it reads 1/16 of the
    pixels), then area-averaging 4x4 blocks, so sensor noise averages out.
    """
    width, height = THUMBNAIL
    sampled = cv2.resize(frame, (4 * width, 4 * height), interpolation=cv2.INTER_NEAREST)
    small = cv2.resize(sampled, THUMBNAIL, interpolation=cv2.INTER_AREA)
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return np.asarray(small, dtype=np.float32)


def thumbnail_change(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    """Mean absolute grey difference of two thumbnails (0: same picture)."""
    return float(np.mean(np.abs(a - b)))


class Schedule:
    """Plan of the expensive steps, frame by frame (see the module docstring)."""

    def __init__(
        self,
        face_period_ms: float,
        pose_period_ms: float,
        pose_active_period_ms: float,
        count_period_ms: float,
        every_frame: bool = False,
    ) -> None:
        periods = (face_period_ms, pose_period_ms, pose_active_period_ms, count_period_ms)
        if min(periods) < 0:
            raise ValueError("vision step periods must be >= 0 ms")
        self.face_period_ms = face_period_ms
        self.pose_period_ms = pose_period_ms
        self.pose_active_period_ms = pose_active_period_ms
        self.count_period_ms = count_period_ms
        self.every_frame = every_frame
        self._face_t: int | None = None
        self._pose_t: int | None = None
        self._count_t: int | None = None

    @staticmethod
    def _due(t_ms: int, last: int | None, period_ms: float) -> bool:
        return last is None or t_ms < last or t_ms - last >= period_ms

    def plan(
        self,
        t_ms: int,
        face_known: bool,
        body_known: bool,
        with_body: bool = True,
        active: bool = False,
        changed: bool = False,
    ) -> Plan:
        """The steps for the frame taken at ``t_ms``; call once per frame."""
        if self.every_frame:
            return Plan(face=True, pose=with_body, count=False)
        pose_period = self.pose_active_period_ms if active else self.pose_period_ms
        urgent = not face_known or changed
        face = urgent or self._due(t_ms, self._face_t, self.face_period_ms)
        pose = with_body and (not body_known or self._due(t_ms, self._pose_t, pose_period))
        if face and pose and not urgent and body_known:
            face = False  # one expensive model per frame: the face waits a frame
        count = not face and not pose and self._due(t_ms, self._count_t, self.count_period_ms)
        if face:
            self._face_t = t_ms
        if pose:
            self._pose_t = t_ms
        if count:
            self._count_t = t_ms
        return Plan(face=face, pose=pose, count=count)
