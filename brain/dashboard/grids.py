"""The taxel grids on the dashboard: each grid's newest frame as a small heat map.

The brain keeps a reference to each grid's newest reassembled frame
(``GridTouch.latest``); :class:`GridHeatMaps` turns it into the state
document's ``grids`` entry when the dashboard publishes, on the loop's own
thread but never on the touch path: at most once per ``period_ms`` of the
injected clock per grid (10 a second), and only when a new frame came.

A heat map is laid out as on the body seen from above: its columns run along
the spine, head on the left (as the page's side view of the cat, nose on the
left), its rows across it in the grid's own order. Cells are 0..255 of the
grid's ``full_scale`` (a firm palm), clipped, row-major, base64; a grid of
more than ``max_cells`` taxels is max-pooled down to at most that many cells,
so a fingertip's peak survives. A 19 x 27 mat is 513 bytes, 684 characters
in the document. Nothing is kept but the last encoding: no frame reaches the
disk, nor anything but the local dashboard's event stream.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from brain.dashboard.document import DRAWING_X_OFFSET, ZONE_Y
from sensors.touch.skin import TaxelGrid

if TYPE_CHECKING:
    from brain.app.runtime import BrainEvent
    from sensors.touch.grid_frames import GridFrame

Array = npt.NDArray[Any]

GRID_PERIOD_MS = 100  # at most 10 heat maps a second per grid: the page's eye needs no more
MAX_CELLS = 1024  # larger grids are max-pooled to at most this many cells (~1.4 kB of base64)


def grid_name(index: int) -> str:
    """The name the page shows for grid ``index`` (the body numbers its grids)."""
    return f"grid {index}"


def oriented(grid: TaxelGrid, cells: Array) -> Array:
    """``cells`` [rows, cols] as the page draws them: [across, along], head at along 0."""
    out = cells if grid.along == "cols" else cells.T
    return out[:, ::-1] if grid.head_at == "last" else out


def pooled(cells: Array, max_cells: int = MAX_CELLS) -> Array:
    """Max-pool ``cells`` [h, w] by one square factor until at most ``max_cells`` remain."""
    h, w = cells.shape
    factor = max(1, math.ceil(math.sqrt(h * w / max_cells)))
    while math.ceil(h / factor) * math.ceil(w / factor) > max_cells:
        factor += 1
    if factor == 1:
        return cells
    out_h, out_w = math.ceil(h / factor), math.ceil(w / factor)
    padded = np.zeros((out_h * factor, out_w * factor), dtype=cells.dtype)
    padded[:h, :w] = cells
    blocks: Array = padded.reshape(out_h, factor, out_w, factor).max(axis=(1, 3))
    return blocks


def quantised(cells: Array, full_scale: float) -> Array:
    """0..255 (uint8) of ``full_scale``, clipped; NaN reads as nothing pressed."""
    values = np.asarray(cells)
    scaled = values.astype(np.float32) * np.float32(255.0 / full_scale)
    if values.dtype.kind == "f":  # the body's counts are integers; only floats can be NaN
        np.nan_to_num(scaled, copy=False, nan=0.0)
    np.clip(scaled, 0.0, 255.0, out=scaled)
    np.rint(scaled, out=scaled)
    result: Array = scaled.astype(np.uint8)
    return result


def encode_frame(grid: TaxelGrid, cells: Array, max_cells: int = MAX_CELLS) -> dict[str, Any]:
    """One frame as the page's heat map: ``rows`` x ``cols`` drawn, ``cells`` base64 uint8.

    Raises ``ValueError`` when ``cells`` is not the grid's shape.
    """
    values = np.asarray(cells)
    if values.shape != grid.shape:
        raise ValueError(f"a frame of {values.shape} is not the grid's {grid.rows} x {grid.cols}")
    heat = quantised(pooled(oriented(grid, values), max_cells), grid.full_scale)
    return {
        "rows": int(heat.shape[0]),
        "cols": int(heat.shape[1]),
        "cells": base64.b64encode(heat.tobytes()).decode("ascii"),
        "peak": int(heat.max()),
    }


def grids_config(grids: Sequence[TaxelGrid]) -> list[dict[str, Any]]:
    """Each grid's name, zone, shape and where the mat lies on the page's side view."""
    out: list[dict[str, Any]] = []
    for index, grid in enumerate(grids):
        n_along = grid.cols if grid.along == "cols" else grid.rows
        n_across = grid.rows if grid.along == "cols" else grid.cols
        length_mm = (n_along - 1) * grid.pitch_mm
        out.append(
            {
                "index": index,
                "name": grid_name(index),
                "zone": grid.zone,
                "shape": [grid.rows, grid.cols],
                "drawn": [n_across, n_along],
                "pitch_mm": grid.pitch_mm,
                "x0": DRAWING_X_OFFSET + grid.origin_mm,
                "x1": DRAWING_X_OFFSET + grid.origin_mm + length_mm,
                "y": ZONE_Y[grid.zone],
            }
        )
    return out


class GridHeatMaps:
    """The state document's ``grids``: the newest frame of each grid, rate-limited, encoded once."""

    def __init__(
        self,
        grids: Sequence[TaxelGrid],
        period_ms: int = GRID_PERIOD_MS,
        max_cells: int = MAX_CELLS,
    ) -> None:
        self.grids = tuple(grids)
        self.period_ms = period_ms
        self.max_cells = max_cells
        self.encoded = 0  # frames encoded so far (the rest were skipped by the rate limit)
        self._panels: list[dict[str, Any]] = [
            {
                "index": i,
                "name": grid_name(i),
                "zone": g.zone,
                "shape": [g.rows, g.cols],
                "t_ms": None,
                "frame": None,
                "rows": 0,
                "cols": 0,
                "cells": None,
                "peak": 0,
                "error": None,
                "gesture": None,
            }
            for i, g in enumerate(self.grids)
        ]
        self._shown: list[tuple[int, int] | None] = [None] * len(self.grids)
        self._next_ms = [0] * len(self.grids)

    def on_event(self, event: BrainEvent) -> None:
        """Brain listener: a gesture classified on a grid's zone is shown with its heat map."""
        data = event.data
        if event.kind != "touch" or data.get("type") != "gesture":
            return
        zones = data.get("zones") or []
        for panel in self._panels:
            if zones and panel["zone"] == zones[0]:
                panel["gesture"] = {
                    "t_ms": event.t_ms,
                    "gesture": data.get("gesture"),
                    "direction": data.get("direction"),
                    "ongoing": bool(data.get("ongoing")),
                }

    def snapshot(self, latest: Sequence[GridFrame | None], now_ms: int) -> list[dict[str, Any]]:
        """The ``grids`` entry at ``now_ms`` from the newest frames (``GridTouch.latest``)."""
        for index, frame in enumerate(latest[: len(self.grids)]):
            if frame is None:
                continue
            key = (frame.number, frame.t_ms)
            if key == self._shown[index] or now_ms < self._next_ms[index]:
                continue
            self._shown[index] = key
            # On the period's own beat (not drifting by the publisher's 40 ms steps), but never
            # a burst to catch up after a pause.
            due = self._next_ms[index] + self.period_ms
            self._next_ms[index] = due if now_ms < due else now_ms + self.period_ms
            self._panels[index].update(self._encode(index, frame))
        return [dict(panel) for panel in self._panels]

    def _encode(self, index: int, frame: GridFrame) -> dict[str, Any]:
        grid = self.grids[index]
        try:
            heat = encode_frame(grid, frame.cells, self.max_cells)
        except ValueError as error:  # never from the assembler; said on the page, not raised
            return {"t_ms": frame.t_ms, "frame": frame.number, "cells": None, "error": str(error)}
        self.encoded += 1
        return {"t_ms": frame.t_ms, "frame": frame.number, "error": None, **heat}
