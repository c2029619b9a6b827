"""What is plugged in: cameras, microphones, speakers, serial ports, and which port is a pet body.

Every probe is guarded: a missing OpenCV, PyAudio or pyserial, or a device
that refuses to open, becomes a note in the listing, never an exception.
A serial port is a pet body when it answers the link's HELLO handshake.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from brain.body.audio_quiet import silence_audio_libraries
from brain.body.link import BodyLink


@dataclass(frozen=True)
class Camera:
    """A video device and whether it delivered a frame."""

    path: str
    index: int
    works: bool
    width: int = 0
    height: int = 0
    note: str = ""


@dataclass(frozen=True)
class AudioDevice:
    """A PortAudio device (input, output or both)."""

    index: int
    name: str
    inputs: int
    outputs: int
    default_rate_hz: float


@dataclass(frozen=True)
class SerialDevice:
    """A serial port; ``body`` is filled when it answered HELLO."""

    path: str
    stable_path: str | None  # /dev/serial/by-id/... pointing at it, when there is one
    description: str
    vid_pid: str | None
    serial_number: str | None
    body: dict[str, Any] | None = None
    note: str = ""


@dataclass
class DeviceReport:
    """Everything ``petbrain devices`` found, with a note per kind that could not be listed."""

    cameras: list[Camera] = field(default_factory=list)
    audio: list[AudioDevice] = field(default_factory=list)
    serial: list[SerialDevice] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def microphones(self) -> list[AudioDevice]:
        """Devices with at least one input channel."""
        return [d for d in self.audio if d.inputs > 0]

    @property
    def speakers(self) -> list[AudioDevice]:
        """Devices with at least one output channel."""
        return [d for d in self.audio if d.outputs > 0]

    @property
    def bodies(self) -> list[SerialDevice]:
        """Serial ports that answered the handshake."""
        return [s for s in self.serial if s.body is not None]

    def to_json(self) -> dict[str, Any]:
        """Plain dict for ``--json``."""
        return {
            "cameras": [asdict(c) for c in self.cameras],
            "microphones": [asdict(d) for d in self.microphones],
            "speakers": [asdict(d) for d in self.speakers],
            "serial": [asdict(s) for s in self.serial],
            "notes": dict(self.notes),
        }


def list_cameras(pattern: str = "/dev/video*") -> tuple[list[Camera], str]:
    """Video devices matching ``pattern``, each opened once with OpenCV to see if it works."""
    paths = sorted(glob.glob(pattern), key=_video_index)
    if not paths:
        return [], "no /dev/video* devices"
    try:
        import cv2
    except ImportError as error:
        cameras = [Camera(p, _video_index(p), False, note="OpenCV missing") for p in paths]
        return cameras, f"OpenCV is not importable ({error}): cameras not probed"
    out = []
    for path in paths:
        index = _video_index(path)
        capture = cv2.VideoCapture(index, cv2.CAP_V4L2)
        try:
            if not capture.isOpened():
                out.append(Camera(path, index, False, note="cannot open (metadata node or busy)"))
                continue
            ok, frame = capture.read()
            if not ok or frame is None:
                out.append(Camera(path, index, False, note="opens but gives no frame"))
                continue
            height, width = frame.shape[:2]
            out.append(Camera(path, index, True, int(width), int(height)))
        finally:
            capture.release()
    return out, ""


def _video_index(path: str) -> int:
    match = re.search(r"(\d+)$", path)
    return int(match.group(1)) if match else -1


def list_audio(backend: Callable[[], Any] | None = None) -> tuple[list[AudioDevice], str]:
    """PortAudio devices, or a note saying why they cannot be listed."""
    try:
        if backend is None:
            import pyaudio

            backend = pyaudio.PyAudio
        silence_audio_libraries()  # ALSA and JACK list every card they cannot find
        pa = backend()
    except ImportError:
        return [], "PyAudio is not installed (pip install 'petbrain[robot]'): audio not listed"
    except OSError as error:
        return [], f"PortAudio failed to start: {error}"
    try:
        devices = []
        for index in range(int(pa.get_device_count())):
            info = dict(pa.get_device_info_by_index(index))
            devices.append(
                AudioDevice(
                    index,
                    str(info.get("name", "?")),
                    int(info.get("maxInputChannels", 0)),
                    int(info.get("maxOutputChannels", 0)),
                    float(info.get("defaultSampleRate", 0.0)),
                )
            )
        return devices, "" if devices else "PortAudio found no audio devices"
    finally:
        pa.terminate()


def _stable_names(by_id_dir: str = "/dev/serial/by-id") -> dict[str, str]:
    """Real device path -> its /dev/serial/by-id name."""
    out: dict[str, str] = {}
    for link in sorted(glob.glob(os.path.join(by_id_dir, "*"))):
        with contextlib.suppress(OSError):
            out[os.path.realpath(link)] = link
    return out


def list_serial() -> tuple[list[SerialDevice], str]:
    """Serial ports pyserial knows about, with their stable by-id names."""
    try:
        from serial.tools import list_ports
    except ImportError as error:
        return [], f"pyserial is not importable ({error})"
    stable = _stable_names()
    out = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        vid_pid = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None else None
        out.append(
            SerialDevice(
                port.device,
                stable.get(os.path.realpath(port.device)),
                str(port.description or ""),
                vid_pid,
                port.serial_number,
            )
        )
    return out, "" if out else "no serial ports"


def probe_body(url: str, timeout_ms: int = 1500) -> dict[str, Any] | None:
    """Open ``url`` and send HELLO; the body's announcement, or None when nothing answered.

    The link's normal shutdown runs afterwards (the port is closed; the body
    never got torque, so nothing moves).
    """
    link = BodyLink(url, hello_period_ms=150, reconnect_period_ms=timeout_ms + 1)
    start = time.monotonic()

    def now_ms() -> int:
        return int((time.monotonic() - start) * 1000)

    try:
        if not link.open(now_ms()):
            return None
        while now_ms() < timeout_ms and link.state not in ("ready", "incompatible"):
            link.tick(now_ms())
            link.wait_readable(20)
            link.poll(now_ms())
        info = link.info
        if info is None:
            return None
        return {
            "board": info.board,
            "firmware": ".".join(map(str, info.firmware)),
            "protocol": f"{info.protocol[0]}.{info.protocol[1]}",
            "compatible": link.state == "ready",
            "schema_matches": info.schema_matches,
            "pads": info.pad_count,
            "servos": info.servo_count,
        }
    finally:
        link.close()


def discover(
    probe: bool = True, probe_timeout_ms: int = 1500, all_ports: bool = False
) -> DeviceReport:
    """List every kind of device; with ``probe``, handshake with each USB serial port.

    Built-in UARTs (no USB ids) are probed only with ``all_ports``: opening a
    port and writing to it is not harmless for every device on the other end.
    """
    report = DeviceReport()
    report.cameras, note = list_cameras()
    if note:
        report.notes["cameras"] = note
    report.audio, note = list_audio()
    if note:
        report.notes["audio"] = note
    serial_ports, note = list_serial()
    if note:
        report.notes["serial"] = note
    if probe:
        probed = []
        for port in serial_ports:
            if port.vid_pid is None and not all_ports:
                probed.append(_with(port, note="not USB: not probed (--all-ports probes it)"))
                continue
            try:
                body = probe_body(port.path, probe_timeout_ms)
                probed.append(_with(port, body=body))
            except OSError as error:
                probed.append(_with(port, note=f"cannot open: {error}"))
        serial_ports = probed
    report.serial = serial_ports
    return report


def _with(port: SerialDevice, **changes: Any) -> SerialDevice:
    values = asdict(port)
    values.update(changes)
    return SerialDevice(**values)


def format_report(report: DeviceReport) -> str:
    """Human-readable listing for ``petbrain devices``."""
    lines = ["cameras:"]
    for cam in report.cameras:
        state = f"{cam.width}x{cam.height}" if cam.works else f"not usable: {cam.note}"
        lines.append(f"  {cam.path} (index {cam.index}): {state}")
    lines.extend(_note(report, "cameras", not report.cameras))
    lines.append("microphones:")
    lines.extend(
        f"  [{d.index}] {d.name} ({d.inputs} ch, {d.default_rate_hz:g} Hz)"
        for d in report.microphones
    )
    lines.extend(_note(report, "audio", not report.microphones))
    lines.append("speakers:")
    lines.extend(
        f"  [{d.index}] {d.name} ({d.outputs} ch, {d.default_rate_hz:g} Hz)"
        for d in report.speakers
    )
    lines.extend(_note(report, "audio", not report.speakers))
    lines.append("serial ports:")
    for port in report.serial:
        name = port.stable_path or port.path
        extra = f" -> {port.path}" if port.stable_path else ""
        if port.body is not None:
            body = port.body
            state = (
                f"PET BODY: {body['board']} firmware {body['firmware']}, protocol "
                f"{body['protocol']}, {body['servos']} servos, {body['pads']} pads"
            )
            if not body["compatible"]:
                state += " (INCOMPATIBLE protocol: update the firmware)"
        else:
            state = port.note or "no HELLO answer (not a pet body)"
        lines.append(f"  {name}{extra} [{port.description}]: {state}")
    lines.extend(_note(report, "serial", not report.serial))
    return "\n".join(lines)


def _note(report: DeviceReport, key: str, empty: bool) -> list[str]:
    note = report.notes.get(key)
    if note:
        return [f"  ({note})"]
    return ["  (none)"] if empty else []
