"""Taxel grids: a pressure mat scanned row by row and streamed as TOUCH_GRID chunks.

A piezoresistive mat (velostat or a printed sensor between two sets of
electrode strips) is read like a keyboard matrix. One row strip at a time is
driven high; each column strip goes to ground through a resistor, so its
voltage rises with the pressure on the crossing taxel; the columns are read
through analogue multiplexers (CD74HC4067: 16 channels, 4 shared select
lines) into the ADC. The rows come off chained 74HC595 shift registers, so
19 rows cost three pins: one bit walks through the register, one clock per
row (see docs/hardware.md for the wiring).

``ShiftRegisterRows`` and ``MuxTaxelMatrix`` take ``machine`` pins and ADCs
made by ``main.py``; ``GridScanner`` is free of ``machine``: it scans at most
``rows_per_scan`` rows per call, so a 513-taxel frame is spread over several
passes of the touch task and never starves the pads or the servos.
"""


class ShiftRegisterRows:
    """Row drive through chained 74HC595s: ``drive(row)`` puts row ``row`` high, alone.

    Outputs Q0.. of the first register are rows 0..; a walking bit makes
    the next row one clock and one latch. ``count`` is the number of rows.
    """

    def __init__(self, data_pin, clock_pin, latch_pin, count):
        self.data = data_pin
        self.clock = clock_pin
        self.latch = latch_pin
        self.count = count
        self.driven = -1  # the row whose output is high (-1: none)
        self.data.value(0)
        self.clock.value(0)
        self.latch.value(0)
        self.release()

    def _shift(self, bit):
        self.data.value(bit)
        self.clock.value(1)
        self.clock.value(0)

    def _latch(self):
        self.latch.value(1)
        self.latch.value(0)

    def drive(self, row):
        """Put ``row`` high and every other row low."""
        if row == self.driven + 1 and self.driven >= 0:
            self._shift(0)  # the walking bit moves one output on
        else:
            for i in range(self.count - 1, -1, -1):
                self._shift(1 if i == row else 0)
        self._latch()
        self.driven = row

    def release(self):
        """Every row low (the mat draws no current between scans)."""
        for _ in range(self.count):
            self._shift(0)
        self._latch()
        self.driven = -1


class MuxTaxelMatrix:
    """Reads a mat row: ``read_row(row)`` returns one ADC reading (0..65535) per column.

    Column ``c`` is channel ``c % channels`` of multiplexer ``c // channels``;
    ``select_pins`` (S0 first) are shared by every multiplexer and ``adcs``
    holds one ADC per multiplexer. ``sleep_us(settle_us)`` lets a row settle
    after it is driven (the mat and the mux have some capacitance).
    """

    def __init__(self, rows, select_pins, adcs, cols, channels=16, settle_us=0, sleep_us=None):
        if cols > channels * len(adcs):
            raise ValueError("%d columns need more than %d multiplexers" % (cols, len(adcs)))
        self.rows = rows
        self.select_pins = select_pins
        self.adcs = adcs
        self.cols = cols
        self.channels = channels
        self.settle_us = settle_us
        self.sleep_us = sleep_us
        self._channel = -1
        self._out = [0] * cols

    def _select(self, channel):
        # Only the lines that change are written; no iterator objects (no garbage per taxel).
        changed = channel ^ self._channel if self._channel >= 0 else 0xFFFF
        pins = self.select_pins
        for bit in range(len(pins)):
            if changed & (1 << bit):
                pins[bit].value((channel >> bit) & 1)
        self._channel = channel

    def read_row(self, row):
        """Drive ``row`` and read every column; the returned list is reused."""
        self.rows.drive(row)
        if self.settle_us and self.sleep_us is not None:
            self.sleep_us(self.settle_us)
        out = self._out
        cols = self.cols
        channels = self.channels
        adcs = self.adcs
        for channel in range(channels):
            if channel >= cols:
                break
            self._select(channel)
            col = channel
            for adc in adcs:
                if col >= cols:
                    break
                out[col] = adc.read_u16()
                col += channels
        return out

    def release(self):
        """Stop driving the rows."""
        self.rows.release()


class GridScanner:
    """Frames of one taxel grid: baseline-tracked, scaled, ``rows_per_scan`` rows per call.

    ``scan(now_ms)`` starts a frame every ``period_ms`` and returns the
    finished frame's cells (row-major, 0..``max_value``) on the call that
    reads its last row, else None. A call reads at most ``rows_per_scan``
    rows, and with ``budget_us`` (and the board's ``ticks_us``/``ticks_diff``)
    stops after the row that takes it past that many microseconds. A cell's
    value is its rise above its untouched baseline, shifted right by
    ``value_shift`` (16-bit ADC counts to 0..255 with the default 8). The
    baseline follows the cell slowly while it reads below ``touch_threshold``
    counts above it, and freezes under a touch, as the pad scanner does.
    """

    def __init__(
        self,
        matrix,
        rows,
        cols,
        index=0,
        period_ms=100,
        rows_per_scan=4,
        touch_threshold=1024,
        baseline_shift=4,
        value_shift=8,
        max_value=255,
        settle_frames=4,
        budget_us=0,
        ticks_us=None,
        ticks_diff=None,
    ):
        self.matrix = matrix
        self.rows = rows
        self.cols = cols
        self.index = index  # the grid's number on the wire (TOUCH_GRID.grid)
        self.period_ms = period_ms
        # Rows read per call: the touch task's time budget for the mat.
        self.rows_per_scan = rows_per_scan
        self.touch_threshold = touch_threshold
        self.baseline_shift = baseline_shift
        self.value_shift = value_shift
        self.max_value = max_value
        self.wide = max_value > 255
        self.settle_frames = settle_frames
        # Time budget of one call (0: rows only): once a row ends past it, the rest of the
        # frame waits for the next call, so a slow bus slows the grid, never the pads.
        self.budget_us = budget_us if ticks_us is not None and ticks_diff is not None else 0
        self.ticks_us = ticks_us
        self.ticks_diff = ticks_diff
        self.cells = [0] * (rows * cols)
        self.frame = 0  # number of the last finished frame (wraps at 2**16)
        self.frame_t_ms = 0  # when the last finished frame's scan began
        self.errors = 0
        self._base = None
        self._frames = 0
        self._row = -1  # the next row to read (-1: between frames)
        self._t_ms = 0
        self._next_ms = 0

    def scan(self, now_ms):
        """Read the next rows (at most ``rows_per_scan``); the cells when a frame is done."""
        if self._row < 0:
            if now_ms < self._next_ms:
                return None
            # Keep the rate; after a stall, start afresh rather than catch up.
            due = self._next_ms + self.period_ms
            self._next_ms = due if due > now_ms else now_ms + self.period_ms
            self._row = 0
            self._t_ms = now_ms
        cols = self.cols
        if self._base is None:
            self._base = [0] * (self.rows * cols)
        base = self._base
        cells = self.cells
        shift = self.baseline_shift
        vshift = self.value_shift
        top = self.max_value
        threshold = self.touch_threshold
        settling = self._frames < self.settle_frames
        end = self._row + self.rows_per_scan
        end = min(end, self.rows)
        budget = self.budget_us
        started = self.ticks_us() if budget else 0
        try:
            row = self._row
            while row < end:
                raw = self.matrix.read_row(row)
                i = row * cols
                for c in range(cols):
                    value = raw[c]
                    if self._frames == 0:
                        base[i] = value << shift
                    baseline = base[i] >> shift
                    delta = value - baseline
                    if settling or delta < threshold:
                        base[i] += value - baseline
                    if settling or delta <= 0:
                        cells[i] = 0
                    else:
                        delta >>= vshift
                        cells[i] = top if delta > top else delta
                    i += 1
                row += 1
                if budget and self.ticks_diff(self.ticks_us(), started) >= budget:
                    end = row  # out of time: the next call goes on from here
        except OSError:
            # A bus or ADC error: this frame is abandoned, counted, reported as FAULT_TOUCH.
            self.errors += 1
            self._row = -1
            self.matrix.release()
            return None
        if end < self.rows:
            self._row = end
            return None
        self._row = -1
        self.matrix.release()
        self._frames += 1
        self.frame = (self.frame + 1) & 0xFFFF
        self.frame_t_ms = self._t_ms
        return cells
