"""Vibration motor patterns; a purr is a low pulse train under a breathing envelope.

``out`` is anything with ``duty(fraction)`` taking 0.0..1.0 (a PWM pin wrapper).
"""

import math

from firmware.wire import VIBE_OFF, VIBE_PULSE, VIBE_PURR, VIBE_TWITCH


class Vibration:
    """Plays one pattern at a time; ``update`` is called at the servo rate."""

    def __init__(self, out, pulse_ms=40, default_breath_ms=1400):
        self.out = out
        self.pulse_ms = pulse_ms  # on+off period of the purr's felt pulse
        self.default_breath_ms = default_breath_ms  # one inhale + exhale of a purr
        self.pattern = VIBE_OFF
        self.intensity = 0.0
        self.period_ms = 0
        self.start_ms = 0
        self.end_ms = 0
        self.level = 0.0

    def start(self, now_ms, pattern, intensity, duration_ms, period_ms):
        """Begin ``pattern`` at ``intensity`` (0..255) for ``duration_ms``."""
        self.pattern = pattern
        self.intensity = max(0, min(255, intensity)) / 255.0
        self.period_ms = period_ms
        self.start_ms = now_ms
        self.end_ms = now_ms + duration_ms

    def stop(self):
        """Silence the motor now."""
        self.pattern = VIBE_OFF
        self.level = 0.0
        self.out.duty(0.0)

    def level_at(self, now_ms):
        """Motor duty for the current pattern at ``now_ms`` (pure in time)."""
        if self.pattern == VIBE_OFF or now_ms >= self.end_ms:
            return 0.0
        t = now_ms - self.start_ms
        if self.pattern == VIBE_PURR:
            breath = self.period_ms or self.default_breath_ms
            phase = (t % breath) / breath
            # Inhale a little softer than exhale, never fully silent.
            envelope = 0.55 + 0.45 * math.sin(math.pi * phase) ** 2
            chop = 1.0 if (t % self.pulse_ms) < self.pulse_ms // 2 else 0.35
            return self.intensity * envelope * chop
        if self.pattern == VIBE_PULSE:
            period = self.period_ms or 300
            return self.intensity if (t % period) < period // 2 else 0.0
        if self.pattern == VIBE_TWITCH:
            return self.intensity if t < 80 else 0.0
        return self.intensity

    def update(self, now_ms):
        """Drive the motor for ``now_ms``."""
        level = self.level_at(now_ms)
        if level == 0.0 and self.pattern != VIBE_OFF and now_ms >= self.end_ms:
            self.pattern = VIBE_OFF
        self.level = level
        self.out.duty(level)
