"""Board profiles are consistent: 14 pads, known servo channels, no GPIO used twice."""

from __future__ import annotations

from typing import Any

import pytest

from firmware import boards


def used_gpios(profile: dict[str, Any]) -> list[int]:
    pins: list[int] = []
    link = profile["link"]
    if link["kind"] == "uart":
        pins += [link["tx"], link["rx"]]
    pins += [profile["i2c"]["sda"], profile["i2c"]["scl"]]
    servos = profile["servos"]
    pins += list(servos.get("pins", ()))
    touch = profile["touch"]
    pins += list(touch.get("pins", ()))
    pins += [profile["vibration"]["pin"], profile["leds"]["pin"], profile["battery"]["pin"]]
    for grid in profile.get("grids", ()):
        drive = grid["row_drive"]
        pins += [drive["data"], drive["clock"], drive["latch"]]
        pins += list(grid["mux"]["select"]) + list(grid["mux"]["adc_pins"])
    return pins


@pytest.mark.parametrize("name", sorted(boards.PROFILES))
def test_profile_is_consistent(name: str) -> None:
    profile = boards.PROFILES[name]
    assert profile["name"] == name
    pins = used_gpios(profile)
    assert len(pins) == len(set(pins)), f"{name}: a GPIO is used twice: {sorted(pins)}"
    touch = profile["touch"]
    pads = len(touch["pad_map"]) if touch["kind"] == "mpr121" else len(touch["pins"])
    assert pads == len(profile.get("pad_names", boards.PAD_NAMES))
    servos = profile["servos"]
    count = servos["count"] if servos["kind"] == "pca9685" else len(servos["pins"])
    assert 1 <= count <= len(boards.SERVO_NAMES)
    assert all(ch in boards.SERVO_LIMITS for ch in range(count))


def test_the_grid_profile_replaces_the_back_pads_with_a_mat_its_wiring_can_read() -> None:
    profile = boards.PICO_GRID
    assert profile["pad_names"] == tuple(n for n in boards.PAD_NAMES if not n.startswith("back"))
    (grid,) = profile["grids"]
    mux = grid["mux"]
    assert grid["cols"] <= mux["channels"] * len(mux["adc_pins"])
    assert grid["rows"] <= 24  # three chained 74HC595s
    assert set(mux["adc_pins"]) <= {26, 27, 28}  # the Pico's ADC inputs (26 is the battery)
    assert grid["rows_per_scan"] < grid["rows"]  # a frame is spread over passes


def test_mpr121_pad_map_uses_each_electrode_once() -> None:
    pad_map = boards.PICO["touch"]["pad_map"]
    assert len(set(pad_map)) == len(pad_map)
    assert all(0 <= chip < 2 and 0 <= e < 12 for chip, e in pad_map)


def test_esp32s3_uses_only_native_touch_gpios_and_avoids_psram_and_strapping_pins() -> None:
    profile = boards.ESP32S3
    assert set(profile["touch"]["pins"]) <= set(range(1, 15))
    assert not set(used_gpios(profile)) & {0, 35, 36, 37, 45, 46}
    assert len(profile["servos"]["pins"]) + 1 <= 8  # LEDC channels: servos + motor


def test_factory_limits_hold_rest_inside_the_range() -> None:
    for channel, (lo, hi, rest, speed) in boards.SERVO_LIMITS.items():
        assert lo < hi and lo <= rest <= hi and speed > 0, channel
