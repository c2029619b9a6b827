"""PCA9685 16-channel PWM driver as a servo driver: ``write(channel, angle_cdeg)``, ``release``.

Takes its I2C bus as an argument (no hardware at import time). Angle 0 is the
servo's centre pulse; ``us_per_deg`` maps degrees to pulse width.
"""

_MODE1 = 0x00
_MODE2 = 0x01
_LED0_ON_L = 0x06
_PRESCALE = 0xFE
_MODE1_SLEEP = 0x10
_MODE1_AUTO_INCREMENT = 0x20
_MODE1_RESTART = 0x80
_MODE2_TOTEM_POLE = 0x04
_FULL_OFF = 0x10
_OSCILLATOR_HZ = 25000000


class PCA9685:
    """The chip: frequency set-up and raw 12-bit on/off counts per channel."""

    def __init__(self, i2c, address=0x40, freq_hz=50, sleep_us=None):
        self.i2c = i2c
        self.address = address
        self.freq_hz = freq_hz
        self._sleep_us = sleep_us
        self.reset()

    def _write(self, reg, data):
        self.i2c.writeto_mem(self.address, reg, bytes(data))

    def reset(self):
        """Sleep, set the prescaler for ``freq_hz``, wake with every output off."""
        prescale = int(_OSCILLATOR_HZ / (4096 * self.freq_hz) + 0.5) - 1
        prescale = max(3, min(255, prescale))
        self._write(_MODE1, (_MODE1_SLEEP,))
        self._write(_PRESCALE, (prescale,))
        self._write(_MODE2, (_MODE2_TOTEM_POLE,))
        self._write(_MODE1, (_MODE1_AUTO_INCREMENT,))
        if self._sleep_us is not None:
            self._sleep_us(500)  # oscillator start-up before RESTART
        self._write(_MODE1, (_MODE1_AUTO_INCREMENT | _MODE1_RESTART,))
        for channel in range(16):
            self.off(channel)

    def set_counts(self, channel, on, off):
        """Raw on/off counts (0..4095) of one channel."""
        self._write(
            _LED0_ON_L + 4 * channel, (on & 0xFF, (on >> 8) & 0x0F, off & 0xFF, (off >> 8) & 0x0F)
        )

    def set_pulse_us(self, channel, pulse_us):
        """Output a pulse of ``pulse_us`` every period on ``channel``."""
        counts = int(pulse_us * 4096 * self.freq_hz / 1000000 + 0.5)
        self.set_counts(channel, 0, max(0, min(4095, counts)))

    def off(self, channel):
        """Hold ``channel`` low (a servo without pulses goes limp)."""
        self._write(_LED0_ON_L + 4 * channel, (0, 0, 0, _FULL_OFF))


class PCA9685Servos:
    """Servo driver for ``ServoBank`` on a PCA9685: cdeg to pulse width, per-channel trim."""

    def __init__(self, chip, centre_us=1500, us_per_deg=1000 / 90, trims_us=None, outputs=None):
        self.chip = chip
        self.centre_us = centre_us
        self.us_per_deg = us_per_deg
        self.trims_us = trims_us or {}
        # Servo channel -> PCA9685 output (defaults to the same number).
        self.outputs = outputs or {}

    def pulse_us(self, channel, angle_cdeg):
        """Pulse width for ``angle_cdeg`` on ``channel``, clamped to 500..2500 us."""
        us = self.centre_us + self.trims_us.get(channel, 0) + angle_cdeg * self.us_per_deg / 100
        return 500 if us < 500 else 2500 if us > 2500 else us

    def write(self, channel, angle_cdeg):
        """Drive ``channel`` to ``angle_cdeg``."""
        self.chip.set_pulse_us(
            self.outputs.get(channel, channel), self.pulse_us(channel, angle_cdeg)
        )

    def release(self, channel):
        """Let ``channel`` go limp."""
        self.chip.off(self.outputs.get(channel, channel))
