"""Touch pad scanning: raw capacitive counts to drift-corrected deltas.

A ``sensor`` object returns one raw count per pad from ``read()`` (larger =
more touch; drivers whose chip counts the other way invert in the driver).
The scanner tracks each pad's untouched baseline slowly, so humidity and
temperature drift do not read as touch, and freezes it while a pad is touched.
"""


class TouchScanner:
    """Baseline tracking and delta output for ``pad_count`` pads."""

    def __init__(self, sensor, pad_count, touch_threshold=40, baseline_shift=6, settle_scans=8):
        self.sensor = sensor
        self.pad_count = pad_count
        # Delta above which a pad counts as touched and its baseline freezes.
        self.touch_threshold = touch_threshold
        # Baseline follows untouched readings with weight 1 / 2**baseline_shift per scan.
        self.baseline_shift = baseline_shift
        self.settle_scans = settle_scans
        self._baseline = None
        self._scans = 0
        self.deltas = [0] * pad_count
        self.errors = 0

    def scan(self):
        """Read every pad once; return the list of deltas (also kept in ``deltas``)."""
        try:
            raw = self.sensor.read()
        except OSError:
            # A bus error is counted and reported upstream; the last deltas stay.
            self.errors += 1
            return self.deltas
        if self._baseline is None:
            self._baseline = [v << self.baseline_shift for v in raw]
        shift = self.baseline_shift
        base = self._baseline
        out = self.deltas
        self._scans += 1
        settling = self._scans <= self.settle_scans
        for i in range(self.pad_count):
            value = raw[i]
            baseline = base[i] >> shift
            delta = value - baseline
            if settling or delta < self.touch_threshold:
                # Untouched (or still settling): let the baseline follow slowly.
                base[i] += value - baseline
            out[i] = 0 if settling or delta < 0 else min(delta, 65535)
        return out
