"""Small pin-level drivers: direct-PWM servos, the vibration motor, native touch pads, battery.

Every class takes already-made ``machine`` objects (PWM, TouchPad, ADC) so
only ``main.py`` touches ``machine``.
"""


class PwmServos:
    """Servo driver for ``ServoBank`` with one 50 Hz PWM output per servo (ESP32-S3)."""

    def __init__(self, pwms, centre_us=1500, us_per_deg=1000 / 90, trims_us=None):
        self.pwms = pwms  # servo channel -> PWM with duty_ns()
        self.centre_us = centre_us
        self.us_per_deg = us_per_deg
        self.trims_us = trims_us or {}

    def write(self, channel, angle_cdeg):
        """Drive ``channel`` to ``angle_cdeg``."""
        pwm = self.pwms.get(channel)
        if pwm is None:
            return
        us = self.centre_us + self.trims_us.get(channel, 0) + angle_cdeg * self.us_per_deg / 100
        us = 500 if us < 500 else 2500 if us > 2500 else us
        pwm.duty_ns(int(us * 1000))

    def release(self, channel):
        """No pulses: the servo goes limp."""
        pwm = self.pwms.get(channel)
        if pwm is not None:
            pwm.duty_ns(0)


class PwmMotor:
    """Vibration motor on a PWM pin through a MOSFET: ``duty(0.0..1.0)``."""

    def __init__(self, pwm, min_duty=0.0):
        self.pwm = pwm
        # Below this the motor stalls and only heats; small levels jump to it.
        self.min_duty = min_duty
        self.level = 0.0

    def duty(self, fraction):
        """Set the motor's duty cycle."""
        fraction = 0.0 if fraction <= 0 else min(1.0, max(self.min_duty, fraction))
        if fraction != self.level:
            self.level = fraction
            self.pwm.duty_u16(int(fraction * 65535))


class NativeTouchPads:
    """The ESP32-S3's own touch channels; its counts rise when touched (``invert`` for ESP32)."""

    def __init__(self, pads, invert=False, full_scale=0x3FFFFF):
        self.pads = pads  # list of machine.TouchPad
        self.pad_count = len(pads)
        self.invert = invert
        self.full_scale = full_scale

    def read(self):
        """One count per pad, larger = more touch."""
        if self.invert:
            return [self.full_scale - pad.read() for pad in self.pads]
        return [pad.read() for pad in self.pads]


class Battery:
    """Battery voltage through a resistor divider on an ADC pin (``read_u16`` 0..65535)."""

    def __init__(self, adc, divider_ratio=2.0, adc_ref_mv=3300, samples=8, offset_mv=0):
        self.adc = adc
        # (R_top + R_bottom) / R_bottom of the divider in front of the pin.
        self.divider_ratio = divider_ratio
        self.adc_ref_mv = adc_ref_mv
        self.samples = samples
        self.offset_mv = offset_mv  # per-board correction measured with a multimeter

    def read_mv(self):
        """Mean battery voltage in millivolts over ``samples`` readings."""
        # ESP32 ports offer read_uv(), calibrated against the chip's eFuse; rp2 only read_u16().
        read_uv = getattr(self.adc, "read_uv", None)
        total = 0
        for _ in range(self.samples):
            total += read_uv() if read_uv is not None else self.adc.read_u16()
        mean = total / self.samples
        pin_mv = mean / 1000 if read_uv is not None else mean * self.adc_ref_mv / 65535
        return int(pin_mv * self.divider_ratio) + self.offset_mv
