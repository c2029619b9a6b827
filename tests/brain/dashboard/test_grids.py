"""The taxel grids' heat maps in the dashboard's document: shape, orientation, scale, rate."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pytest

from brain.app.runtime import BrainEvent
from brain.body.joints import BACK_GRID
from brain.dashboard.grids import (
    GridHeatMaps,
    encode_frame,
    grids_config,
    oriented,
    pooled,
    quantised,
)
from sensors.touch.grid_frames import GridFrame
from sensors.touch.skin import TaxelGrid


def _cells(entry: dict[str, Any]) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(entry["cells"]), dtype=np.uint8)
    return raw.reshape(entry["rows"], entry["cols"])


def _grid(**changes: Any) -> TaxelGrid:
    fields = {**BACK_GRID.to_json(), **changes}
    return TaxelGrid.from_json(fields)


def test_a_frame_is_drawn_across_by_along_with_the_head_first() -> None:
    frame = np.zeros(BACK_GRID.shape, dtype=np.uint16)
    frame[3, 0] = 255  # along is cols, head_at first: column 0 is at the head
    entry = encode_frame(BACK_GRID, frame)
    assert (entry["rows"], entry["cols"]) == (19, 27)
    heat = _cells(entry)
    assert heat[3, 0] == 255 and heat.sum() == 255 and entry["peak"] == 255
    # The same taxel on a grid laid the other way round and turned: still at the head.
    turned = _grid(rows=27, cols=19, along="rows", head_at="last")
    entry = encode_frame(turned, frame.T[::-1])
    heat = _cells(entry)
    assert heat.shape == (19, 27) and heat[3, 0] == 255 and heat.sum() == 255


def test_orientation_follows_along_and_head_at() -> None:
    cells = np.arange(6).reshape(2, 3)
    assert oriented(_grid(rows=2, cols=3), cells).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert oriented(_grid(rows=2, cols=3, head_at="last"), cells).tolist() == [
        [2, 1, 0],
        [5, 4, 3],
    ]
    assert oriented(_grid(rows=2, cols=3, along="rows"), cells).tolist() == [[0, 3], [1, 4], [2, 5]]


def test_cells_are_quantised_to_0_255_of_full_scale_and_clipped() -> None:
    values = np.array([[0.0, 50.0, 100.0, 150.0, -3.0, np.nan]])
    assert quantised(values, 100.0).tolist() == [[0, 128, 255, 255, 0, 0]]
    assert quantised(values, 100.0).dtype == np.uint8
    wide = _grid(full_scale=4000.0)
    frame = np.full(wide.shape, 2000, dtype=np.uint16)  # half a firm palm on a 16-bit mat
    assert set(_cells(encode_frame(wide, frame)).ravel().tolist()) == {128}


def test_a_large_grid_is_max_pooled_so_a_fingertip_survives() -> None:
    big = _grid(rows=64, cols=96, pitch_mm=3.0)
    frame = np.zeros(big.shape, dtype=np.uint16)
    frame[40, 70] = 200  # one taxel under a fingertip
    entry = encode_frame(big, frame)
    assert entry["rows"] * entry["cols"] <= 1024
    assert (entry["rows"], entry["cols"]) == (22, 32)  # pooled by 3, the edge padded
    heat = _cells(entry)
    assert heat.max() == 200 and heat[40 // 3, 70 // 3] == 200
    assert len(json.dumps(entry)) < 1600
    assert pooled(np.ones((19, 27)), 1024).shape == (19, 27)  # the reference mat stays whole
    assert pooled(np.ones((7, 1000)), 100).size <= 100


def test_a_frame_of_the_wrong_shape_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match=r"not the grid's 19 x 27"):
        encode_frame(BACK_GRID, np.zeros((27, 19)))


def _frame(number: int, t_ms: int, level: int = 100) -> GridFrame:
    return GridFrame(0, t_ms, number, np.full(BACK_GRID.shape, level, dtype=np.uint16))


def test_heat_maps_are_rate_limited_and_encoded_once_per_new_frame() -> None:
    maps = GridHeatMaps([BACK_GRID], period_ms=100)
    (entry,) = maps.snapshot([None], 0)
    assert entry["cells"] is None and entry["frame"] is None
    assert (entry["name"], entry["zone"], entry["shape"]) == ("grid 0", "back_middle", [19, 27])
    (entry,) = maps.snapshot([_frame(1, 0)], 0)
    assert entry["frame"] == 1 and maps.encoded == 1
    # Frames at 25 Hz, documents every 40 ms: at most one new heat map per 100 ms.
    shown = []
    for k in range(1, 26):
        t_ms = 40 * k
        (entry,) = maps.snapshot([_frame(1 + k, t_ms)], t_ms)
        shown.append(entry["frame"])
    assert maps.encoded == 1 + 10  # one second later: ten more, not 25
    assert shown[0] == 1  # 40 ms after the first: the old one is still shown
    # The same frame again is not encoded again, however late.
    (entry,) = maps.snapshot([_frame(26, 1000)], 5000)
    count = maps.encoded
    maps.snapshot([_frame(26, 1000)], 9000)
    assert maps.encoded == count


def test_a_broken_frame_says_so_and_the_next_good_one_is_shown() -> None:
    maps = GridHeatMaps([BACK_GRID], period_ms=0)
    bad = GridFrame(0, 10, 5, np.zeros((3, 3), dtype=np.uint16))
    (entry,) = maps.snapshot([bad], 10)
    assert entry["cells"] is None and "not the grid's 19 x 27" in entry["error"]
    (entry,) = maps.snapshot([_frame(6, 20)], 20)
    assert entry["error"] is None and _cells(entry).shape == (19, 27)


def test_the_gesture_on_the_grid_zone_goes_with_its_heat_map() -> None:
    maps = GridHeatMaps([BACK_GRID])
    stroke = {"type": "gesture", "gesture": "stroke", "zones": ["back_middle"]}
    maps.on_event(BrainEvent(500, "touch", {**stroke, "direction": "with_fur"}))
    maps.on_event(
        BrainEvent(600, "touch", {"type": "gesture", "gesture": "pat", "zones": ["head"]})
    )
    maps.on_event(BrainEvent(700, "decision", {"behaviour": "purr"}))
    (entry,) = maps.snapshot([None], 800)
    assert entry["gesture"] == {
        "t_ms": 500,
        "gesture": "stroke",
        "direction": "with_fur",
        "ongoing": False,
    }


def test_the_config_says_where_the_mat_lies_on_the_drawing() -> None:
    (config,) = grids_config([BACK_GRID])
    assert config["drawn"] == [19, 27] and config["shape"] == [19, 27]
    assert config["x0"] == 70.0 + 145.0 and config["x1"] == 70.0 + 145.0 + 260.0
    assert config["y"] == 142.0
