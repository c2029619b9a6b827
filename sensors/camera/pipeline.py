"""The vision pipeline: face mesh, expression on the face crop, pose, each at its own rate.

    pipeline = VisionPipeline()              # raises ModelError for a broken model
    observation = pipeline.process(t_ms, frame)
    pipeline.close()

MediaPipe 0.10.18's legacy solutions carry their models inside the wheel;
pose uses model complexity 1 because 0 and 2 download models at run time.
Frames are only read, never kept beyond the call or written anywhere.

On video (not ``still_images``) the expensive steps run only when they can
change the answer (see :class:`~sensors.camera.schedule.Schedule`):

* the face mesh follows one face, so MediaPipe runs its face detector only
  when tracking is lost; a cheap short-range detector counts the people in
  view about once a second, and only while several are in view does the mesh
  track up to ``max_faces`` to follow the closest, most engaged one;
* mesh + expression run on one frame in ``face_every`` (an expression lasts
  half a second or more); the frames between carry the last face forward
  with its age in ``stale_ms``;
* pose runs on one frame in ``pose_every`` (``pose_every_active`` while a
  hand is raised, so a wave is still seen), never on the same frame as the
  mesh, so no frame pays for both.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from sensors.camera.body import BodyTracker, Pose
from sensors.camera.expression import DEFAULT_MODEL, ExpressionModel, ModelError
from sensors.camera.face import (
    aligned_crop,
    distance_m,
    face_cues,
    focal_px,
    head_pose,
    landmark_array,
    looking_at_camera,
)
from sensors.camera.observations import BodyObservation, FaceObservation, VisionObservation
from sensors.camera.schedule import CHANGE_LEVEL, Schedule, thumbnail, thumbnail_change
from sensors.camera.source import Frame

log = logging.getLogger("petbrain.vision")

NOMINAL_FRAME_RATE_HZ = 15.0  # the camera rate VisionConfig's step periods are given for


@dataclass(frozen=True)
class VisionConfig:
    """How the pipeline runs; the defaults suit a 640x480 camera on a Pi-class CPU."""

    expression_model: str | Path = DEFAULT_MODEL
    max_faces: int = 3  # faces tracked at once; the closest, most engaged one is followed
    # Video only (still images run everything on every frame), see sensors/camera/schedule.py:
    face_period_ms: float = 240.0  # mesh + expression (every 4th frame at 15 fps), sooner on change
    pose_period_ms: float = 1000.0  # pose (every 15th frame at 15 fps; it costs ~8x the mesh)
    pose_active_period_ms: float = 200.0  # ... while a hand is raised (a wave needs samples)
    count_period_ms: float = 1000.0  # count the faces in view with the short-range detector
    # The periods above are for a 15 Hz camera; a camera set faster or slower in
    # robot.yaml scales them, so each step keeps its share of the frames.
    frame_rate_hz: float = 15.0
    hfov_deg: float = 70.0  # the camera's horizontal field of view, for distances
    still_images: bool = False  # unrelated images (no tracking between frames)
    threads: int = 1  # onnxruntime threads for the expression model


@dataclass(frozen=True)
class _Face:
    points: npt.NDArray[np.float32]
    centre: tuple[float, float]
    width_px: float
    looking: bool
    score: float


class VisionPipeline:
    """Frames in, :class:`VisionObservation` out; one instance per camera stream."""

    def __init__(self, config: VisionConfig | None = None) -> None:
        from sensors.camera.mediapipe_import import mediapipe

        mp = mediapipe()
        self.config = config or VisionConfig()
        self.expression = ExpressionModel(self.config.expression_model, self.config.threads)
        static = self.config.still_images
        # Video: one tracked face, so MediaPipe's detector runs only when tracking
        # is lost; the multi-face graph is built when several people are counted.
        self._mesh_one = self._face_mesh(self.config.max_faces if static else 1)
        self._mesh_many: Any = None
        self._counter: Any = None
        scale = NOMINAL_FRAME_RATE_HZ / max(self.config.frame_rate_hz, 1e-3)
        self._schedule = Schedule(
            self.config.face_period_ms * scale,
            self.config.pose_period_ms * scale,
            self.config.pose_active_period_ms * scale,
            self.config.count_period_ms * scale,
            every_frame=static,
        )
        self._face_thumbnail: npt.NDArray[np.float32] | None = None
        self._faces_counted = 1  # people in view at the last count
        self._last_face: FaceObservation | None = None
        self._chosen: _Face | None = None  # the followed face at the last mesh
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static,
            model_complexity=1,
            smooth_landmarks=not static,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )
        self._body = BodyTracker()
        self._frames = 0
        self._last_body: BodyObservation | None = None
        self._followed: tuple[float, float] | None = None

    def _face_mesh(self, faces: int) -> Any:
        import mediapipe as mp

        return mp.solutions.face_mesh.FaceMesh(
            static_image_mode=self.config.still_images,
            max_num_faces=faces,
            refine_landmarks=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def close(self) -> None:
        """Release MediaPipe's graphs."""
        for graph in (self._mesh_one, self._mesh_many, self._counter, self._pose):
            if graph is not None:
                graph.close()

    def process(self, t_ms: int, frame: Frame, with_body: bool = True) -> VisionObservation:
        """Perceive one BGR frame taken at ``t_ms``."""
        start = time.perf_counter()
        hand_up = self._last_body is not None and self._last_body.hand_raised
        changed = False
        small: npt.NDArray[np.float32] | None = None
        if not self.config.still_images:
            small = thumbnail(frame)
            last = self._face_thumbnail
            changed = last is not None and thumbnail_change(small, last) > CHANGE_LEVEL
        plan = self._schedule.plan(
            t_ms,
            face_known=self._last_face is not None,
            body_known=self._last_body is not None,
            with_body=with_body,
            active=hand_up,
            changed=changed,
        )
        rgb: Frame | None = None
        if plan.any:
            rgb = np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), dtype=np.uint8)
            rgb.flags.writeable = False
        if plan.count and rgb is not None:
            self._count_faces(rgb)
        if plan.face and rgb is not None:
            face = self._face_step(t_ms, frame, rgb)
            self._face_thumbnail = small
        else:
            face = self._carry_face(t_ms)
        body: BodyObservation | None = None
        if with_body:
            if plan.pose and rgb is not None:
                body = self._body_step(t_ms, rgb, self._chosen, face.faces_seen)
            else:
                body = self._carry_body(t_ms)
        self._frames += 1
        return VisionObservation(
            t_ms=t_ms,
            face=face,
            body=body if body is not None else BodyObservation.absent(t_ms),
            compute_ms=(time.perf_counter() - start) * 1000.0,
        )

    def _face_step(self, t_ms: int, frame: Frame, rgb: Frame) -> FaceObservation:
        """Mesh, follow and describe: a fresh face observation."""
        width = frame.shape[1]
        focal = focal_px(width, self.config.hfov_deg)
        faces = self._faces(rgb, focal)
        chosen = self._follow(faces)
        seen = len(faces) if self.config.still_images else max(len(faces), self._faces_counted)
        if chosen is None:
            face = FaceObservation.absent(t_ms, 0 if not faces else seen)
        else:
            face = self._describe(t_ms, frame, chosen, focal, seen)
        self._last_face = face
        self._chosen = chosen
        return face

    def _carry_face(self, t_ms: int) -> FaceObservation:
        """The last face observation, aged: mesh and expression did not run on this frame."""
        last = self._last_face
        if last is None:
            return FaceObservation.absent(t_ms)
        stale = t_ms - last.t_ms + last.stale_ms
        return dataclasses.replace(last, t_ms=t_ms, stale_ms=stale)

    def _carry_body(self, t_ms: int) -> BodyObservation | None:
        last = self._last_body
        if last is None:
            return None
        return dataclasses.replace(last, t_ms=t_ms, stale_ms=t_ms - last.t_ms + last.stale_ms)

    def _count_faces(self, rgb: Frame) -> None:
        """Count the people in view with the short-range detector (video only)."""
        if self._counter is None:
            import mediapipe as mp

            self._counter = mp.solutions.face_detection.FaceDetection(
                model_selection=0, min_detection_confidence=0.5
            )
        found = self._counter.process(rgb).detections or []
        self._faces_counted = len(found)
        if self._faces_counted > 1 and self._mesh_many is None:
            self._mesh_many = self._face_mesh(self.config.max_faces)

    def expression_of_crop(self, grey: npt.NDArray[np.uint8]) -> dict[str, float]:
        """Expression probabilities of an already cropped, aligned grey face."""
        return self.expression.classify(grey)

    def _faces(self, rgb: Frame, focal: float) -> list[_Face]:
        height, width = rgb.shape[:2]
        several = self._faces_counted > 1 and self._mesh_many is not None
        mesh = self._mesh_many if several else self._mesh_one
        result = mesh.process(rgb)
        faces = []
        for landmarks in result.multi_face_landmarks or []:
            points = landmark_array(landmarks, width, height)
            lo, hi = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
            centre = (float(lo[0] + hi[0]) / 2.0, float(lo[1] + hi[1]) / 2.0)
            looking = looking_at_camera(head_pose(points), centre, (width, height), focal)
            face_w = float(hi[0] - lo[0])
            # Bigger is closer; looking at the pet counts as much as being 1.5x closer.
            faces.append(_Face(points, centre, face_w, looking, face_w * (1.5 if looking else 1.0)))
        return faces

    def _follow(self, faces: list[_Face]) -> _Face | None:
        """The closest, most engaged face, with a bonus for whoever was followed last frame."""
        if not faces:
            self._followed = None
            return None

        def score(face: _Face) -> float:
            if self._followed is None:
                return face.score
            dx = face.centre[0] - self._followed[0]
            dy = face.centre[1] - self._followed[1]
            same = (dx * dx + dy * dy) ** 0.5 < face.width_px * 0.5
            return face.score * (1.3 if same else 1.0)

        chosen = max(faces, key=score)
        self._followed = chosen.centre
        return chosen

    def _describe(
        self, t_ms: int, frame: Frame, face: _Face, focal: float, seen: int
    ) -> FaceObservation:
        height, width = frame.shape[:2]
        points = face.points
        pose = head_pose(points)
        crop = aligned_crop(frame, points, self.expression.size)
        lo, hi = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        box = (
            float(lo[0]) / width,
            float(lo[1]) / height,
            float(hi[0] - lo[0]) / width,
            float(hi[1] - lo[1]) / height,
        )
        return FaceObservation(
            t_ms=t_ms,
            present=True,
            box=box,
            distance_m=distance_m(points, focal),
            yaw_deg=pose.yaw_deg,
            pitch_deg=pose.pitch_deg,
            roll_deg=pose.roll_deg,
            looking_at_pet=face.looking,
            expression=self.expression.classify(crop),
            cues=face_cues(points),
            faces_seen=seen,
        )

    def _body_step(
        self, t_ms: int, rgb: Frame, chosen: _Face | None, faces_seen: int
    ) -> BodyObservation:
        """A fresh pose estimate of the followed person."""
        pose = self._estimate_pose(rgb, chosen if faces_seen > 1 else None)
        body = self._body.update(t_ms, pose)
        self._last_body = body
        return body

    def _estimate_pose(self, rgb: Frame, around: _Face | None) -> Pose | None:
        """Pose of the followed person: around their face when several people are in view."""
        _height, width = rgb.shape[:2]
        x0, y0, region = 0, 0, rgb
        if around is not None:
            half = int(around.width_px * 2.5)
            x0 = max(0, int(around.centre[0]) - half)
            y0 = max(0, int(around.centre[1] - around.width_px))
            region = rgb[y0:, x0 : min(width, int(around.centre[0]) + half)]
        result: Any = self._pose.process(np.ascontiguousarray(region))
        if result.pose_landmarks is None or result.pose_world_landmarks is None:
            return None
        rh, rw = region.shape[:2]
        image = np.array(
            [(x0 + p.x * rw, y0 + p.y * rh, p.visibility) for p in result.pose_landmarks.landmark],
            dtype=np.float32,
        )
        world = np.array(
            [(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark], dtype=np.float32
        )
        return Pose(image, world)


def build_vision(config: VisionConfig | None = None) -> VisionPipeline | None:
    """The pipeline, or None with one logged error line when a model cannot be loaded.

    The brain calls this: a broken model turns vision off, never the pet.
    """
    try:
        return VisionPipeline(config)
    except ModelError as error:
        log.error("%s: vision off, the pet carries on", error)
        return None
