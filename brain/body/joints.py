"""The physical body as the brain sees it: joints on servo channels, with calibration.

The body enforces these limits again on its own (CONFIG), whatever the brain sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware import wire
from sensors.touch.layout import DEFAULT_LAYOUT, Pad, PadLayout
from sensors.touch.skin import BodySkin, TaxelGrid


@dataclass(frozen=True)
class Joint:
    """One servo joint: channel, calibrated range, rest angle and speed cap."""

    name: str
    channel: int
    min_deg: float
    max_deg: float
    rest_deg: float
    max_speed_deg_per_s: float  # hard cap the body enforces, whatever the brain asks

    def clamp(self, angle_deg: float) -> float:
        """``angle_deg`` limited to the calibrated range."""
        return max(self.min_deg, min(self.max_deg, angle_deg))


@dataclass(frozen=True)
class RobotConfig:
    """Everything about one physical pet the brain needs: joints, pads and taxel grids.

    ``grids[i]`` is the grid the body streams as TOUCH_GRID number ``i``; a
    zone has pads or a grid, never both.
    """

    joints: tuple[Joint, ...]
    layout: PadLayout
    grids: tuple[TaxelGrid, ...] = ()

    def __post_init__(self) -> None:
        BodySkin(self.layout, self.grids)  # raises ValueError for a zone with pads and a grid

    def joint(self, name: str) -> Joint:
        """The joint called ``name``."""
        for joint in self.joints:
            if joint.name == name:
                return joint
        raise KeyError(name)

    def rest_pose(self) -> dict[str, float]:
        """Every joint at rest."""
        return {j.name: j.rest_deg for j in self.joints}

    def config_message(self) -> wire.Config:
        """The CONFIG command that teaches the body its limits."""
        return wire.Config(
            tuple(
                (
                    j.channel,
                    round(j.min_deg * 100),
                    round(j.max_deg * 100),
                    round(j.rest_deg * 100),
                    round(j.max_speed_deg_per_s),
                )
                for j in self.joints
            )
        )


DEFAULT_ROBOT = RobotConfig(
    joints=(
        Joint("head_yaw", 0, -60.0, 60.0, 0.0, 240.0),
        Joint("head_pitch", 1, -30.0, 40.0, 0.0, 200.0),
        Joint("ear_left", 2, -60.0, 30.0, 0.0, 600.0),
        Joint("ear_right", 3, -60.0, 30.0, 0.0, 600.0),
        Joint("tail_swish", 4, -50.0, 50.0, 0.0, 400.0),
        Joint("tail_lift", 5, -20.0, 70.0, 20.0, 200.0),
        Joint("spine", 6, -25.0, 25.0, 0.0, 90.0),
        Joint("eyelids", 7, 0.0, 100.0, 10.0, 600.0),
    ),
    layout=DEFAULT_LAYOUT,
)


# The reference body with a pressure mat on its back instead of the six back pads
# (firmware board profile ``pico_grid``): 19 x 27 taxels 10 mm apart, the long
# side along the spine from 145 mm (behind the neck) to 405 mm (the tail's base).
BACK_GRID = TaxelGrid(
    zone="back_middle",
    rows=19,
    cols=27,
    pitch_mm=10.0,
    rate_hz=10.0,
    along="cols",
    head_at="first",
    full_scale=255.0,
    origin_mm=145.0,
)
GRID_BACK_ROBOT = RobotConfig(
    joints=DEFAULT_ROBOT.joints,
    layout=PadLayout(
        tuple(
            Pad(i, pad.name, pad.zone, pad.position_mm)
            for i, pad in enumerate(p for p in DEFAULT_LAYOUT.pads if not p.zone.startswith("back"))
        ),
        DEFAULT_LAYOUT.frame_rate_hz,
    ),
    grids=(BACK_GRID,),
)
