"""The body's main loop logic, free of ``machine``: ``Body.tick(now_ms)`` does one pass.

``main.py`` calls the pieces from asyncio tasks at their own rates on the
board; the simulator calls ``tick`` on its clock. Safety lives here:

* torque is off at boot and only enabled after a HELLO with our protocol major;
* every servo target is clamped and slew-limited by ``ServoBank``;
* no valid traffic for ``link_timeout_ms``: ease to rest for at most
  ``rest_move_ms``, then release torque (see ``LINK_TIMEOUT_MS``);
* low battery: reported, then a safe rest.
"""

from firmware import wire

FIRMWARE_VERSION = (0, 1, 0)

# Goal: the body is at rest with torque off at most 300 ms after the brain's
# last valid frame (a crashed or killed brain must not leave the cat stiff).
#
# No valid frame for LINK_TIMEOUT_MS ends the session and starts the rest
# move. The brain sends a frame at least every 40 ms (heartbeats; servo
# targets every 20 ms while it moves the pet), so 120 ms of silence is three
# lost frames in a row: at 5 % frame loss about once in 5 minutes, on a
# healthy USB cable never.
LINK_TIMEOUT_MS = 120
# The rest move then lasts at most REST_MOVE_MS; torque goes off when every
# joint is at rest or when the time is up, wherever a slow joint got to (the
# spine's 45 deg/s needs 450 ms for 20 deg, so waiting for "at rest" alone
# took up to 900 ms). 120 + 150 ms + one 5 ms link pass leaves 25 ms of the
# 300 ms for scheduling jitter; 150 ms is still a visible ease, not a drop.
REST_MOVE_MS = 150


class Body:
    """Glue between the link and the peripherals; all timing comes in as ``now_ms``."""

    def __init__(
        self,
        link,
        servos,
        scanner,
        vibration,
        board="sim",
        leds=None,
        imu=None,
        battery=None,
        link_timeout_ms=LINK_TIMEOUT_MS,
        rest_move_ms=REST_MOVE_MS,
        touch_period_ms=10,
        heartbeat_period_ms=100,
        status_period_ms=1000,
        low_battery_mv=3300,
        grids=(),
    ):
        self.link = link
        self.servos = servos
        self.scanner = scanner
        self.vibration = vibration
        self.leds = leds
        self.imu = imu
        self.battery = battery
        self.board = board
        # Silence from the brain longer than this eases to rest and drops torque.
        self.link_timeout_ms = link_timeout_ms
        self.rest_move_ms = rest_move_ms
        self.touch_period_ms = touch_period_ms
        self.heartbeat_period_ms = heartbeat_period_ms
        self.status_period_ms = status_period_ms
        # Below this the body rests and refuses torque (servos brown out the board).
        self.low_battery_mv = low_battery_mv
        # Taxel grids (firmware.taxels.GridScanner), scanned on the touch task's rate.
        self.grids = list(grids)
        # TOUCH_GRID chunks of finished frames not sent yet (one goes out per pass).
        self._grid_out = []
        # Frames replaced by a newer one before all their chunks went out.
        self.grid_frames_dropped = 0
        self.session = False
        self.resting = True
        self.faults = 0
        self.battery_mv = 0
        self.last_rx_ms = None
        # When the current rest move began (None: not easing to rest).
        self._rest_started_ms = None
        # Set by ENTER_REPL; main.py then reboots the board into the REPL.
        self.repl_requested = False
        self.applied_commands = 0
        self._next_touch_ms = 0
        self._next_heartbeat_ms = 0
        self._next_status_ms = 0
        self._boot_ms = None

    def capabilities(self):
        """Capability bits for HELLO_ACK."""
        caps = wire.CAP_SERVOS | wire.CAP_TOUCH | wire.CAP_VIBRATION
        if self.leds is not None:
            caps |= wire.CAP_LEDS
        if self.imu is not None:
            caps |= wire.CAP_IMU
        if self.battery is not None:
            caps |= wire.CAP_BATTERY
        if self.grids:
            caps |= wire.CAP_TOUCH_GRID
        return caps

    def tick(self, now_ms):
        """One pass of the main loop: receive, react, scan, report, move, stay safe."""
        self.service_link(now_ms)
        if now_ms >= self._next_touch_ms:
            self._next_touch_ms = now_ms + self.touch_period_ms
            self.scan_touch(now_ms)
            self.scan_grids(now_ms)
        self.update_imu(now_ms)
        self.report(now_ms)
        self.servos.update(now_ms)
        self.vibration.update(now_ms)
        if self.leds is not None:
            self.leds.update(now_ms)

    # The steps below are what main.py's asyncio tasks call at their own rates.

    def service_link(self, now_ms):
        """Receive and act on every waiting message, then apply the safety rules."""
        if self._boot_ms is None:
            self._boot_ms = now_ms
        for message in self.link.receive():
            self.last_rx_ms = now_ms
            self.handle(message, now_ms)
        self.check_safety(now_ms)

    def scan_touch(self, now_ms):
        """Scan every pad once and stream the deltas while a session is open."""
        deltas = self.scanner.scan()
        if self.session:
            self.link.send(wire.TouchFrame(now_ms, deltas))

    def scan_grids(self, now_ms):
        """Scan the grids' next rows; send at most one TOUCH_GRID chunk per call.

        Chunks go out one per pass so that a 513-cell frame never holds up
        the loop; a grid frame that finishes before the previous one of its
        grid was sent replaces it (a stream: the newest frame wins).
        """
        stream = self.session and self.link.brain_minor >= wire.MINOR_TOUCH_GRID
        for grid in self.grids:
            cells = grid.scan(now_ms)
            if cells is None or not stream:
                continue
            pending = [m for m in self._grid_out if m.grid != grid.index]
            if len(pending) != len(self._grid_out):
                self.grid_frames_dropped += 1
            pending.extend(
                wire.grid_chunks(
                    grid.frame_t_ms, grid.index, grid.frame, grid.rows, grid.cols, cells, grid.wide
                )
            )
            self._grid_out = pending
        if not stream:
            self._grid_out = []
        elif self._grid_out:
            self.link.send(self._grid_out.pop(0))

    def update_imu(self, now_ms):
        """Sample the IMU if due and stream its report while a session is open."""
        if self.imu is None:
            return
        report = self.imu.update(now_ms)
        if report is not None and self.session:
            self.link.send(report)

    def report(self, now_ms):
        """Heartbeat (~10 Hz) and STATUS (~1 Hz) when due."""
        self.send_heartbeat(now_ms)
        if now_ms >= self._next_status_ms:
            self._next_status_ms = now_ms + self.status_period_ms
            self.report_status()

    def send_heartbeat(self, now_ms):
        """Send HEARTBEAT when due while a session is open."""
        if self._boot_ms is None:
            self._boot_ms = now_ms
        if now_ms >= self._next_heartbeat_ms:
            self._next_heartbeat_ms = now_ms + self.heartbeat_period_ms
            if self.session:
                self.link.send(wire.Heartbeat(now_ms - self._boot_ms))

    def handle(self, message, now_ms):
        """Act on one valid message from the brain."""
        t = message.TYPE
        if t == wire.HELLO:
            if message.major != wire.PROTOCOL_MAJOR:
                self.link.send(wire.Nack(message.seq, t, wire.NACK_BAD_VALUE))
                return
            self.session = True
            self.link.reset_session(message.minor)
            self.link.send(
                wire.HelloAck(
                    wire.PROTOCOL_MAJOR,
                    wire.PROTOCOL_MINOR,
                    FIRMWARE_VERSION,
                    self.board,
                    self.capabilities(),
                    wire.schema_hash(),
                    self.scanner.pad_count,
                    len(self.servos.channels),
                )
            )
        elif t == wire.SERVO_TARGETS:
            # On low battery the body is resting: targets would fight the rest move.
            if self.session and self.servos.torque and not self.battery_low():
                self.resting = False
                for channel, angle_cdeg, move_ms in message.targets:
                    self.servos.set_target(channel, angle_cdeg, move_ms)
        elif t == wire.VIBRATE:
            if self.session and not self.battery_low():
                self.vibration.start(
                    now_ms,
                    message.pattern,
                    message.intensity,
                    message.duration_ms,
                    message.period_ms,
                )
        elif t in (wire.TORQUE, wire.CONFIG, wire.LED):
            self.handle_command(message, now_ms)
        elif t == wire.ENTER_REPL and message.magic == wire.REPL_MAGIC:
            # Flashing: go limp and quiet; main.py reboots into the REPL.
            self.servos.set_torque(False)
            self.resting = True
            self.vibration.stop()
            if self.leds is not None:
                self.leds.off()
            self.session = False
            self.repl_requested = True

    def handle_command(self, message, now_ms):
        """Acknowledged commands, applied only when newer than the last of their kind.

        A resend of an applied command, or an older command resent after a
        newer one of its kind was applied, is acknowledged but not applied.
        """
        t = message.TYPE
        if not self.session:
            self.link.send(wire.Nack(message.seq, t, wire.NACK_NO_HELLO))
            return
        if self.link.is_stale(message):
            self.link.send(wire.Ack(message.seq, t))
            return
        if t == wire.TORQUE:
            if message.enabled and self.battery_low():
                self.link.send(wire.Nack(message.seq, t, wire.NACK_NOT_READY))
                return
            self.servos.set_torque(message.enabled)
            self.resting = not message.enabled
        elif t == wire.CONFIG:
            for channel, lo, hi, rest, speed in message.channels:
                self.servos.configure(channel, lo, hi, rest, speed)
        elif t == wire.LED and self.leds is not None:
            self.leds.show(now_ms, message.pattern, message.period_ms, message.colours)
        self.link.applied(message)
        self.applied_commands += 1
        self.link.send(wire.Ack(message.seq, t))

    def battery_low(self):
        """True when a battery is fitted and reads below the safe level."""
        return self.battery is not None and 0 < self.battery_mv < self.low_battery_mv

    def check_safety(self, now_ms):
        """Link silence or low battery: ease to rest, then release torque."""
        silent = self.last_rx_ms is None or now_ms - self.last_rx_ms > self.link_timeout_ms
        if silent and self.session and self.last_rx_ms is not None:
            self.faults |= wire.FAULT_LINK_LOST
            self.session = False
            self.vibration.stop()
        if (silent or self.battery_low()) and self.servos.torque:
            if not self.resting or self._rest_started_ms is None:
                self.resting = True
                self._rest_started_ms = now_ms
                self.servos.go_rest(self.rest_move_ms)
            elif self.servos.at_rest() or now_ms - self._rest_started_ms >= self.rest_move_ms:
                self.servos.set_torque(False)
                self._rest_started_ms = None
        elif not silent:
            self.faults &= ~wire.FAULT_LINK_LOST

    def report_status(self):
        """Read the battery and send STATUS upstream."""
        if self.battery is not None:
            try:
                self.battery_mv = self.battery.read_mv()
            except OSError:
                self.battery_mv = 0
            if self.battery_low():
                if not self.faults & wire.FAULT_LOW_BATTERY and self.session:
                    self.link.send(
                        wire.Log(wire.LOG_WARNING, "battery low: %d mV, resting" % self.battery_mv)
                    )
                self.faults |= wire.FAULT_LOW_BATTERY
                self.vibration.stop()
            else:
                self.faults &= ~wire.FAULT_LOW_BATTERY
        if self.scanner.errors or any(grid.errors for grid in self.grids):
            self.faults |= wire.FAULT_TOUCH
        if self.imu is not None and getattr(self.imu, "errors", 0):
            self.faults |= wire.FAULT_IMU
        if self.session:
            self.link.send(
                wire.Status(self.battery_mv, self.faults, self.servos.torque, self.resting)
            )
