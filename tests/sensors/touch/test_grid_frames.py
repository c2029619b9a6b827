"""Reassembling taxel grid frames from TOUCH_GRID chunks: every edge case counted, none raising."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from firmware import wire
from sensors.touch.events import TouchGesture, TouchOnset
from sensors.touch.grid_frames import GridFrameAssembler, GridTouch
from sensors.touch.skin import TaxelGrid

GRID = TaxelGrid("back_middle", 19, 27, 10.0, 10.0, origin_mm=145.0)
OTHER = TaxelGrid("belly", 4, 6, 15.0, 20.0)


def frame_cells(number: int, rows: int = 19, cols: int = 27) -> list[int]:
    return [(number * 7 + i) % 256 for i in range(rows * cols)]


def chunks(number: int, t_ms: int = 0, grid: int = 0) -> list[wire.TouchGrid]:
    g = (GRID, OTHER)[grid]
    return wire.grid_chunks(t_ms, grid, number, g.rows, g.cols, frame_cells(number, *g.shape))


def test_a_frame_is_handed_out_once_all_its_rows_arrived_in_any_order() -> None:
    assembler = GridFrameAssembler([GRID, OTHER])
    first, second = chunks(5, t_ms=1200)
    assert assembler.feed(second) is None
    frame = assembler.feed(first)
    assert frame is not None
    assert (frame.index, frame.t_ms, frame.number) == (0, 1200, 5)
    assert frame.cells.shape == (19, 27)
    assert frame.cells.ravel().tolist() == frame_cells(5)
    (only,) = chunks(9, grid=1)  # a small grid: one chunk is a whole frame
    belly = assembler.feed(only)
    assert belly is not None and belly.index == 1 and belly.cells.shape == (4, 6)
    assert assembler.stats.as_json() == {
        "chunks": 3,
        "frames": 2,
        "unknown_grid": 0,
        "wrong_shape": 0,
        "stale": 0,
        "incomplete": 0,
        "duplicate_rows": 0,
    }


def test_a_lost_chunk_drops_its_frame_and_the_next_frame_comes_whole() -> None:
    assembler = GridFrameAssembler([GRID])
    assembler.feed(chunks(1)[0])  # the second chunk of frame 1 is lost
    a, b = chunks(2)
    assert assembler.feed(a) is None
    frame = assembler.feed(b)
    assert frame is not None and frame.number == 2
    assert frame.cells.ravel().tolist() == frame_cells(2)  # nothing of frame 1 mixed in
    assert assembler.stats.dropped["incomplete"] == 1


def test_a_late_chunk_of_an_older_frame_is_stale_and_the_newer_frame_goes_on() -> None:
    assembler = GridFrameAssembler([GRID])
    old_a, old_b = chunks(10)
    new_a, new_b = chunks(11)
    assembler.feed(old_a)
    assembler.feed(new_a)  # frame 10 incomplete: 11 is newer
    assert assembler.feed(old_b) is None  # late
    frame = assembler.feed(new_b)
    assert frame is not None and frame.number == 11
    assert assembler.stats.dropped["stale"] == 1
    assert assembler.stats.dropped["incomplete"] == 1


def test_a_duplicated_chunk_is_not_taken_twice() -> None:
    assembler = GridFrameAssembler([GRID])
    a, b = chunks(3)
    assembler.feed(a)
    assert assembler.feed(a) is None
    assert assembler.feed(b) is not None
    assert assembler.stats.dropped["duplicate_rows"] == 1 and assembler.stats.frames == 1


def test_frame_numbers_wrap_and_a_restarted_body_is_followed() -> None:
    assembler = GridFrameAssembler([GRID])
    for number in (65534, 65535, 0, 1):
        a, b = chunks(number)
        assembler.feed(a)
        assert assembler.feed(b) is not None, number
    assembler.feed(chunks(40000)[0])  # then the body reboots and numbers from 1 again
    a, b = chunks(1)
    assembler.feed(a)
    assert assembler.feed(b) is not None
    assert assembler.stats.frames == 5
    assert assembler.stats.dropped["stale"] == 0


def test_an_unknown_grid_or_a_wrong_shape_is_one_clear_line_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assembler = GridFrameAssembler([GRID])
    wrong = wire.grid_chunks(0, 0, 1, 20, 27, [0] * (20 * 27))
    with caplog.at_level(logging.ERROR):
        for number in range(3):
            for chunk in chunks(number, grid=1):
                assert assembler.feed(chunk) is None
            for chunk in wrong:
                assert assembler.feed(chunk) is None
    stats = assembler.stats.dropped
    assert stats["unknown_grid"] == 3 and stats["wrong_shape"] == 6
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "touch grid: the body sends taxel grid 1, the robot config declares 1 grid(s): "
        "its frames are ignored",
        "touch grid: taxel grid 0 (back_middle): the body sends 20 x 27 frames, the robot "
        "config says 19 x 27: its frames are ignored",
    ]
    a, b = chunks(7)  # the configured grid still works
    assembler.feed(a)
    assert assembler.feed(b) is not None


def test_grid_touch_names_a_press_on_its_zone_from_the_first_frame() -> None:
    touch = GridTouch([GRID], model=None)  # the hand-tuned rules: no model file needed
    pressed = np.zeros((19, 27), dtype=np.int64)
    pressed[8:12, 10:14] = 200
    events = []
    for number in range(1, 30):
        cells = pressed if 5 <= number < 15 else np.zeros_like(pressed)
        t_ms = number * 100
        for chunk in wire.grid_chunks(t_ms, 0, number, 19, 27, cells.ravel().tolist()):
            events += touch.feed(chunk)
    onsets = [e for e in events if isinstance(e, TouchOnset)]
    gestures = [e for e in events if isinstance(e, TouchGesture)]
    assert [(o.t_ms, o.zone) for o in onsets] == [(500, "back_middle")]
    assert len(gestures) == 1 and gestures[0].zones == ("back_middle",)
    assert touch.stats.frames == 29
    touch.reset()
    assert touch.stats.frames == 29  # counters stay; frames in progress and episodes go
