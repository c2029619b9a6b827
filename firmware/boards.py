"""Board profiles as plain data: pins, buses, chip addresses, factory servo limits.

``main.py`` turns a profile into drivers; nothing here touches ``machine``.
Pin numbers are GPIO numbers. See docs/hardware.md for wiring.
"""

# The robot's 14 touch pads, in TOUCH_FRAME order.
PAD_NAMES = (
    "head",
    "cheek_left",
    "cheek_right",
    "chin",
    "neck",
    "back_1",
    "back_2",
    "back_3",
    "back_4",
    "back_5",
    "back_6",
    "belly_front",
    "belly_rear",
    "tail_base",
)

# Servo channels, in SERVO_TARGETS channel numbers.
SERVO_NAMES = (
    "head_yaw",
    "head_pitch",
    "ear_left",
    "ear_right",
    "tail_swish",
    "tail_lift",
    "spine",
    "eyelids",
)

# Factory limits per channel: (min_cdeg, max_cdeg, rest_cdeg, max_speed_deg_per_s).
# Safe before any CONFIG arrives; the brain narrows them with its calibration.
SERVO_LIMITS = {
    0: (-6000, 6000, 0, 120),  # head_yaw: +-60 deg, a calm head turn
    1: (-3000, 3000, 0, 90),  # head_pitch: +-30 deg, the neck carries the head's weight
    2: (-4500, 4500, 0, 240),  # ear_left: ears flick fast
    3: (-4500, 4500, 0, 240),  # ear_right
    4: (-6000, 6000, 0, 200),  # tail_swish
    5: (-3000, 6000, 0, 120),  # tail_lift: up more than down (the tail rests on the floor)
    6: (-2000, 2000, 0, 45),  # spine: arch/lean, slow, it moves the whole body
    7: (0, 6000, 2000, 200),  # eyelids: 0 open .. 60 closed, rest half-lidded
}

PICO = {
    "name": "pico",
    # USB CDC to the brain. For GPIO wiring to the Pi instead:
    # {"kind": "uart", "id": 0, "tx": 0, "rx": 1, "baud": 115200}
    "link": {"kind": "usb"},
    "i2c": {"id": 0, "sda": 4, "scl": 5, "freq_hz": 400000},
    "servos": {"kind": "pca9685", "address": 0x40, "count": 8},
    # Two MPR121: pads 0-11 on the first chip's electrodes 0-11, pads 12-13 on the second's 0-1.
    "touch": {
        "kind": "mpr121",
        "addresses": (0x5A, 0x5B),
        "pad_map": tuple((0, e) for e in range(12)) + ((1, 0), (1, 1)),
        "touch_threshold": 12,
    },
    "imu": {"kind": "mpu6050", "address": 0x68, "axis_map": (0, 1, 2), "axis_sign": (1, 1, 1)},
    "leds": {"pin": 22, "count": 2},
    "vibration": {"pin": 15, "freq_hz": 200, "min_duty": 0.18},
    # 1S LiPo through a 100k/100k divider on ADC0.
    "battery": {"pin": 26, "divider_ratio": 2.0, "low_mv": 3300},
    "wdt_timeout_ms": 2000,
}

ESP32S3 = {
    "name": "esp32s3",
    "link": {"kind": "usb"},
    "i2c": {"id": 0, "sda": 16, "scl": 17, "freq_hz": 400000},
    # Direct 50 Hz PWM: the S3 has 8 LEDC channels, 7 servos + the motor use them all,
    # so the eyelids servo (channel 7) is not fitted on this profile.
    "servos": {"kind": "pwm", "pins": (21, 38, 39, 40, 41, 42, 47)},
    # Native touch channels on GPIO1..14 (counts rise when touched on the S3).
    "touch": {"kind": "native", "pins": tuple(range(1, 15)), "touch_threshold": 1500},
    "imu": {"kind": "mpu6050", "address": 0x68, "axis_map": (0, 1, 2), "axis_sign": (1, 1, 1)},
    "leds": {"pin": 48, "count": 2},
    "vibration": {"pin": 18, "freq_hz": 200, "min_duty": 0.18},
    # ADC2 channel 4 (usable: the radio is off); 11 dB attenuation reads up to ~3.1 V.
    "battery": {"pin": 15, "divider_ratio": 2.0, "low_mv": 3300, "adc_ref_mv": 3100},
    "wdt_timeout_ms": 2000,
}

# The pads of a body whose back is a taxel grid instead of six pads, in TOUCH_FRAME order.
GRID_PAD_NAMES = tuple(name for name in PAD_NAMES if not name.startswith("back_"))

# A 19 x 27 pressure mat on the back (velostat between electrode strips, 10 mm
# pitch): rows driven by three chained 74HC595s (a walking bit), columns
# through two CD74HC4067 multiplexers (shared select lines) into ADC1/ADC2.
# See docs/hardware.md, "A taxel grid on the back".
BACK_GRID = {
    "rows": 19,
    "cols": 27,
    "rate_hz": 10,  # whole frames per second (the brain's grid config says the same)
    # Rows read per pass of the 10 ms touch task (27 ADC reads and ~30 pin writes a
    # row; not yet timed on a board): 19 rows take 5 passes, well inside 100 ms.
    "rows_per_scan": 4,
    # ... and a pass stops after the row that takes it past this, whatever rows_per_scan
    # says: a slow ADC or bus slows the grid's frame rate, never the pads or the servos.
    "scan_budget_us": 2000,
    "row_drive": {"kind": "shift595", "data": 6, "clock": 7, "latch": 8},
    "mux": {"select": (10, 11, 12, 13), "adc_pins": (27, 28), "channels": 16},
    "settle_us": 20,  # after driving a row, before reading it
    # 16-bit ADC counts above the baseline, >> value_shift = the cell (0..255).
    "value_shift": 8,
    "touch_threshold": 1024,  # counts above baseline that freeze a cell's baseline
}

# The Pico body with the back grid: the first MPR121 reads the other eight pads.
PICO_GRID = dict(PICO)
PICO_GRID.update(
    {
        "name": "pico_grid",
        "pad_names": GRID_PAD_NAMES,
        "touch": {
            "kind": "mpr121",
            "addresses": (0x5A,),
            "pad_map": tuple((0, e) for e in range(len(GRID_PAD_NAMES))),
            "touch_threshold": 12,
        },
        "grids": (BACK_GRID,),
    }
)

PROFILES = {"pico": PICO, "esp32s3": ESP32S3, "pico_grid": PICO_GRID}
