"""MPR121 12-electrode capacitive touch controller; several chips make one pad array.

The chip's filtered counts *fall* when a pad is touched; ``MPR121Pads``
inverts them so the ``TouchScanner`` sees larger = more touch. Baseline
tracking is done by the scanner, not the chip, so every profile behaves alike.
"""

_FILTERED_DATA = 0x04
_MHDR = 0x2B
_CDC_CONFIG = 0x5C
_CDT_CONFIG = 0x5D
_ECR = 0x5E
_SOFT_RESET = 0x80
_SOFT_RESET_VALUE = 0x63
_MAX_COUNT = 1023


class MPR121:
    """One chip on ``i2c`` at ``address`` (0x5A..0x5D) scanning ``electrodes`` pads."""

    def __init__(self, i2c, address=0x5A, electrodes=12, charge_current_ua=16):
        self.i2c = i2c
        self.address = address
        self.electrodes = electrodes
        self._buf = bytearray(2 * electrodes)
        self.reset(charge_current_ua)

    def _write(self, reg, value):
        self.i2c.writeto_mem(self.address, reg, bytes((value,)))

    def reset(self, charge_current_ua=16):
        """Soft reset, configure, then run ``electrodes`` electrodes.

        The chip's own baseline runs (CL=10 in ECR) but is never read: the
        scanner reads filtered data and tracks drift itself, alike on every board.
        """
        self._write(_SOFT_RESET, _SOFT_RESET_VALUE)
        self._write(_ECR, 0x00)  # stop mode: configuration is only accepted while stopped
        # Baseline filter rising/falling (MHD, NHD, NCL, FDL): slow, it only matters to the chip.
        self.i2c.writeto_mem(self.address, _MHDR, bytes((1, 1, 0, 0, 1, 1, 0xFF, 2)))
        # FFI = 10 samples per first-level filter; charge current in uA (1..63).
        self._write(_CDC_CONFIG, 0x40 | max(1, min(63, charge_current_ua)))
        # 0.5 us charge time, SFI = 4 samples, ESI = 1 ms: a fresh value every ~4 ms (100 Hz scans).
        self._write(_CDT_CONFIG, 0x20)
        self._write(_ECR, 0x80 | self.electrodes)  # run, CL=10

    def filtered(self):
        """The 10-bit filtered count of every electrode (falls when touched)."""
        buf = self._buf
        self.i2c.readfrom_mem_into(self.address, _FILTERED_DATA, buf)
        out = []
        for i in range(self.electrodes):
            out.append((buf[2 * i] | (buf[2 * i + 1] << 8)) & _MAX_COUNT)
        return out


class MPR121Pads:
    """Pads spread over several chips: ``pad_map[i] = (chip_index, electrode)``."""

    def __init__(self, chips, pad_map):
        self.chips = chips
        self.pad_map = pad_map
        self.pad_count = len(pad_map)

    def read(self):
        """One count per pad, larger = more touch (inverted from the chip's counts)."""
        readings = [chip.filtered() for chip in self.chips]
        return [_MAX_COUNT - readings[chip][electrode] for chip, electrode in self.pad_map]
