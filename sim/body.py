"""The virtual body: the real firmware classes on virtual peripherals, behind a pty.

Only ``firmware/main.py`` (which touches ``machine`` and runs asyncio tasks)
is replaced: the simulator calls ``Body.tick`` on its own clock instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from firmware.body import Body
from firmware.link import BodyLink
from firmware.servos import ServoBank, ServoChannel
from firmware.touch import TouchScanner
from firmware.vibration import Vibration
from sim.peripherals import ContactFunction, VirtualMotor, VirtualServoDriver, VirtualTouchSensor
from sim.pty import PtyPort


def _no_contact(pad_count: int) -> ContactFunction:
    zeros = [0.0] * pad_count

    def contact(t_ms: int) -> Sequence[float]:
        return zeros

    return contact


class VirtualBody:
    """A complete simulated body; ``path`` is the serial port the brain opens."""

    def __init__(
        self,
        pad_count: int,
        servo_count: int,
        contact: ContactFunction | None = None,
        seed: int = 0,
        board: str = "sim",
    ) -> None:
        self.now_ms = 0
        self.port = PtyPort()
        self.path = self.port.path
        self.servo_driver = VirtualServoDriver()
        self.motor = VirtualMotor()
        self._contact = contact or _no_contact(pad_count)
        self.touch_sensor = VirtualTouchSensor(pad_count, self._contact_now, self._clock, seed=seed)
        # Generous factory limits; the brain sends real calibration with CONFIG.
        channels = [ServoChannel(i) for i in range(servo_count)]
        self.firmware = Body(
            BodyLink(self.port),
            ServoBank(self.servo_driver, channels),
            TouchScanner(self.touch_sensor, pad_count),
            Vibration(self.motor),
            board=board,
        )

    def _clock(self) -> int:
        return self.now_ms

    def _contact_now(self, t_ms: int) -> Sequence[float]:
        return self._contact(t_ms)

    def set_contact(self, contact: Callable[[int], Sequence[float]]) -> None:
        """Replace what the virtual hand is doing."""
        self._contact = contact

    def tick(self, now_ms: int) -> None:
        """Run one pass of the firmware's main loop at ``now_ms``."""
        self.now_ms = now_ms
        self.firmware.tick(now_ms)

    def servo_angles_deg(self) -> dict[int, float | None]:
        """Where each servo is now, in degrees (None when limp)."""
        return {
            ch: None if v is None else v / 100.0
            for ch, v in sorted(self.servo_driver.angles_cdeg.items())
        }

    def close(self) -> None:
        """Close the pty."""
        self.port.close()
