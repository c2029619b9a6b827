"""Touch skins: capacitive pads or a taxel grid per body zone, seen as one touch surface.

A body zone is covered either by pads (:mod:`sensors.touch.layout`) or by a
**taxel grid**: ``rows`` x ``cols`` pressure cells ``pitch_mm`` apart, sampled
at ``rate_hz``, laid so that one grid axis runs along the body (``along``:
``rows`` or ``cols``) and the head is at its first or last index
(``head_at``). Both become a :class:`TouchSurface`: every sensing cell with
its place on the body (millimetres along the spine, nose = 0, and across it)
and its area, so the touch features (:mod:`sensors.touch.features`) are the
same for both; a segmented back of pads is simply a coarse grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sensors.touch.layout import ZONES, PadLayout

Array = npt.NDArray[Any]

PAD_RADIUS_MM = 15.0  # a pad feels a hand over its whole electrode
# Where pads sit across the body (mm from the spine's line), by zone: cheeks to the sides.
_ACROSS_MM = {"cheeks": 25.0, "chin": 0.0, "belly": 0.0}


@dataclass(frozen=True)
class TaxelGrid:
    """A pressure grid on one body zone.

    ``full_scale`` is the reading of a firm palm (the value the features call
    1.0); ``origin_mm`` is where the grid's head-side edge sits along the spine.
    """

    zone: str
    rows: int
    cols: int
    pitch_mm: float
    rate_hz: float
    along: str = "cols"  # the grid axis that runs along the body: "rows" or "cols"
    head_at: str = "first"  # index 0 of that axis is towards the head ("first") or tail ("last")
    full_scale: float = 255.0
    origin_mm: float = 0.0

    def __post_init__(self) -> None:
        if self.zone not in ZONES:
            raise ValueError(f"unknown zone {self.zone!r} (known: {', '.join(ZONES)})")
        if not (1 <= self.rows <= 4096 and 1 <= self.cols <= 4096):
            raise ValueError(f"grid of {self.rows} x {self.cols} taxels is out of range")
        if not 0.1 <= self.pitch_mm <= 500.0:
            raise ValueError(f"pitch {self.pitch_mm} mm is out of range")
        if not 0.5 <= self.rate_hz <= 10_000.0:
            raise ValueError(f"sample rate {self.rate_hz} Hz is out of range")
        if self.along not in ("rows", "cols"):
            raise ValueError(f"'along' must be 'rows' or 'cols', not {self.along!r}")
        if self.head_at not in ("first", "last"):
            raise ValueError(f"'head_at' must be 'first' or 'last', not {self.head_at!r}")
        if not self.full_scale > 0:
            raise ValueError("'full_scale' must be positive")

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``: the shape of one frame."""
        return (self.rows, self.cols)

    def surface(self) -> TouchSurface:
        """Every taxel's place on the body, row-major like the frames."""
        r, c = np.meshgrid(np.arange(self.rows), np.arange(self.cols), indexing="ij")
        along_idx, across_idx = (c, r) if self.along == "cols" else (r, c)
        n_along = self.cols if self.along == "cols" else self.rows
        if self.head_at == "last":
            along_idx = n_along - 1 - along_idx
        along = self.origin_mm + along_idx.ravel() * self.pitch_mm
        across = across_idx.ravel() * self.pitch_mm
        positions = np.stack([along, across], axis=1).astype(np.float64)
        area = np.full(self.rows * self.cols, self.pitch_mm**2)
        return TouchSurface(positions, area, self.rate_hz, self.full_scale, self.zone)

    def to_json(self) -> dict[str, object]:
        """The grid as plain values (a ``skin.yaml`` or a body layout's ``grids`` entry)."""
        return {
            "zone": self.zone,
            "rows": self.rows,
            "cols": self.cols,
            "pitch_mm": self.pitch_mm,
            "rate_hz": self.rate_hz,
            "along": self.along,
            "head_at": self.head_at,
            "full_scale": self.full_scale,
            "origin_mm": self.origin_mm,
        }

    @classmethod
    def from_json(cls, raw: object) -> TaxelGrid:
        """Build from a dict; ``ValueError`` with one clear line when it is malformed."""
        if not isinstance(raw, dict):
            raise ValueError("a taxel grid is an object with zone, rows, cols, pitch_mm, rate_hz")
        missing = [k for k in ("zone", "rows", "cols", "pitch_mm", "rate_hz") if k not in raw]
        if missing:
            raise ValueError(f"taxel grid lacks {', '.join(missing)}")
        unknown = set(raw) - {
            "zone",
            "rows",
            "cols",
            "pitch_mm",
            "rate_hz",
            "along",
            "head_at",
            "full_scale",
            "origin_mm",
        }
        if unknown:
            raise ValueError(f"taxel grid: unknown field(s) {', '.join(sorted(unknown))}")
        try:
            return cls(
                zone=str(raw["zone"]),
                rows=int(raw["rows"]),
                cols=int(raw["cols"]),
                pitch_mm=float(raw["pitch_mm"]),
                rate_hz=float(raw["rate_hz"]),
                along=str(raw.get("along", "cols")),
                head_at=str(raw.get("head_at", "first")),
                full_scale=float(raw.get("full_scale", 255.0)),
                origin_mm=float(raw.get("origin_mm", 0.0)),
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"taxel grid: {error}") from None


@dataclass(frozen=True)
class TouchSurface:
    """Sensing cells on the body: ``positions_mm`` [N, 2] (along, across), ``area_mm2`` [N]."""

    positions_mm: Array
    area_mm2: Array
    rate_hz: float
    full_scale: float
    zone: str = ""

    @property
    def cells(self) -> int:
        """Number of sensing cells."""
        return int(self.positions_mm.shape[0])

    @classmethod
    def from_pads(cls, layout: PadLayout, full_scale_counts: float = 420.0) -> TouchSurface:
        """The pads of a layout as cells: along the spine at ``position_mm``, disc-sized."""
        along = [pad.position_mm for pad in layout.pads]
        across = [_ACROSS_MM.get(pad.zone, 0.0) for pad in layout.pads]
        # Left and right cheeks are mirror images: put the second one on the other side.
        seen: set[tuple[float, str]] = set()
        for i, pad in enumerate(layout.pads):
            key = (pad.position_mm, pad.zone)
            if key in seen:
                across[i] = -across[i]
            seen.add(key)
        positions = np.stack([np.asarray(along), np.asarray(across)], axis=1).astype(np.float64)
        area = np.full(layout.pad_count, math.pi * PAD_RADIUS_MM**2)
        return cls(positions, area, layout.frame_rate_hz, full_scale_counts, "")


@dataclass(frozen=True)
class SkinFile:
    """What a recording folder's ``skin.yaml`` says: a taxel grid, or pads seen as a 1 x P grid.

    With ``pads`` (a pad layout's list, as in a robot config), frames are
    [T, 1, pads] in TOUCH_FRAME order and ``full_scale`` is the firm-palm
    delta (420 counts on the reference body).
    """

    grid: TaxelGrid | None = None
    pads: PadLayout | None = None
    pad_full_scale: float = 420.0
    notes: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        """The shape of one frame."""
        if self.grid is not None:
            return self.grid.shape
        assert self.pads is not None
        return (1, self.pads.pad_count)

    @property
    def rate_hz(self) -> float:
        """Frames per second."""
        if self.grid is not None:
            return self.grid.rate_hz
        assert self.pads is not None
        return self.pads.frame_rate_hz

    def surface(self) -> TouchSurface:
        """The cells of this skin on the body."""
        if self.grid is not None:
            return self.grid.surface()
        assert self.pads is not None
        return TouchSurface.from_pads(self.pads, self.pad_full_scale)


def load_skin(path: str | Path) -> SkinFile:
    """Read ``skin.yaml``: a grid's fields at the top level (or under ``grid:``), or ``pads:``.

    Raises ``ValueError`` with one line naming the file when it is missing or wrong.
    """
    path = Path(path)
    raw = _read_yaml(path, "skin")
    notes = str(raw.pop("notes", "") or "")
    try:
        if "pads" in raw:
            layout = PadLayout.from_json(raw["pads"], float(raw.get("frame_rate_hz", 100.0)))
            return SkinFile(None, layout, float(raw.get("full_scale", 420.0)), notes)
        if isinstance(raw.get("grid"), dict):
            raw = raw["grid"]
        return SkinFile(TaxelGrid.from_json(raw), notes=notes)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from None


def write_skin(path: str | Path, skin: TaxelGrid | PadLayout, notes: str = "") -> None:
    """Write ``skin.yaml`` for a grid or a pad layout."""
    import json

    lines = ["# petbrain touch recording: the skin these frames come from"]
    if isinstance(skin, TaxelGrid):
        for key, value in skin.to_json().items():
            lines.append(f"{key}: {value}")
    else:
        lines.append(f"frame_rate_hz: {skin.frame_rate_hz}")
        lines.append("pads:")
        lines += [f"  - {json.dumps(pad)}" for pad in skin.to_json()]
    if notes:
        lines.append("notes: " + _yaml_string(notes))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _read_yaml(path: Path, what: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(
            f"{path}: missing ({what}.yaml is required beside the recordings)"
        ) from None
    except OSError as error:
        raise ValueError(f"{path}: cannot read ({error.strerror})") from None
    from ruamel.yaml import YAML

    try:
        raw = YAML(typ="safe").load(text)
    except Exception as error:  # any parser error is a broken file
        raise ValueError(f"{path}: not valid YAML: {error}".splitlines()[0]) from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: must be a mapping of fields")
    return dict(raw)


@dataclass(frozen=True)
class BodySkin:
    """A body's touch sensing: pads on some zones, taxel grids on others (never both on one)."""

    pads: PadLayout
    grids: tuple[TaxelGrid, ...] = ()

    def __post_init__(self) -> None:
        pad_zones = {pad.zone for pad in self.pads.pads}
        seen: set[str] = set()
        for grid in self.grids:
            if grid.zone in pad_zones:
                raise ValueError(f"zone {grid.zone!r} has pads and a taxel grid: give one")
            if grid.zone in seen:
                raise ValueError(f"zone {grid.zone!r} has two taxel grids")
            seen.add(grid.zone)

    def grid_for(self, zone: str) -> TaxelGrid | None:
        """The grid covering ``zone``, if one does."""
        return next((g for g in self.grids if g.zone == zone), None)


def body_skin_from_json(raw: object) -> BodySkin:
    """Build from a robot config's ``touch`` section: ``pads`` and/or ``grids``."""
    if not isinstance(raw, dict):
        raise ValueError("the touch section is an object with 'pads' and/or 'grids'")
    rate = float(raw.get("frame_rate_hz", 100.0))
    pads_raw = raw.get("pads")
    grids_raw = raw.get("grids", [])
    if pads_raw is None and not grids_raw:
        raise ValueError("the touch section declares neither 'pads' nor 'grids'")
    pads = PadLayout.from_json(pads_raw, rate) if pads_raw is not None else PadLayout((), rate)
    if not isinstance(grids_raw, list):
        raise ValueError("'grids' must be a list of taxel grids")
    grids = []
    for i, entry in enumerate(grids_raw):
        try:
            grids.append(TaxelGrid.from_json(entry))
        except ValueError as error:
            raise ValueError(f"grid {i}: {error}") from None
    return BodySkin(pads, tuple(grids))


def load_body_skin(path: str | Path) -> BodySkin:
    """Read the ``touch`` section (or the top level) of a robot config YAML file."""
    path = Path(path)
    raw = _read_yaml(path, "robot config")
    section = raw.get("touch", raw)
    try:
        return body_skin_from_json(section)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: bad touch section: {error}") from None
