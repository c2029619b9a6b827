"""Face geometry from MediaPipe's 468-point face mesh: pose, distance, cues, aligned crop.

Pure functions on a landmark array ``[468, 3]`` in pixels (x right, y down,
z away from the camera, in the same scale as x), so they can be tested on
any mesh without running MediaPipe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sensors.camera.observations import FaceCues

Landmarks = npt.NDArray[np.float32]
"""Face mesh points, [468, 3], pixels."""

# MediaPipe face-mesh indices ("right"/"left" are the person's own sides).
FOREHEAD, CHIN, NOSE_TIP = 10, 152, 1
CHEEK_RIGHT, CHEEK_LEFT = 234, 454
EYE_RIGHT = (33, 133, 159, 145)  # outer, inner, top, bottom
EYE_LEFT = (263, 362, 386, 374)
MOUTH_RIGHT, MOUTH_LEFT, LIP_TOP, LIP_BOTTOM = 61, 291, 13, 14
BROW_RIGHT_MID, BROW_LEFT_MID = 105, 334
BROW_RIGHT_INNER, BROW_LEFT_INNER = 55, 285

AVERAGE_FACE_WIDTH_M = 0.145  # cheek-to-cheek (landmarks 234-454) of an adult face
LOOKING_TOLERANCE_DEG = 20.0  # head within this of pointing at the camera: "looking at the pet"


# A serialised NormalizedLandmarkList whose landmarks carry only x, y, z: per
# landmark a field-1 tag (0x0a), a length (15), then three fixed32 floats each
# behind its tag. Reading it with numpy replaces 468 protobuf attribute reads.
_PACKED = np.dtype(
    [
        ("head", "u1", (2,)),
        ("tx", "u1"),
        ("x", "<f4"),
        ("ty", "u1"),
        ("y", "<f4"),
        ("tz", "u1"),
        ("z", "<f4"),
    ]
)


def landmark_array(landmarks: Any, width: int, height: int) -> Landmarks:
    """MediaPipe's normalised landmark list -> [N, 3] pixels (z scaled like x).

    Fast path: one ``SerializeToString`` read by numpy (about 50x faster than
    reading the points one by one); any other layout (visibility or presence
    set, a protobuf change) falls back to reading the points one by one.
    """
    data = landmarks.SerializeToString()
    count = len(landmarks.landmark)
    if len(data) == count * _PACKED.itemsize:
        packed = np.frombuffer(data, dtype=_PACKED)
        if (
            np.all(packed["head"][:, 0] == 0x0A)
            and np.all(packed["head"][:, 1] == 15)
            and np.all(packed["tx"] == 0x0D)
            and np.all(packed["ty"] == 0x15)
            and np.all(packed["tz"] == 0x1D)
        ):
            out = np.empty((count, 3), dtype=np.float32)
            out[:, 0] = packed["x"] * width
            out[:, 1] = packed["y"] * height
            out[:, 2] = packed["z"] * width
            return out
    return np.array(
        [(p.x * width, p.y * height, p.z * width) for p in landmarks.landmark], dtype=np.float32
    )


def _ramp(value: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear and clipped in between."""
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


@dataclass(frozen=True)
class HeadPose:
    """Head orientation in degrees (signs as in :class:`FaceObservation`)."""

    yaw_deg: float
    pitch_deg: float
    roll_deg: float


def head_pose(points: Landmarks) -> HeadPose:
    """Yaw, pitch and roll from the face's own axes (cheek to cheek, chin to forehead)."""
    across = points[CHEEK_LEFT] - points[CHEEK_RIGHT]  # image left -> right for a frontal face
    up = points[FOREHEAD] - points[CHIN]
    across = across / (np.linalg.norm(across) + 1e-9)
    up = up - float(np.dot(up, across)) * across
    up = up / (np.linalg.norm(up) + 1e-9)
    forward = np.cross(across, up)  # (0, 0, -1): facing the camera
    yaw = math.degrees(math.atan2(float(forward[0]), float(-forward[2])))
    pitch = math.degrees(math.atan2(float(-forward[1]), math.hypot(forward[0], forward[2])))
    roll = math.degrees(math.atan2(float(-across[1]), float(across[0])))
    return HeadPose(yaw, pitch, roll)


def focal_px(width_px: int, hfov_deg: float) -> float:
    """Focal length in pixels of a camera ``width_px`` wide with horizontal field ``hfov_deg``."""
    return width_px / (2.0 * math.tan(math.radians(hfov_deg) / 2.0))


def distance_m(points: Landmarks, focal: float) -> float:
    """Camera-to-face distance from the face's 3D width (robust to turning the head)."""
    width_px = float(np.linalg.norm(points[CHEEK_LEFT] - points[CHEEK_RIGHT]))
    return focal * AVERAGE_FACE_WIDTH_M / max(width_px, 1.0)


def looking_at_camera(
    pose: HeadPose, centre_px: tuple[float, float], size_px: tuple[int, int], focal: float
) -> bool:
    """Whether the head points at the camera, allowing for where the face is in the frame."""
    dx = centre_px[0] - size_px[0] / 2.0
    dy = centre_px[1] - size_px[1] / 2.0
    want_yaw = -math.degrees(math.atan2(dx, focal))  # turn towards the lens
    want_pitch = math.degrees(math.atan2(dy, focal))
    return (
        abs(pose.yaw_deg - want_yaw) < LOOKING_TOLERANCE_DEG
        and abs(pose.pitch_deg - want_pitch) < LOOKING_TOLERANCE_DEG
    )


def _dist(points: Landmarks, a: int, b: int) -> float:
    return float(np.linalg.norm(points[a, :2] - points[b, :2]))


def _eye_ratio(points: Landmarks, eye: tuple[int, int, int, int]) -> float:
    outer, inner, top, bottom = eye
    return _dist(points, top, bottom) / max(_dist(points, outer, inner), 1e-6)


def face_cues(points: Landmarks) -> FaceCues:
    """Smile, mouth open, brows raised/furrowed and eyes open, each scored 0..1.

    Distances are divided by the face's own size, so cues do not depend on
    how far away the person is. Each ramp runs from the median of FER2013
    ``train`` neutral faces to the median of the class that shows the cue
    (150 faces per class through this mesh; see docs/vision.md).
    """
    face_h = max(_dist(points, FOREHEAD, CHIN), 1e-6)
    eyes_w = max(_dist(points, EYE_RIGHT[0], EYE_LEFT[0]), 1e-6)
    mouth_w = _dist(points, MOUTH_RIGHT, MOUTH_LEFT) / eyes_w
    lip_centre_y = (points[LIP_TOP, 1] + points[LIP_BOTTOM, 1]) / 2.0
    corners_y = (points[MOUTH_RIGHT, 1] + points[MOUTH_LEFT, 1]) / 2.0
    corner_lift = float(lip_centre_y - corners_y) / face_h  # > 0: corners above the lip centre
    gap = _dist(points, LIP_TOP, LIP_BOTTOM) / face_h
    eye_ratio = (_eye_ratio(points, EYE_RIGHT) + _eye_ratio(points, EYE_LEFT)) / 2.0
    brow_height = (
        _dist(points, BROW_RIGHT_MID, EYE_RIGHT[2]) + _dist(points, BROW_LEFT_MID, EYE_LEFT[2])
    ) / (2.0 * face_h)
    brow_gap = _dist(points, BROW_RIGHT_INNER, BROW_LEFT_INNER) / eyes_w
    return FaceCues(
        # neutral -> happy medians: mouth width 0.52 -> 0.66 eye spans, corners 0.005 -> 0.036
        smile=0.6 * _ramp(mouth_w, 0.52, 0.66) + 0.4 * _ramp(corner_lift, 0.005, 0.036),
        mouth_open=_ramp(gap, 0.015, 0.08),  # neutral 0.012, surprise 0.055 (upper quartile 0.09)
        brows_raised=_ramp(brow_height, 0.128, 0.15),  # neutral 0.126, surprise 0.140
        # Inner brows drawn together; weak on FER2013's small faces (angry ~ neutral there).
        brows_furrowed=_ramp(-brow_gap, -0.285, -0.255),
        eyes_open=_ramp(eye_ratio, 0.12, 0.34),  # closed lids ~0.1; neutral 0.35, surprise 0.40
    )


def aligned_crop(
    image: npt.NDArray[np.uint8], points: Landmarks, size: int, margin: float = 1.15
) -> npt.NDArray[np.uint8]:
    """A ``size`` x ``size`` grey crop, eyes level, framed like FER2013 (brows to chin).

    ``image`` is BGR or grey. One affine warp (rotate about the face centre,
    scale, translate), then grey conversion of the small result only, so the
    cost does not depend on the frame size.
    """
    pose_roll = math.atan2(
        float(points[EYE_LEFT[0], 1] - points[EYE_RIGHT[0], 1]),
        float(points[EYE_LEFT[0], 0] - points[EYE_RIGHT[0], 0]),
    )
    xy = points[:, :2]
    cos, sin = math.cos(-pose_roll), math.sin(-pose_roll)
    centre = xy.mean(axis=0)
    rotated = (xy - centre) @ np.array([[cos, sin], [-sin, cos]], dtype=np.float32)
    lo, hi = rotated.min(axis=0), rotated.max(axis=0)
    side = float(max(hi - lo)) * margin
    box_centre = (lo + hi) / 2.0  # in the rotated frame, relative to ``centre``
    # Warp at up to 4x the output size, then area-average down: a plain warp
    # from a large face would alias.
    factor = int(min(4, max(1, (side / size) // 1)))
    work = size * factor
    scale = work / max(side, 1.0)
    rotation = np.array([[cos, -sin], [sin, cos]], dtype=np.float64)  # R(-roll)
    matrix = rotation * scale
    offset = -matrix @ centre.astype(np.float64) - scale * box_centre + work / 2.0
    affine = np.hstack([matrix, offset[:, None]])
    crop = cv2.warpAffine(
        image, affine, (work, work), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    if factor > 1:
        crop = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return np.asarray(crop, dtype=np.uint8)
