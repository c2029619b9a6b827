"""MPU6050 accelerometer + gyroscope over I2C, read in milli-g and deci-degrees per second.

``axis_map``/``axis_sign`` turn the chip's axes into the body's (x forward,
y left, z up when the pet stands), so the motion detector needs no board
knowledge.
"""

import struct

_SMPLRT_DIV = 0x19
_CONFIG = 0x1A
_GYRO_CONFIG = 0x1B
_ACCEL_CONFIG = 0x1C
_ACCEL_XOUT_H = 0x3B
_PWR_MGMT_1 = 0x6B
_WHO_AM_I = 0x75

_ACCEL_LSB_PER_G = 4096  # +-8 g range
_GYRO_LSB_PER_DPS = 65.5  # +-500 deg/s range


class MPU6050:
    """The chip on ``i2c`` at ``address`` (0x68 or 0x69); ``read`` returns six numbers."""

    def __init__(self, i2c, address=0x68, axis_map=(0, 1, 2), axis_sign=(1, 1, 1)):
        self.i2c = i2c
        self.address = address
        self.axis_map = axis_map
        self.axis_sign = axis_sign
        self._buf = bytearray(14)
        self.reset()

    def _write(self, reg, value):
        self.i2c.writeto_mem(self.address, reg, bytes((value,)))

    def reset(self):
        """Wake the chip on the gyro's PLL, 44 Hz low-pass, 100 Hz sample rate, +-8 g, +-500 dps."""
        who = self.i2c.readfrom_mem(self.address, _WHO_AM_I, 1)[0]
        if who not in (0x68, 0x70, 0x72):  # MPU6050, MPU6500-class clones
            raise OSError("no MPU6050 at 0x%02x (WHO_AM_I 0x%02x)" % (self.address, who))
        self._write(_PWR_MGMT_1, 0x01)
        self._write(_CONFIG, 0x03)
        self._write(_SMPLRT_DIV, 9)  # 1 kHz / (1 + 9)
        self._write(_GYRO_CONFIG, 0x08)
        self._write(_ACCEL_CONFIG, 0x10)

    def read(self):
        """(ax_mg, ay_mg, az_mg, gx_ddps, gy_ddps, gz_ddps) in the body's axes."""
        self.i2c.readfrom_mem_into(self.address, _ACCEL_XOUT_H, self._buf)
        raw = struct.unpack(">hhhhhhh", self._buf)
        accel = (raw[0], raw[1], raw[2])
        gyro = (raw[4], raw[5], raw[6])
        m = self.axis_map
        s = self.axis_sign
        out = []
        for i in range(3):
            out.append(s[i] * accel[m[i]] * 1000 // _ACCEL_LSB_PER_G)
        for i in range(3):
            out.append(int(s[i] * gyro[m[i]] * 10 / _GYRO_LSB_PER_DPS))
        return tuple(out)
