"""A MicroPython ``machine`` (and ``neopixel``) whose peripherals live in the host simulator.

Runs inside the MicroPython Unix port. Every I2C transfer, PWM setting, ADC
read, watchdog feed and LED write is one request to the host over a pipe;
the host (``sim.mp_body``) answers from the same register-level chip
emulations and virtual peripherals the CPython body uses. Only requests that
return something wait for an answer, so the firmware's writes cost one
``write`` call each.

Wire format, both ways little-endian::

    request   op:u8  a:u8  b:u16  n:u16  payload[n]
    answer    status:u8  n:u16  data[n]      (status 0 = ok, else an errno)

This module is plain MicroPython and CPython both: the host imports its
constants.
"""

import struct

OP_I2C_WRITE = 1  # a=address b=register payload=data          -> answer
OP_I2C_READ = 2  # a=address b=register n=count (no payload)   -> answer
OP_PWM = 3  # a=PWM_* b=pin payload=u32 value               (no answer)
OP_ADC = 4  # b=pin                                          -> answer u16
OP_TOUCHPAD = 5  # b=pin                                     -> answer u16
OP_WDT_INIT = 6  # payload=u32 timeout_ms                     (no answer)
OP_WDT_FEED = 7  # (no answer)
OP_NEOPIXEL = 8  # b=pin payload=r,g,b per pixel              (no answer)
OP_RESET = 9  # (no answer; the process exits after it)
OP_I2C_SCAN = 10  # -> answer: one byte per address
OP_PIN = 11  # a=level b=pin                                 (no answer)

PWM_FREQ = 0
PWM_DUTY_U16 = 1
PWM_DUTY_NS = 2
PWM_DEINIT = 3

REQUEST_FORMAT = "<BBHH"
REQUEST_SIZE = 6
ANSWER_FORMAT = "<BH"
ANSWER_SIZE = 3

PWRON_RESET = 1
WDT_RESET = 3


class Host:
    """The two pipe ends to the host: requests out, answers in."""

    def __init__(self, out_stream, in_stream):
        self.out_stream = out_stream
        self.in_stream = in_stream

    def send(self, op, a=0, b=0, payload=b""):
        """Send a request that gets no answer."""
        self.out_stream.write(struct.pack(REQUEST_FORMAT, op, a, b, len(payload)) + payload)

    def ask(self, op, a=0, b=0, n=0, payload=b""):
        """Send a request and return the answer's data; an error status raises OSError."""
        header = struct.pack(REQUEST_FORMAT, op, a, b, n if not payload else len(payload))
        self.out_stream.write(header + payload)
        status, length = struct.unpack(ANSWER_FORMAT, self._read_exact(ANSWER_SIZE))
        data = self._read_exact(length) if length else b""
        if status:
            raise OSError(status)
        return data

    def _read_exact(self, count):
        out = b""
        while len(out) < count:
            chunk = self.in_stream.read(count - len(out))
            if not chunk:
                raise SystemExit("host closed the peripheral pipe")
            out += chunk
        return out


class Pin:
    """A GPIO number; modes are remembered, not used; ``value(level)`` goes to the host."""

    IN = 0
    OUT = 1
    PULL_UP = 2
    host = None  # set by RemoteMachine

    def __init__(self, pin_id, mode=-1, *args, **kwargs):
        self.id = pin_id
        self.mode = mode
        self.level = 0

    def value(self, level=None):
        """Drive the pin (the host's virtual hardware sees it), or read back its level."""
        if level is not None:
            self.level = 1 if level else 0
            self.host.send(OP_PIN, self.level, self.id)
        return self.level


class I2C:
    """The board's I2C bus; the chips are emulated by the host."""

    def __init__(self, host, bus_id=0, sda=None, scl=None, freq=400000):
        self.host = host

    def writeto_mem(self, address, reg, data):
        """Write ``data`` to the chip's registers from ``reg``."""
        self.host.ask(OP_I2C_WRITE, address, reg, payload=bytes(data))

    def readfrom_mem(self, address, reg, count):
        """Read ``count`` bytes from ``reg``."""
        return self.host.ask(OP_I2C_READ, address, reg, count)

    def readfrom_mem_into(self, address, reg, buf):
        """Read ``len(buf)`` bytes from ``reg`` into ``buf``."""
        data = self.host.ask(OP_I2C_READ, address, reg, len(buf))
        for i in range(len(buf)):
            buf[i] = data[i]

    def scan(self):
        """Addresses that answer."""
        return list(self.host.ask(OP_I2C_SCAN))


class PWM:
    """A PWM output; every setting goes to the host."""

    def __init__(self, host, pin, freq=0, duty_u16=None, duty_ns=None):
        self.host = host
        self.pin = pin.id
        if freq:
            self.freq(freq)
        if duty_u16 is not None:
            self.duty_u16(duty_u16)
        if duty_ns is not None:
            self.duty_ns(duty_ns)

    def _set(self, kind, value):
        self.host.send(OP_PWM, kind, self.pin, struct.pack("<I", value))

    def freq(self, hz):
        """Set the frequency."""
        self._set(PWM_FREQ, hz)

    def duty_u16(self, value):
        """Set the duty as 0..65535."""
        self._set(PWM_DUTY_U16, value)

    def duty_ns(self, value):
        """Set the high time in nanoseconds."""
        self._set(PWM_DUTY_NS, value)

    def deinit(self):
        """Stop the output."""
        self._set(PWM_DEINIT, 0)


class WDT:
    """The watchdog: the host resets the body when it is not fed within ``timeout``."""

    def __init__(self, host, id=0, timeout=5000):
        self.host = host
        host.send(OP_WDT_INIT, payload=struct.pack("<I", timeout))

    def feed(self):
        """Reset the countdown."""
        self.host.send(OP_WDT_FEED)


class RemoteMachine:
    """Stands in for the ``machine`` module: ``machine.Pin``, ``machine.I2C(...)``..."""

    PWRON_RESET = PWRON_RESET
    WDT_RESET = WDT_RESET

    def __init__(self, host, reset_cause=PWRON_RESET):
        self.host = host
        self._reset_cause = reset_cause
        Pin.host = host
        self.Pin = Pin
        machine = self

        class ADC:
            def __init__(self, pin, atten=0):
                self.pin = pin.id

            def read_u16(self):
                return struct.unpack("<H", machine.host.ask(OP_ADC, 0, self.pin))[0]

        class TouchPad:
            def __init__(self, pin):
                self.pin = pin.id

            def read(self):
                return struct.unpack("<H", machine.host.ask(OP_TOUCHPAD, 0, self.pin))[0]

        self.ADC = ADC
        self.TouchPad = TouchPad

    def I2C(self, bus_id, sda=None, scl=None, freq=400000):
        """The I2C bus."""
        return I2C(self.host, bus_id, sda, scl, freq)

    def PWM(self, pin, freq=0, duty_u16=None, duty_ns=None):
        """A PWM output on ``pin``."""
        return PWM(self.host, pin, freq, duty_u16, duty_ns)

    def WDT(self, id=0, timeout=5000):
        """The watchdog."""
        return WDT(self.host, id, timeout)

    def reset_cause(self):
        """Why the body last reset (the host passes it at boot)."""
        return self._reset_cause

    def reset(self):
        """A hard reset: the host boots a fresh body process."""
        self.host.send(OP_RESET)
        raise SystemExit(0)


class NeoPixel:
    """An LED strip; ``write`` sends every pixel to the host."""

    def __init__(self, host, pin, count):
        self.host = host
        self.pin = pin.id
        self.pixels = [(0, 0, 0)] * count

    def __setitem__(self, index, colour):
        self.pixels[index] = colour

    def __getitem__(self, index):
        return self.pixels[index]

    def __len__(self):
        return len(self.pixels)

    def write(self):
        """Latch the pixels."""
        out = bytearray()
        for r, g, b in self.pixels:
            out.extend(bytes((r, g, b)))
        self.host.send(OP_NEOPIXEL, 0, self.pin, bytes(out))


class NeoPixelModule:
    """Stands in for the ``neopixel`` module."""

    def __init__(self, host):
        self.host = host

    def NeoPixel(self, pin, count):
        """Make a strip."""
        return NeoPixel(self.host, pin, count)
