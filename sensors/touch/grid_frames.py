"""Taxel grid frames off the link: TOUCH_GRID chunks reassembled, then named per zone.

The body sends each frame of a taxel grid as chunks of whole rows
(``firmware.wire.TouchGrid``), all with the frame's number. A
:class:`GridFrameAssembler` keeps one frame in progress per grid and hands
out a frame only when every row of that number has arrived; a frame whose
rows never all came is dropped when the next one starts (``incomplete``),
and a chunk of an older frame than the one in progress is dropped
(``stale``). :class:`GridTouch` puts a :class:`SkinClassifier` behind each
configured grid, so its onsets and gestures (with stroke direction) are
touch events of that grid's zone, like the pads'.

Bad input never raises and never loses anything but itself: a chunk of an
unknown grid index, or whose shape is not the configured grid's, is counted
and dropped, and said once in the log (one clear line per grid and kind).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from firmware import wire
from sensors.touch.events import TouchEvent
from sensors.touch.skin import TaxelGrid
from sensors.touch.skin_classifier import OnnxGestureModel, SkinClassifier

log = logging.getLogger(__name__)
Array = npt.NDArray[Any]

# What a dropped chunk or frame is counted as.
DROP_KINDS = ("unknown_grid", "wrong_shape", "stale", "incomplete", "duplicate_rows")
# A chunk at most this many frames older than the one in progress is a late one
# (dropped); further back, the body has restarted its numbering.
STALE_FRAMES = 8


@dataclass
class GridStats:
    """Frames and chunks of the grids, and what was dropped for which reason."""

    chunks: int = 0
    frames: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DROP_KINDS, 0))

    def as_json(self) -> dict[str, object]:
        """Plain dict for reports and the dashboard."""
        return {"chunks": self.chunks, "frames": self.frames, **self.dropped}


@dataclass(frozen=True)
class GridFrame:
    """One whole frame of grid ``index``: ``cells`` [rows, cols] as the body sent them."""

    index: int
    t_ms: int
    number: int
    cells: Array


class _Pending:
    """The frame of one grid being put together."""

    def __init__(self, number: int, t_ms: int, rows: int, cols: int) -> None:
        self.number = number
        self.t_ms = t_ms
        self.cells = np.zeros((rows, cols), dtype=np.uint16)
        self.have = np.zeros(rows, dtype=bool)


class GridFrameAssembler:
    """Whole frames from TOUCH_GRID chunks, for the grids the robot config declares.

    ``grids[i]`` is the grid the body numbers ``i``.
    """

    def __init__(self, grids: Sequence[TaxelGrid]) -> None:
        self.grids = tuple(grids)
        self.stats = GridStats()
        self._pending: dict[int, _Pending] = {}
        self._said: set[tuple[int, str]] = set()

    def feed(self, chunk: wire.TouchGrid) -> GridFrame | None:
        """One chunk in; the frame it completes, if it completes one."""
        self.stats.chunks += 1
        index = chunk.grid
        if index >= len(self.grids):
            self._drop(
                index,
                "unknown_grid",
                f"the body sends taxel grid {index}, the robot config declares "
                f"{len(self.grids)} grid(s): its frames are ignored",
            )
            return None
        grid = self.grids[index]
        if (chunk.rows, chunk.cols) != grid.shape:
            self._drop(
                index,
                "wrong_shape",
                f"taxel grid {index} ({grid.zone}): the body sends {chunk.rows} x {chunk.cols} "
                f"frames, the robot config says {grid.rows} x {grid.cols}: its frames are ignored",
            )
            return None
        pending = self._pending.get(index)
        if pending is not None and pending.number != chunk.frame:
            behind = (pending.number - chunk.frame) & 0xFFFF
            if behind <= STALE_FRAMES:  # an older frame's chunk, late: the newer one goes on
                self._drop(index, "stale", "")
                return None
            # Newer, or far older (the body restarted its numbering): a new frame.
            self._drop(index, "incomplete", "")
            pending = None
        if pending is None:
            pending = self._pending[index] = _Pending(chunk.frame, chunk.t_ms, *grid.shape)
        rows = slice(chunk.row_start, chunk.row_start + chunk.row_count)
        if pending.have[rows].any():
            self._drop(index, "duplicate_rows", "")
            return None
        pending.cells[rows] = np.asarray(chunk.cells, dtype=np.uint16).reshape(-1, chunk.cols)
        pending.have[rows] = True
        if not pending.have.all():
            return None
        del self._pending[index]
        self.stats.frames += 1
        return GridFrame(index, pending.t_ms, pending.number, pending.cells)

    def reset(self) -> None:
        """Forget frames in progress (a new session: the body numbers afresh)."""
        self._pending.clear()

    def _drop(self, index: int, kind: str, line: str) -> None:
        self.stats.dropped[kind] += 1
        if line and (index, kind) not in self._said:
            self._said.add((index, kind))
            log.error("touch grid: %s", line)


def load_gesture_model() -> OnnxGestureModel | None:
    """The shipped gesture model, or None (the hand-tuned rules) when it cannot load."""
    try:
        return OnnxGestureModel()
    except Exception as error:  # a missing or broken model must not stop the pet
        log.error("touch grid: gesture model unavailable (%s); using the hand-tuned rules", error)
        return None


class GridTouch:
    """Touch events from the grids' TOUCH_GRID chunks: reassembly, then a classifier per zone."""

    def __init__(
        self, grids: Sequence[TaxelGrid], model: OnnxGestureModel | str | None = "shipped"
    ) -> None:
        self.grids = tuple(grids)
        if model == "shipped":
            model = load_gesture_model() if self.grids else None
        assert not isinstance(model, str)
        self.model = model
        self.assembler = GridFrameAssembler(self.grids)
        self.classifiers = [SkinClassifier(g.surface(), model) for g in self.grids]
        # The newest whole frame of each grid, for the dashboard's heat map (a reference
        # kept, never copied nor stored: the dashboard encodes it off this path).
        self.latest: list[GridFrame | None] = [None] * len(self.grids)

    @property
    def stats(self) -> GridStats:
        """Chunks, frames and drops so far."""
        return self.assembler.stats

    def feed(self, chunk: wire.TouchGrid) -> list[TouchEvent]:
        """One chunk in; the touch events of the frame it completes (often none)."""
        frame = self.assembler.feed(chunk)
        if frame is None:
            return []
        self.latest[frame.index] = frame
        return self.classifiers[frame.index].feed(frame.t_ms, frame.cells)

    def reset(self) -> None:
        """Fresh classifiers and no frame in progress (after the body was lost)."""
        self.assembler.reset()
        self.classifiers = [SkinClassifier(g.surface(), self.model) for g in self.grids]
        self.latest = [None] * len(self.grids)
