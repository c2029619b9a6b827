"""The dashboard's HTTP side without a browser: config, state, stream, hand, bad requests."""

from __future__ import annotations

import io
import json
import struct
import time
import urllib.error
import urllib.request
import wave
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.dashboard.live import LiveSim
from sim.dashboard.server import is_loopback
from sim.scenario import Scenario, bundled_face


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def _wav(seconds: float, rate: int = 4000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(rate)
        wav.writeframes(b"\x80" * int(seconds * rate))
    return out.getvalue()


PNG_20000_SQUARE = _png_header(20000, 20000)  # a decompression bomb's header
LONG_WAV = _wav(61.0)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveSim]:
    sim = LiveSim(Scenario(name="server test", duration_ms=500), port=0, speed=2.0)
    sim.start()
    yield sim
    sim.stop()


def _get(live: LiveSim, path: str) -> Any:
    with urllib.request.urlopen(live.url + path.lstrip("/"), timeout=5) as response:
        return json.loads(response.read())


def _post(live: LiveSim, path: str, data: bytes, kind: str = "application/json") -> Any:
    request = urllib.request.Request(
        live.url + path.lstrip("/"), data=data, headers={"Content-Type": kind}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def _wait_state(live: LiveSim, check: Any, timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = _get(live, "/state")
        if state and check(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"state never matched; last: {state}")


def test_it_listens_on_loopback_by_default(live: LiveSim) -> None:
    assert live.url.startswith("http://127.0.0.1:")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")


def test_page_and_assets_are_served_without_external_references(live: LiveSim) -> None:
    for path in ("/", "/static/cat.js", "/static/panels.js", "/static/style.css"):
        with urllib.request.urlopen(live.url + path.lstrip("/"), timeout=5) as response:
            text = response.read().decode()
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text


def test_config_places_every_pad_on_the_drawing(live: LiveSim) -> None:
    config = _get(live, "/config")
    assert len(config["pads"]) == live.session.robot.layout.pad_count
    assert {j["name"] for j in config["joints"]} >= {"head_pitch", "ear_left", "tail_lift"}


def test_a_drag_sent_to_the_hand_is_classified_as_a_stroke_and_purrs(live: LiveSim) -> None:
    _wait_state(live, lambda s: s["torque"])
    samples = [{"t": i * 25.0, "x": 210.0 + i * 10.0, "y": 145.0, "p": 0.6} for i in range(25)]
    samples.append({"t": 25 * 25.0, "x": 460.0, "y": 145.0, "p": 0.0})
    assert _post(live, "/hand", json.dumps({"samples": samples}).encode())["samples"] == 26
    state = _wait_state(live, lambda s: (s["behaviour"] or {}).get("name") == "purr_when_stroked")
    assert "direction=with_fur" in state["behaviour"]["why"]["trigger"]
    state = _wait_state(live, lambda s: s["vibration"]["on"])
    assert state["vibration"]["pattern"] == "purr"
    assert any("stroke on back" in e["text"] for e in state["events"])


def test_pick_up_plays_on_the_body_imu_and_the_body_reports_it(live: LiveSim) -> None:
    # The body's detector wants to have seen the pet lie still for a while first.
    _wait_state(live, lambda s: s["t_ms"] > 2000 and s["inputs"]["handling"]["available"])
    assert _post(live, "/handling", b'{"action": "pick_up"}') == {"ok": True, "action": "pick_up"}
    state = _wait_state(
        live, lambda s: any("body IMU: picked up" in e["text"] for e in s["events"])
    )
    assert state["leds"] is not None and len(state["leds"]) == 2


def test_the_event_stream_sends_state_documents(live: LiveSim) -> None:
    with urllib.request.urlopen(live.url + "events", timeout=5) as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        line = response.readline()
        while not line.startswith(b"data: "):
            line = response.readline()
    state = json.loads(line[len(b"data: ") :])
    assert {"t_ms", "joints", "vibration", "behaviour", "mood", "link", "inputs"} <= set(state)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/hand", b"{not json", "bad request"),
        ("/hand", b'{"samples": [{"t": 1}]}', "bad request"),
        ("/handling", b'{"action": "juggle"}', "unknown handling action"),
        ("/face", b"\xff\xd8", "not a JPEG, PNG, BMP or GIF image"),
        ("/face", b"", "the image is empty"),
        ("/face", PNG_20000_SQUARE, "over the limit"),
        ("/voice", b"RIFF", "not a readable PCM wav file"),
        ("/voice", LONG_WAV, "over the 60 s limit"),
        ("/handling", b"[1, 2]", "must be a JSON object"),
        ("/hand", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("/nowhere", b"", "no such action"),
    ],
)
def test_bad_requests_get_a_clear_error_and_the_pet_keeps_running(
    live: LiveSim, path: str, body: bytes, message: str
) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        _post(live, path, body)
    assert caught.value.code in (400, 404)
    assert message in json.loads(caught.value.read())["error"]
    before = _get(live, "/state")["t_ms"]
    _wait_state(live, lambda s: s["t_ms"] > before)


def test_a_host_that_is_not_an_address_is_refused(live: LiveSim) -> None:
    # DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends Host: evil.example.
    port = live.url.rsplit(":", 1)[1].strip("/")
    for host, code in (("evil.example:" + port, 403), ("localhost:" + port, 200)):
        for method, data in (("GET", None), ("POST", b'{"action": "pick_up"}')):
            path = "state" if method == "GET" else "handling"
            request = urllib.request.Request(
                live.url + path, data=data, headers={"Host": host}, method=method
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    got = response.status
            except urllib.error.HTTPError as error:
                got = error.code
                assert "Host" in json.loads(error.read())["error"]
            assert got == code, (host, method)


def test_event_streams_are_capped(live: LiveSim) -> None:
    from sim.dashboard.server import MAX_STREAMS

    opened = [urllib.request.urlopen(live.url + "events", timeout=5) for _ in range(MAX_STREAMS)]
    try:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(live.url + "events", timeout=5)
        assert caught.value.code == 503
    finally:
        for response in opened:
            response.close()


def test_posts_from_another_origin_are_refused(live: LiveSim) -> None:
    request = urllib.request.Request(
        live.url + "hand",
        data=b'{"samples": []}',
        headers={"Content-Type": "application/json", "Origin": "http://evil.example"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 403


def test_it_can_listen_on_ipv6_loopback() -> None:
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    sim = LiveSim(Scenario(name="v6", duration_ms=100), host="::1", port=0)
    try:
        sim.dashboard.start()
        assert sim.url.startswith("http://[::1]:")
        with urllib.request.urlopen(sim.url + "config", timeout=5) as response:
            assert json.loads(response.read())["scenario"] == "v6"
    finally:
        sim.dashboard.stop()
        sim.session.close()


def test_the_pets_sounds_are_served_by_name_only(live: LiveSim) -> None:
    with urllib.request.urlopen(live.url + "sounds/meow.wav", timeout=5) as response:
        assert response.headers["Content-Type"] == "audio/wav"
        assert response.read(4) == b"RIFF"
    for bad in ("sounds/nope.wav", "sounds/..%2Fschema.wav", "sounds/../library.wav"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(live.url + bad, timeout=5)
        assert caught.value.code == 404


def test_a_wav_sent_to_the_microphone_is_heard_as_a_voice(live: LiveSim, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is absent (bash dev.sh setup installs it)")
    wav = tmp_path / "hello.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "Hello there, kitty"], check=True, timeout=30)
    reply = _post(live, "/voice", wav.read_bytes(), "audio/wav")
    assert reply["ok"] is True and reply["duration_ms"] > 500
    state = _wait_state(live, lambda s: s["heard"] is not None, timeout_s=15.0)
    assert state["heard"]["kind"] == "voice" and state["heard"]["emotion"]
    assert any(e["text"].startswith("heard a voice") for e in state["events"])
    # Fusion takes the voice in: an estimate with the voice's contribution.
    state = _wait_state(
        live, lambda s: s["owner"]["available"] and s["owner"]["contributions"].get("voice", 0) > 0
    )
    assert 0 < state["owner"]["confidence"] <= 1


def test_the_owner_panel_shows_fusion_or_says_why_not(live: LiveSim) -> None:
    state = _wait_state(live, lambda s: "owner" in s)
    owner = state["owner"]
    if owner["available"]:
        assert set(owner["contributions"]) and -1 <= owner["valence"] <= 1
    else:
        assert owner["reason"]


def test_a_photo_shown_to_the_camera_is_seen_and_reaches_fusion(live: LiveSim) -> None:

    photo = bundled_face("happy")
    assert photo is not None
    reply = _post(live, "/face", photo.read_bytes(), "image/jpeg")
    assert reply["ok"] is True
    state = _wait_state(live, lambda s: s["seen"] is not None and s["seen"]["face"])
    expression = state["seen"]["expression"]
    assert max(expression, key=expression.get) == "happy"
    # Fusion blends the smile in: the estimate turns happy, with the face contributing.
    _wait_state(
        live,
        lambda s: (
            s["owner"]["available"]
            and s["owner"]["contributions"].get("face", 0) > 0
            and s["owner"]["emotion"]["happy"] > 0.3
        ),
    )


def test_pulling_the_cable_loses_the_link_and_plugging_it_back_restores_it(
    live: LiveSim,
) -> None:
    _wait_state(live, lambda s: s["link_ready"])
    assert _post(live, "/cable", b'{"plugged": false}') == {"ok": True, "plugged": False}
    _wait_state(live, lambda s: not s["cable"] and not s["link_ready"])
    _post(live, "/cable", b'{"plugged": true}')
    state = _wait_state(live, lambda s: s["cable"] and s["link_ready"])
    assert state["link"]["connects"] >= 2
    with pytest.raises(urllib.error.HTTPError) as caught:
        _post(live, "/cable", b'{"plugged": "maybe"}')
    assert caught.value.code == 400
