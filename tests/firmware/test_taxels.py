"""The taxel grid on the body: the pico_grid profile's drivers against the virtual mat's wiring,
the scanner's per-pass budget, and TOUCH_GRID streaming (newest wins, older brains spared)."""

from __future__ import annotations

import numpy as np
from memory_port import MemoryPort

from firmware import boards, main, wire
from sim.fake_machine import FakeMachine, FakeMPR121, FakeMPU6050, FakePCA9685, battery_u16
from sim.taxel_mat import VirtualTaxelMat


def grid_body(pressed: tuple[int, int] | None, now: list[int]) -> tuple[object, VirtualTaxelMat]:
    """The pico_grid body on a fake machine whose GPIOs are wired to a virtual mat."""
    machine = FakeMachine()
    for chip in (FakePCA9685(), FakeMPR121(0x5A), FakeMPU6050()):
        machine.attach(chip)
    machine.analog_u16[26] = battery_u16(3900)

    def pressure(t_ms: int) -> np.ndarray:
        frame = np.zeros((19, 27))
        if pressed is not None and t_ms >= 500:
            frame[pressed] = 1.0
        return frame

    (conf,) = boards.PICO_GRID["grids"]
    mat = VirtualTaxelMat(conf, pressure, lambda: now[0], seed=1, noise_counts=20.0)
    machine.pin_listeners.append(mat.pin_written)
    machine.analog_readers.update(mat.readers())
    body = main.build(machine, boards.PICO_GRID, port=MemoryPort())
    return body, mat


def test_the_grid_profile_builds_a_body_that_scans_8_pads_and_a_19_by_27_mat() -> None:
    body, _ = grid_body(None, [0])
    assert body.scanner.pad_count == 8  # type: ignore[attr-defined]
    (grid,) = body.grids  # type: ignore[attr-defined]
    assert (grid.rows, grid.cols, grid.period_ms, grid.rows_per_scan) == (19, 27, 100, 4)
    assert body.capabilities() & wire.CAP_TOUCH_GRID  # type: ignore[attr-defined]


def test_a_pressed_taxel_reads_at_its_row_and_column_through_the_real_drivers() -> None:
    now = [0]
    body, mat = grid_body((12, 20), now)
    (grid,) = body.grids  # type: ignore[attr-defined]
    frames = []
    for t in range(0, 800, 10):
        now[0] = t
        reads = mat.reads
        cells = grid.scan(t)
        # The scan budget: at most rows_per_scan rows (27 ADC reads each) per pass.
        assert mat.reads - reads <= grid.rows_per_scan * 27
        if cells is not None:
            frames.append((t, np.array(cells).reshape(19, 27)))
    assert [t for t, _ in frames] == [40, 140, 240, 340, 440, 540, 640, 740]
    quiet = frames[4][1]  # before the press (and after the 4 settling frames)
    assert quiet.max() <= 2
    pressed = frames[-1][1]
    assert np.unravel_index(int(np.argmax(pressed)), pressed.shape) == (12, 20)
    assert pressed[12, 20] > 150 and np.sort(pressed.ravel())[-2] <= 2


def test_the_body_streams_grid_chunks_one_per_pass_to_a_minor_3_brain_only() -> None:
    for minor, expect_grid in ((3, True), (2, False)):
        now = [0]
        body, _ = grid_body((5, 5), now)
        port = body.link.port  # type: ignore[attr-defined]
        port.rx += wire.encode(wire.Hello(wire.PROTOCOL_MAJOR, minor), 1)
        per_pass = []
        for t in range(0, 1000, 10):
            now[0] = t
            before = len(port.tx)
            body.tick(t)  # type: ignore[attr-defined]
            sent = wire.Decoder().feed(bytes(port.tx[before:]))
            per_pass.append(sum(isinstance(m, wire.TouchGrid) for m in sent))
            port.rx += wire.encode(wire.Heartbeat(t), t + 2)
        assert max(per_pass) <= 1
        assert (sum(per_pass) > 0) is expect_grid
        if expect_grid:
            chunks = [
                m for m in wire.Decoder().feed(bytes(port.tx)) if isinstance(m, wire.TouchGrid)
            ]
            assert sum(per_pass) == len(chunks) and len(chunks) % 2 == 0
            assert {(c.row_start, c.row_count) for c in chunks} == {(0, 10), (10, 9)}
            assert body.grid_frames_dropped == 0  # type: ignore[attr-defined]


def test_a_slow_mat_slows_the_grid_not_the_loop_a_pass_stops_at_its_time_budget() -> None:
    from firmware.taxels import GridScanner

    clock_us = [0]

    class SlowMatrix:
        """Each row takes 900 us (a slow ADC)."""

        def read_row(self, row: int) -> list[int]:
            clock_us[0] += 900
            return [1000] * 5

        def release(self) -> None:
            pass

    scanner = GridScanner(
        SlowMatrix(),
        8,
        5,
        rows_per_scan=4,
        budget_us=2000,
        ticks_us=lambda: clock_us[0],
        ticks_diff=lambda a, b: a - b,
    )
    rows_per_pass = []
    done_at = None
    for t in range(0, 100, 10):
        before = clock_us[0]
        if scanner.scan(t) is not None and done_at is None:
            done_at = t
        rows_per_pass.append((clock_us[0] - before) // 900)
    # 3 rows reach 2700 us > 2000: the pass stops there; 8 rows take 3 passes, not 2.
    assert rows_per_pass[:3] == [3, 3, 2] and done_at == 20
