"""LED patterns on a NeoPixel-style strip (``strip[i] = (r, g, b)``, ``strip.write()``).

Patterns are pure functions of time (``frame_at``); ``update`` writes a frame
only when it changed, so a still pattern costs no bus time.
"""

import math

LED_OFF = 0
LED_SOLID = 1
LED_BREATHE = 2
LED_BLINK = 3


class Leds:
    """Plays one ``LED_*`` pattern over ``count`` pixels; colours repeat along the strip."""

    def __init__(self, strip, count, max_brightness=0.35, frame_period_ms=33):
        self.strip = strip
        self.count = count
        # Cap on every channel (0..1): eyes in a dark room must not dazzle.
        self.max_brightness = max_brightness
        self.frame_period_ms = frame_period_ms
        self.pattern = LED_OFF
        self.period_ms = 1000
        self.colours = ((0, 0, 0),)
        self.start_ms = 0
        self._last_frame = None
        self._next_frame_ms = 0
        self.writes = 0

    def show(self, now_ms, pattern, period_ms, colours):
        """Start ``pattern`` now."""
        self.pattern = pattern
        self.period_ms = period_ms if period_ms > 0 else 1000
        self.colours = tuple(colours) or ((0, 0, 0),)
        self.start_ms = now_ms
        self._next_frame_ms = now_ms

    def level_at(self, now_ms):
        """Brightness 0..1 of the pattern at ``now_ms``."""
        if self.pattern == LED_OFF:
            return 0.0
        if self.pattern == LED_SOLID:
            return 1.0
        phase = ((now_ms - self.start_ms) % self.period_ms) / self.period_ms
        if self.pattern == LED_BREATHE:
            return 0.08 + 0.92 * math.sin(math.pi * phase) ** 2
        if self.pattern == LED_BLINK:
            return 1.0 if phase < 0.5 else 0.0
        return 0.0

    def frame_at(self, now_ms):
        """The tuple of (r, g, b) every pixel shows at ``now_ms``."""
        scale = self.level_at(now_ms) * self.max_brightness
        colours = self.colours
        out = []
        for i in range(self.count):
            r, g, b = colours[i % len(colours)]
            out.append((int(r * scale), int(g * scale), int(b * scale)))
        return tuple(out)

    def update(self, now_ms):
        """Write the current frame if due and changed."""
        if now_ms < self._next_frame_ms:
            return
        self._next_frame_ms = now_ms + self.frame_period_ms
        frame = self.frame_at(now_ms)
        if frame == self._last_frame:
            return
        self._last_frame = frame
        for i in range(self.count):
            self.strip[i] = frame[i]
        self.strip.write()
        self.writes += 1

    def off(self):
        """Dark now (used at boot and on a safe stop)."""
        self.pattern = LED_OFF
        self._next_frame_ms = 0
