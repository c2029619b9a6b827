"""Device discovery: the HELLO probe against the virtual body, guarded audio and camera listing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from brain.setup import devices
from brain.setup.devices import (
    DeviceReport,
    SerialDevice,
    discover,
    format_report,
    list_audio,
    list_cameras,
    probe_body,
)
from sim.live_body import LiveBody


def test_probe_finds_the_body_and_its_firmware(tmp_path: Path) -> None:
    with LiveBody(tmp_path / "petbody") as body:
        found = probe_body(str(body.link_path), timeout_ms=2000)
        assert found is not None
        assert found["board"] == "sim"
        assert found["firmware"] == "0.1.0"
        assert found["compatible"] is True
        assert found["schema_matches"] is True
        assert (found["servos"], found["pads"]) == (8, 14)
        # Probing never enables torque.
        assert body.received.get("TORQUE", 0) == 0
        assert not body.torque()


def test_a_silent_port_is_not_a_body() -> None:
    master, slave = os.openpty()
    try:
        assert probe_body(os.ttyname(slave), timeout_ms=300) is None
    finally:
        os.close(master)
        os.close(slave)


def test_a_missing_port_is_not_a_body(tmp_path: Path) -> None:
    assert probe_body(str(tmp_path / "ttyACM9"), timeout_ms=300) is None


class _FakePortAudio:
    def __init__(self) -> None:
        self.terminated = False
        self.devices = [
            {
                "name": "USB mic",
                "maxInputChannels": 1,
                "maxOutputChannels": 0,
                "defaultSampleRate": 48000.0,
            },
            {
                "name": "HDMI",
                "maxInputChannels": 0,
                "maxOutputChannels": 2,
                "defaultSampleRate": 44100.0,
            },
            {
                "name": "USB headset",
                "maxInputChannels": 1,
                "maxOutputChannels": 2,
                "defaultSampleRate": 16000.0,
            },
        ]

    def get_device_count(self) -> int:
        return len(self.devices)

    def get_device_info_by_index(self, index: int) -> dict[str, Any]:
        return self.devices[index]

    def terminate(self) -> None:
        self.terminated = True


def test_audio_devices_split_into_microphones_and_speakers() -> None:
    fake = _FakePortAudio()
    found, note = list_audio(lambda: fake)
    assert note == ""
    assert fake.terminated
    report = DeviceReport(audio=found)
    assert [d.name for d in report.microphones] == ["USB mic", "USB headset"]
    assert [d.name for d in report.speakers] == ["HDMI", "USB headset"]


def test_missing_pyaudio_is_said_plainly() -> None:
    def no_pyaudio() -> Any:
        raise ImportError("No module named 'pyaudio'")

    found, note = list_audio(no_pyaudio)
    assert found == []
    assert "PyAudio is not installed" in note
    text = format_report(DeviceReport(notes={"audio": note}))
    assert text.count("PyAudio is not installed") == 2  # under microphones and speakers


def test_files_that_are_not_cameras_are_listed_as_unusable(tmp_path: Path) -> None:
    for name in ("video0", "video1"):
        (tmp_path / name).write_bytes(b"")
    cameras, note = list_cameras(str(tmp_path / "video*"))
    assert note == ""
    assert [c.index for c in cameras] == [0, 1]
    assert not any(c.works for c in cameras)
    assert list_cameras(str(tmp_path / "nothing*")) == ([], "no /dev/video* devices")


def test_discover_marks_the_port_that_answers_hello(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveBody(tmp_path / "petbody") as body:
        master, slave = os.openpty()
        ports = [
            SerialDevice(os.ttyname(slave), None, "some modem", "1234:5678", None),
            SerialDevice("/dev/ttyS0", None, "n/a", None, None),
            SerialDevice(
                str(body.link_path),
                "/dev/serial/by-id/usb-pet",
                "Board in FS mode",
                "2e8a:0005",
                "e661",
            ),
        ]
        monkeypatch.setattr(devices, "list_serial", lambda: (ports, ""))
        monkeypatch.setattr(devices, "list_cameras", lambda: ([], "no /dev/video* devices"))
        monkeypatch.setattr(devices, "list_audio", lambda: ([], "PyAudio is not installed"))
        try:
            report = discover(probe=True, probe_timeout_ms=1500)
        finally:
            os.close(master)
            os.close(slave)
    assert [p.description for p in report.bodies] == ["Board in FS mode"]
    text = format_report(report)
    assert "/dev/serial/by-id/usb-pet" in text
    assert "PET BODY: sim firmware 0.1.0" in text
    assert "some modem]: no HELLO answer" in text
    assert report.to_json()["serial"][2]["body"]["board"] == "sim"
    assert "/dev/ttyS0 [n/a]: not USB: not probed" in text
