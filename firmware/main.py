"""Board entry point, and the only firmware module that touches ``machine``.

On the board, ``/main.py`` (written by ``petbrain firmware deploy``) calls
``run("pico")`` or ``run("esp32s3")``. ``build`` turns a profile from
``firmware.boards`` into drivers and a ``Body``; ``main`` runs one asyncio task
per rate (link, servos 50 Hz, touch 100 Hz, IMU 100 Hz, vibration, LEDs,
battery) and a watchdog task that feeds ``machine.WDT`` only while every other
task keeps beating. A stuck or crashed task therefore resets the board, and
the board boots with torque off.
"""

import asyncio
import sys
import time

from firmware import boards, wire
from firmware.body import Body
from firmware.leds import Leds
from firmware.link import BrainLink
from firmware.motion import MotionMonitor
from firmware.mpr121 import MPR121, MPR121Pads
from firmware.mpu6050 import MPU6050
from firmware.outputs import Battery, NativeTouchPads, PwmMotor, PwmServos
from firmware.pca9685 import PCA9685, PCA9685Servos
from firmware.ports import StdioPort, UartPort
from firmware.servos import ServoBank, ServoChannel
from firmware.taxels import GridScanner, MuxTaxelMatrix, ShiftRegisterRows
from firmware.touch import TouchScanner
from firmware.vibration import Vibration

# Task periods (ms).
LINK_PERIOD_MS = 5
SERVO_PERIOD_MS = 20  # 50 Hz
TOUCH_PERIOD_MS = 10  # 100 Hz
IMU_PERIOD_MS = 10  # 100 Hz
VIBRATION_PERIOD_MS = 10
LED_PERIOD_MS = 33
BATTERY_PERIOD_MS = 1000
WATCHDOG_PERIOD_MS = 100
# A task that has not completed a pass for this long makes the loop unhealthy.
STALL_MS = 500
# Consecutive bus errors after which a task gives up (and the watchdog resets the board).
MAX_TASK_ERRORS = 50
# Written before the reboot ENTER_REPL asks for; its presence at boot keeps the
# firmware (and the watchdog) off so mpremote finds a plain REPL.
REPL_FLAG = "/petbrain_repl"


class Clock:
    """Milliseconds since boot that never wrap (``ticks_ms`` wraps after ~12 days)."""

    def __init__(self, time_module=time):
        self._ticks_ms = getattr(time_module, "ticks_ms", None)
        self._ticks_diff = getattr(time_module, "ticks_diff", None)
        if self._ticks_ms is None:  # CPython (tests): a monotonic clock does not wrap
            start = time_module.monotonic()
            self._ticks_ms = lambda: int((time_module.monotonic() - start) * 1000)
            self._ticks_diff = lambda a, b: a - b
        self._last = self._ticks_ms()
        self._now_ms = 0

    def now_ms(self):
        """Elapsed milliseconds since this clock was made."""
        ticks = self._ticks_ms()
        self._now_ms += self._ticks_diff(ticks, self._last)
        self._last = ticks
        return self._now_ms


class Health:
    """Each task beats after a good pass; the loop is healthy when all beat recently.

    A task may be quiet for ``stall_ms`` or two of its own periods, whichever
    is longer (the 1 Hz battery task must not starve the watchdog).
    """

    def __init__(self, stall_ms=STALL_MS):
        self.stall_ms = stall_ms
        self.last_beat_ms = {}
        self.allowance_ms = {}
        self.errors = {}
        self.failed = None

    def register(self, name, now_ms, period_ms=0):
        """Expect beats from ``name`` (running every ``period_ms``) from now on."""
        self.last_beat_ms[name] = now_ms
        self.allowance_ms[name] = max(self.stall_ms, 2 * period_ms)
        self.errors[name] = 0

    def beat(self, name, now_ms):
        """``name`` completed a pass at ``now_ms``."""
        self.last_beat_ms[name] = now_ms
        self.errors[name] = 0

    def healthy(self, now_ms):
        """True while no task has failed or stalled."""
        if self.failed is not None:
            return False
        allowance = self.allowance_ms
        return all(now_ms - last <= allowance[name] for name, last in self.last_beat_ms.items())


if hasattr(asyncio, "sleep_ms"):
    sleep_ms = asyncio.sleep_ms
else:  # CPython

    def sleep_ms(ms):
        """``asyncio.sleep`` in milliseconds."""
        return asyncio.sleep(ms / 1000)


async def every(name, period_ms, step, clock, health, body=None, fault=0):
    """Run ``step(now_ms)`` every ``period_ms``; bus errors are counted, then fatal."""
    health.register(name, clock.now_ms(), period_ms)
    while True:
        start = clock.now_ms()
        try:
            step(start)
        except OSError:
            health.errors[name] += 1
            if body is not None:
                body.faults |= fault
            if health.errors[name] >= MAX_TASK_ERRORS:
                health.failed = name
                return
        else:
            health.beat(name, start)
        elapsed = clock.now_ms() - start
        await sleep_ms(period_ms - elapsed if elapsed < period_ms else 0)


async def feed_watchdog(wdt, clock, health, period_ms=WATCHDOG_PERIOD_MS):
    """Feed ``wdt`` only while the whole loop is healthy."""
    while True:
        if health.healthy(clock.now_ms()):
            wdt.feed()
        await sleep_ms(period_ms)


def make_port(machine, profile):
    """The link's transport for ``profile``: USB CDC stdio or a UART."""
    link = profile["link"]
    if link["kind"] == "uart":
        uart = machine.UART(
            link["id"],
            link.get("baud", 115200),
            tx=machine.Pin(link["tx"]),
            rx=machine.Pin(link["rx"]),
            rxbuf=1024,
        )
        return UartPort(uart)
    import select

    import micropython

    micropython.kbd_intr(-1)  # 0x03 inside a frame is data, not Ctrl-C
    poller = select.poll()
    poller.register(sys.stdin, select.POLLIN)
    return StdioPort(sys.stdin.buffer, sys.stdout.buffer, poller)


def build(machine, profile, port=None, neopixel=None, sleep_us=None):
    """Drivers and a ``Body`` for ``profile`` on ``machine`` (the real module or a fake)."""
    if port is None:
        port = make_port(machine, profile)
    pin = machine.Pin
    i2c_conf = profile.get("i2c")
    i2c = None
    if i2c_conf is not None:
        i2c = machine.I2C(
            i2c_conf["id"],
            sda=pin(i2c_conf["sda"]),
            scl=pin(i2c_conf["scl"]),
            freq=i2c_conf["freq_hz"],
        )

    servo_conf = profile["servos"]
    if servo_conf["kind"] == "pca9685":
        chip = PCA9685(i2c, servo_conf["address"], 50, sleep_us)
        driver = PCA9685Servos(chip)
        channel_ids = range(servo_conf["count"])
    else:
        pwms = {}
        for channel, gpio in enumerate(servo_conf["pins"]):
            pwms[channel] = machine.PWM(pin(gpio), freq=50, duty_ns=0)
        driver = PwmServos(pwms)
        channel_ids = range(len(servo_conf["pins"]))
    channels = []
    for channel in channel_ids:
        lo, hi, rest, speed = boards.SERVO_LIMITS[channel]
        channels.append(ServoChannel(channel, lo, hi, rest, speed))
    servos = ServoBank(driver, channels)
    for channel in channel_ids:
        driver.release(channel)  # torque off at boot

    touch_conf = profile["touch"]
    if touch_conf["kind"] == "mpr121":
        chips = [MPR121(i2c, address) for address in touch_conf["addresses"]]
        sensor = MPR121Pads(chips, touch_conf["pad_map"])
    else:
        sensor = NativeTouchPads([machine.TouchPad(pin(p)) for p in touch_conf["pins"]])
    scanner = TouchScanner(sensor, sensor.pad_count, touch_conf.get("touch_threshold", 40))

    vib_conf = profile["vibration"]
    motor_pwm = machine.PWM(pin(vib_conf["pin"]), freq=vib_conf["freq_hz"], duty_u16=0)
    vibration = Vibration(PwmMotor(motor_pwm, vib_conf.get("min_duty", 0.0)))

    imu = None
    imu_conf = profile.get("imu")
    if imu_conf is not None:
        try:
            chip = MPU6050(i2c, imu_conf["address"], imu_conf["axis_map"], imu_conf["axis_sign"])
            imu = MotionMonitor(chip)
        except OSError:
            imu = None  # absent or broken IMU: the body runs without it (no CAP_IMU)

    leds = None
    led_conf = profile.get("leds")
    if led_conf is not None and neopixel is not None:
        strip = neopixel.NeoPixel(pin(led_conf["pin"], pin.OUT), led_conf["count"])
        leds = Leds(strip, led_conf["count"])

    battery = None
    bat_conf = profile.get("battery")
    low_mv = 0
    if bat_conf is not None:
        adc_pin = pin(bat_conf["pin"])
        if "adc_ref_mv" in bat_conf and hasattr(machine.ADC, "ATTN_11DB"):
            adc = machine.ADC(adc_pin, atten=machine.ADC.ATTN_11DB)
        else:
            adc = machine.ADC(adc_pin)
        battery = Battery(adc, bat_conf["divider_ratio"], bat_conf.get("adc_ref_mv", 3300))
        low_mv = bat_conf["low_mv"]

    grids = [
        build_grid(machine, conf, index, sleep_us)
        for index, conf in enumerate(profile.get("grids", ()))
    ]

    body = Body(
        BrainLink(port),
        servos,
        scanner,
        vibration,
        board=profile["name"],
        leds=leds,
        imu=imu,
        battery=battery,
        low_battery_mv=low_mv or 3300,
        grids=grids,
    )
    if imu_conf is not None and imu is None:
        body.faults |= wire.FAULT_IMU
    return body


def build_grid(machine, conf, index, sleep_us=None):
    """A ``GridScanner`` for one ``grids`` entry of a profile (its pins made here)."""
    pin = machine.Pin
    drive = conf["row_drive"]
    rows = ShiftRegisterRows(
        pin(drive["data"], pin.OUT),
        pin(drive["clock"], pin.OUT),
        pin(drive["latch"], pin.OUT),
        conf["rows"],
    )
    mux = conf["mux"]
    matrix = MuxTaxelMatrix(
        rows,
        [pin(p, pin.OUT) for p in mux["select"]],
        [machine.ADC(pin(p)) for p in mux["adc_pins"]],
        conf["cols"],
        mux.get("channels", 16),
        conf.get("settle_us", 0),
        sleep_us,
    )
    return GridScanner(
        matrix,
        conf["rows"],
        conf["cols"],
        index,
        period_ms=1000 // conf["rate_hz"],
        rows_per_scan=conf.get("rows_per_scan", 4),
        touch_threshold=conf.get("touch_threshold", 1024),
        value_shift=conf.get("value_shift", 8),
        max_value=conf.get("max_value", 255),
        # On a board the pass also stops once it has taken scan_budget_us (CPython: no ticks).
        budget_us=conf.get("scan_budget_us", 0),
        ticks_us=getattr(time, "ticks_us", None),
        ticks_diff=getattr(time, "ticks_diff", None),
    )


async def main(body, clock, health, wdt=None, on_repl=None):
    """Run every task of the body until one fails (then the watchdog resets the board).

    ``on_repl`` is called once the brain sent ENTER_REPL (``run`` reboots there).
    """

    def link_step(now_ms):
        body.service_link(now_ms)
        body.send_heartbeat(now_ms)
        if body.repl_requested and on_repl is not None:
            on_repl()

    tasks = [
        every("link", LINK_PERIOD_MS, link_step, clock, health),
        every(
            "servos",
            SERVO_PERIOD_MS,
            body.servos.update,
            clock,
            health,
            body,
            wire.FAULT_SERVO_DRIVER,
        ),
        every("touch", TOUCH_PERIOD_MS, body.scan_touch, clock, health, body, wire.FAULT_TOUCH),
        every("vibration", VIBRATION_PERIOD_MS, body.vibration.update, clock, health),
        every("battery", BATTERY_PERIOD_MS, lambda now_ms: body.report_status(), clock, health),
    ]
    if body.grids:
        tasks.append(
            every("grids", TOUCH_PERIOD_MS, body.scan_grids, clock, health, body, wire.FAULT_TOUCH)
        )
    if body.imu is not None:
        tasks.append(
            every("imu", IMU_PERIOD_MS, body.update_imu, clock, health, body, wire.FAULT_IMU)
        )
    if body.leds is not None:
        tasks.append(every("leds", LED_PERIOD_MS, body.leds.update, clock, health))
    if wdt is not None:
        tasks.append(feed_watchdog(wdt, clock, health))
    await asyncio.gather(*tasks)


def take_repl_flag(os_module, path=REPL_FLAG):
    """True (and the flag removed) when the last run asked to boot into the REPL."""
    try:
        os_module.stat(path)
    except OSError:
        return False
    try:
        os_module.remove(path)
    except OSError:
        pass
    return True


def reboot_into_repl(machine, os_module, path=REPL_FLAG):
    """Leave the REPL flag and reset: the next boot skips the firmware."""
    with open(path, "w") as flag:
        flag.write("1")
    machine.reset()


def run(board="pico", machine=None, neopixel=None, os_module=None, repl_flag=REPL_FLAG):
    """Boot the body: build, then run forever under the watchdog.

    On a board every argument after ``board`` is left out (the real modules
    are imported); the simulator's MicroPython body passes its own ``machine``
    and ``neopixel``, whose peripherals live in the host.
    """
    if os_module is None:
        import os as os_module
    if machine is None:
        import machine
    if neopixel is None:
        import neopixel

    if take_repl_flag(os_module, repl_flag):
        print("petbrain: REPL requested; body firmware not started")
        return
    profile = boards.PROFILES[board]
    body = build(machine, profile, neopixel=neopixel, sleep_us=time.sleep_us)
    if machine.reset_cause() == machine.WDT_RESET:
        body.faults |= wire.FAULT_WATCHDOG_RESET
    clock = Clock()
    health = Health()
    wdt = machine.WDT(timeout=profile["wdt_timeout_ms"])
    asyncio.run(
        main(body, clock, health, wdt, lambda: reboot_into_repl(machine, os_module, repl_flag))
    )
