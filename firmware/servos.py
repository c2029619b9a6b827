"""Servo bank: every target clamped to its range and slew-limited here, on the body.

Whatever the brain sends, a channel never leaves [min_cdeg, max_cdeg] and never
moves faster than ``max_speed_deg_per_s``. Torque is off until enabled.
Angles are in hundredths of a degree (cdeg) throughout.
"""


class ServoChannel:
    """One servo's calibration and motion state."""

    def __init__(
        self, channel, min_cdeg=-9000, max_cdeg=9000, rest_cdeg=0, max_speed_deg_per_s=180
    ):
        self.channel = channel
        self.min_cdeg = min_cdeg
        self.max_cdeg = max_cdeg
        self.rest_cdeg = rest_cdeg
        # Hard speed cap for this joint, whatever move time the brain asks for.
        self.max_speed_deg_per_s = max_speed_deg_per_s
        self.position_cdeg = rest_cdeg
        # Fractional position: slow moves advance less than 1 cdeg per update.
        self.position_exact = float(rest_cdeg)
        self.target_cdeg = rest_cdeg
        self.speed_cdeg_per_ms = 0.0

    def clamp(self, angle_cdeg):
        """Return ``angle_cdeg`` limited to the calibrated range."""
        lo = min(self.min_cdeg, self.max_cdeg)
        hi = max(self.min_cdeg, self.max_cdeg)
        return lo if angle_cdeg < lo else hi if angle_cdeg > hi else angle_cdeg


class ServoBank:
    """All servos of the body behind one ``driver``.

    The driver has ``write(channel, angle_cdeg)`` and ``release(channel)``.
    """

    def __init__(self, driver, channels):
        self.driver = driver
        self.channels = {}
        for ch in channels:
            self.channels[ch.channel] = ch
        self.torque = False
        self._last_ms = None

    def configure(self, channel, min_cdeg, max_cdeg, rest_cdeg, max_speed_deg_per_s):
        """Apply calibration from a CONFIG message; unknown channels are created."""
        ch = self.channels.get(channel)
        if ch is None:
            ch = ServoChannel(channel, min_cdeg, max_cdeg, rest_cdeg, max_speed_deg_per_s)
            self.channels[channel] = ch
        ch.min_cdeg = min_cdeg
        ch.max_cdeg = max_cdeg
        ch.rest_cdeg = ch.clamp(rest_cdeg)
        ch.max_speed_deg_per_s = max(1, max_speed_deg_per_s)
        ch.target_cdeg = ch.clamp(ch.target_cdeg)
        ch.position_cdeg = ch.clamp(ch.position_cdeg)
        ch.position_exact = float(ch.position_cdeg)

    def set_torque(self, enabled):
        """Enable or release every channel; releasing stops all motion at once."""
        self.torque = bool(enabled)
        if not self.torque:
            for ch in self.channels.values():
                ch.target_cdeg = ch.position_cdeg
                self.driver.release(ch.channel)

    def set_target(self, channel, angle_cdeg, move_ms):
        """Aim ``channel`` at ``angle_cdeg`` over ``move_ms``; ignored without torque."""
        ch = self.channels.get(channel)
        if ch is None or not self.torque:
            return False
        ch.target_cdeg = ch.clamp(angle_cdeg)
        distance = abs(ch.target_cdeg - ch.position_cdeg)
        cap = ch.max_speed_deg_per_s * 100 / 1000.0
        wanted = distance / move_ms if move_ms > 0 else cap
        ch.speed_cdeg_per_ms = min(cap, wanted) if wanted > 0 else cap
        return True

    def go_rest(self, move_ms):
        """Move every channel to its rest angle (still slew-limited)."""
        for ch in self.channels.values():
            self.set_target(ch.channel, ch.rest_cdeg, move_ms)

    def at_rest(self):
        """True when every channel sits at its rest angle."""
        return all(ch.position_cdeg == ch.rest_cdeg for ch in self.channels.values())

    def update(self, now_ms):
        """Advance every channel towards its target and write positions (50 Hz on the body)."""
        last = self._last_ms
        self._last_ms = now_ms
        if last is None or not self.torque:
            return
        dt_ms = now_ms - last
        if dt_ms <= 0:
            return
        for ch in self.channels.values():
            delta = ch.target_cdeg - ch.position_exact
            if delta:
                step = ch.speed_cdeg_per_ms * dt_ms
                if abs(delta) <= step:
                    ch.position_exact = float(ch.target_cdeg)
                else:
                    ch.position_exact += step if delta > 0 else -step
                ch.position_cdeg = ch.clamp(round(ch.position_exact))
            self.driver.write(ch.channel, ch.position_cdeg)
