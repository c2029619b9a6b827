"""Self-test checks of the taxel grid path (TOUCH_GRID, the mat drivers, the body's pacing).

Part of ``firmware/selftest.py`` (its ``CHECKS``), so they run under MicroPython
(WASI and the Unix port) and CPython alike; kept small for the WASI heap.
"""

from firmware import wire


class _Pin:
    """A GPIO that tells ``chip`` of every write (no allocation: the WASI heap is small)."""

    def __init__(self, chip, name):
        self.chip = chip
        self.name = name
        self.level = 0

    def value(self, level=None):
        if level is not None:
            self.level = level
            self.chip.written(self.name, level)
        return self.level


class _Mat:
    """A 19 x 27 mat behind three 74HC595s and two 16-channel muxes, as bits.

    The taxel at (row, col) reads 1000 + 300 * row + col, plus 40000 at ``pressed``.
    """

    def __init__(self):
        self.shift = 0
        self.out = 0
        self.channel = 0
        self.pressed = None
        self.data = _Pin(self, "d")
        self.clock = _Pin(self, "c")
        self.latch = _Pin(self, "l")
        self.selects = [_Pin(self, i) for i in range(4)]

    def written(self, name, level):
        if name == "c" and level:
            self.shift = ((self.shift << 1) | self.data.level) & 0xFFFFFF
        elif name == "l" and level:
            self.out = self.shift
        elif name in (0, 1, 2, 3):
            bit = 1 << name
            self.channel = (self.channel | bit) if level else (self.channel & ~bit)

    def row(self):
        """The one driven row, or -1 (none, or several)."""
        out = self.out
        if out == 0 or out & (out - 1):
            return -1
        row = 0
        while out > 1:
            out >>= 1
            row += 1
        return row

    def reading(self, mux):
        row = self.row()
        col = mux * 16 + self.channel
        if row < 0 or col >= 27:
            return 0
        value = 1000 + 300 * row + col
        if self.pressed is not None and self.pressed[0] == row and self.pressed[1] == col:
            value += 40000
        return value


class _Adc:
    def __init__(self, mat, mux):
        self.mat = mat
        self.mux = mux

    def read_u16(self):
        return self.mat.reading(self.mux)


def check_taxel_grid_scan_and_chunks():
    """The mat drivers read the right taxel; a 19 x 27 frame goes as 2 chunks and comes back."""
    from firmware.taxels import GridScanner, MuxTaxelMatrix, ShiftRegisterRows

    mat = _Mat()
    rows = ShiftRegisterRows(mat.data, mat.clock, mat.latch, 19)
    assert mat.out == 0
    matrix = MuxTaxelMatrix(rows, mat.selects, [_Adc(mat, 0), _Adc(mat, 1)], 27)
    row = matrix.read_row(7)
    assert mat.row() == 7
    assert row[0] == 1000 + 2100 and row[26] == 1000 + 2100 + 26
    matrix.read_row(8)  # the walking bit: one clock, one latch
    assert mat.row() == 8
    # Scanning (6 of the 19 rows, to spare the WASI heap): a frame every 100 ms, 2 rows a pass.
    scanner = GridScanner(matrix, 6, 27, index=1, period_ms=100, rows_per_scan=2, settle_frames=1)
    done = []
    for now_ms in range(0, 300, 10):
        if now_ms == 200:
            mat.pressed = (5, 26)
        cells = scanner.scan(now_ms)
        if cells is not None:
            done.append((now_ms, scanner.frame, sum(cells), cells[5 * 27 + 26]))
    # Frame 1 settles, frame 2 is untouched, frame 3 feels the press (40000 >> 8).
    assert done == [(20, 1, 0, 0), (120, 2, 0, 0), (220, 3, 156, 156)], done
    # Chunks of a full 19 x 27 frame: 10 + 9 rows, each one frame, reassembled in order.
    cells = [i & 0xFF for i in range(19 * 27)]
    chunks = wire.grid_chunks(200, 1, 3, 19, 27, cells)
    assert [(c.row_start, c.row_count) for c in chunks] == [(0, 10), (10, 9)]
    decoder = wire.Decoder()
    start = 0
    for chunk in chunks:
        (got,) = decoder.feed(wire.encode(chunk))
        assert got == chunk and got.row_start * 27 == start
        assert list(got.cells) == cells[start : start + len(got.cells)]
        start += len(got.cells)
    assert start == 19 * 27
    assert wire.grid_rows_per_chunk(27) == 18 and wire.grid_rows_per_chunk(27, True) == 9


def check_touch_grid_bad_payloads():
    """A truncated, ragged or out-of-range TOUCH_GRID is dropped as a framing error."""
    import struct

    fmt = wire.GRID_HEADER_FORMAT
    head = struct.pack(fmt, 5, 0, 1, 0, 19, 4, 0)
    bad = [
        head[:7],  # truncated header
        head,  # no cells
        head + bytes(3),  # not a whole row
        head + bytes(4 * 3 + 1),
        struct.pack(fmt, 5, 0, 1, 17, 19, 4, 0) + bytes(4 * 3),  # rows past the frame's end
        struct.pack(fmt, 5, 0, 1, 0, 19, 4, 2) + bytes(4),  # unknown flags
        struct.pack(fmt, 5, 0, 1, 0, 19, 0, 0),  # no columns
        struct.pack(fmt, 5, 0, 1, 0, 19, 4, 1) + bytes(4),  # half a wide row
    ]
    decoder = wire.Decoder()
    for payload in bad:
        body = struct.pack("<BBHH", wire.PROTOCOL_MAJOR, wire.TOUCH_GRID, 1, len(payload))
        body += payload
        frame = wire.cobs_encode(body + struct.pack("<H", wire.crc16(body))) + b"\x00"
        assert decoder.feed(frame) == [], payload
    assert decoder.framing_errors == len(bad)


def check_body_paces_grid_chunks():
    """The body sends a grid frame one chunk per pass, only to a brain of minor >= 3."""
    from firmware.body import Body

    class Scanner:
        def __init__(self, rows, cols, index):
            self.rows = rows
            self.cols = cols
            self.index = index
            self.wide = False
            self.frame = 0
            self.frame_t_ms = 0
            self.errors = 0
            self.pad_count = 0

        def scan(self, now_ms):
            self.frame += 1
            self.frame_t_ms = now_ms
            return [1] * (self.rows * self.cols)

    class Link:
        def __init__(self, minor):
            self.brain_minor = minor
            self.sent = []

        def send(self, message):
            self.sent.append(message)

    for minor, expect in ((2, 0), (3, 1)):
        link = Link(minor)
        body = Body(link, None, Scanner(0, 0, 0), None, grids=[Scanner(19, 27, 0)])
        body.session = True
        body.scan_grids(0)
        assert len(link.sent) == expect, (minor, link.sent)
        assert body.capabilities() & wire.CAP_TOUCH_GRID
    # A new frame before the last one's chunks all went: the newest wins, counted.
    body.scan_grids(10)
    assert body.grid_frames_dropped == 1
    assert [m.frame for m in link.sent] == [1, 2]


CHECKS = [
    check_taxel_grid_scan_and_chunks,
    check_touch_grid_bad_payloads,
    check_body_paces_grid_chunks,
]
