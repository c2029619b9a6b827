"""Scenario files: every shipped one runs and meets its expectations; bad ones are located."""

from __future__ import annotations

from pathlib import Path

import pytest

from brain.errors import UserError
from firmware import wire
from sim.actions import check_runnable
from sim.runner import SimReport, SimSession
from sim.scenario import SCENARIO_DIR, Scenario, load_scenario

SHIPPED = sorted(SCENARIO_DIR.glob("*.yaml"))


def test_several_scenarios_ship_including_the_demo() -> None:
    names = {p.stem for p in SHIPPED}
    assert "demo" in names
    assert len(names) >= 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_runs_and_meets_its_expectations(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.expect, "a shipped scenario says what it shows"
    report = SimSession(scenario).run()
    assert report.passed, report.expectations
    assert report.settle_timeouts == 0


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return path


def _error(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    return str(caught.value)


def test_a_missing_media_file_is_located_before_the_run(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: x\nduration_ms: 1000\nevents:\n"
        "  - at_ms: 10\n    voice: {file: voices/hello.wav}\n"
        "  - at_ms: 20\n    face:\n      image: me.jpg\n",
    )
    lines = _error(path).splitlines()
    assert lines[0] == (
        f"{path}:5:13: events[0].voice.file: file not found: {tmp_path / 'voices/hello.wav'}"
    )
    assert lines[1].startswith(f"{path}:8:7: events[1].face.image: file not found: ")


def test_media_paths_resolve_next_to_the_scenario_file(tmp_path: Path) -> None:
    import wave

    with wave.open(str(tmp_path / "hello.wav"), "wb") as wav:  # media are checked at load
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\x00\x00" * 1600)
    path = _write(
        tmp_path,
        "name: x\nduration_ms: 1000\nevents:\n  - at_ms: 10\n    voice: {file: hello.wav}\n",
    )
    scenario = load_scenario(path)
    voice = scenario.events[0].voice
    assert voice is not None and voice.file == (tmp_path / "hello.wav").resolve()


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ("  - at_ms: 1\n", "4:5: events[0]", "an event needs exactly one action"),
        ("  - at_ms: 1\n    note: a\n    owner: {present: false}\n", "4:5", "(got owner, note)"),
        (
            "  - at_ms: 1\n    face: {expression: happy, image: a.jpg}\n",
            "5:5: events[0].face",
            "exactly one of image",
        ),
        ("  - at_ms: 1\n    touch: {gesture: stroke, zone: tail}\n", "5:30:", "touch.zone"),
        ("  - at_ms: 1\n    handling: {action: throw}\n", "5:16:", "handling.action"),
        ("  - at_ms: 1\n    sound: {kind: file}\n", "5:5:", "kind 'file' needs 'file'"),
        ("  - at_ms: 1\n    face: {expression: smug}\n", "5:12:", "no bundled face 'smug'"),
    ],
)
def test_scenario_errors_are_located(tmp_path: Path, text: str, where: str, expected: str) -> None:
    path = _write(tmp_path, "name: x\nduration_ms: 1000\nevents:\n" + text)
    message = _error(path)
    assert message.startswith(f"{path}:{where}"), message
    assert expected in message


def test_actions_this_build_cannot_perform_are_refused_before_the_run() -> None:
    scenario = Scenario.model_validate(
        {
            "name": "loud",
            "duration_ms": 1000,
            "events": [
                {"at_ms": 10, "sound": {"kind": "loud"}},
                {"at_ms": 20, "touch": {"gesture": "pat", "zone": "head"}},
            ],
        }
    )
    with pytest.raises(UserError) as caught:
        check_runnable(scenario, {"sound": "no microphone path"})
    assert str(caught.value) == (
        "scenario 'loud' cannot run in this build:\n"
        "  events[0] (sound at 10 ms): no microphone path"
    )
    check_runnable(scenario, {})


def _run_cable_pulled() -> tuple[SimReport, list[tuple[int, str]]]:
    session = SimSession(load_scenario(SCENARIO_DIR / "cable_pulled.yaml"))
    kinds: list[tuple[int, str]] = []
    session.on_tick.append(
        lambda s, events: kinds.extend(
            (s.now_ms, e.kind) for e in events if e.kind in ("body_lost", "body_ready")
        )
    )
    return session.run(), kinds


def test_a_pulled_cable_is_noticed_and_the_brain_reconnects_and_purrs_again() -> None:
    report, kinds = _run_cable_pulled()
    assert [k for _, k in kinds] == ["body_ready", "body_lost", "body_ready"]
    lost_at, back_at = kinds[1][0], kinds[2][0]
    assert 2000 < lost_at < 5000 < back_at < 6000
    assert report.link["connects"] == 2 and report.link["disconnects"] == 1
    assert report.passed, report.expectations


def test_with_the_cable_pulled_the_body_rests_and_goes_limp_on_its_own() -> None:
    report, _ = _run_cable_pulled()
    limp = [s for s in report.samples if 3500 <= s.t_ms <= 4900]
    assert limp and all(v is None for s in limp for v in s.joints_deg.values())


def test_handling_in_a_scenario_is_felt_by_the_body_imu_and_reported() -> None:

    scenario = Scenario.model_validate(
        {
            "name": "lifted",
            "duration_ms": 4500,
            "events": [
                # The body's detector wants to have seen it lie still first.
                {"at_ms": 1600, "handling": {"action": "pick_up"}},
                {"at_ms": 3000, "handling": {"action": "shake"}},
            ],
        }
    )
    session = SimSession(scenario)
    bits: list[tuple[int, int]] = []
    session.tap.listeners.append(
        lambda t, d, m: bits.append((t, m.events)) if isinstance(m, wire.Imu) and m.events else None
    )
    performed: list[str] = []
    session.action_listeners.append(lambda e: performed.append(f"{e.action}@{e.at_ms}"))
    session.run()
    assert performed == ["handling@1600", "handling@3000"]
    picked = [t for t, b in bits if b & wire.IMU_PICKED_UP]
    shaken = [t for t, b in bits if b & wire.IMU_SHAKEN]
    assert picked and 1600 <= picked[0] < 3000
    assert shaken and shaken[0] >= 3000


def test_a_flat_battery_makes_the_body_rest_and_report_it() -> None:

    scenario = Scenario.model_validate(
        {"name": "flat", "duration_ms": 3500, "events": [{"at_ms": 1000, "battery": {"mv": 3000}}]}
    )
    session = SimSession(scenario)
    faults: list[tuple[int, int]] = []
    session.tap.listeners.append(
        lambda t, d, m: faults.append((t, m.faults)) if isinstance(m, wire.Status) else None
    )
    report = session.run()
    assert any(f & wire.FAULT_LOW_BATTERY for t, f in faults if t > 1000)
    late = [s for s in report.samples if s.t_ms >= 3000]
    assert late and all(v is None for s in late for v in s.joints_deg.values())


def test_a_voice_in_a_scenario_is_heard_by_the_real_audio_pipeline(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is absent (bash dev.sh setup installs it)")
    wav = tmp_path / "hello.wav"
    subprocess.run(
        ["espeak-ng", "-w", str(wav), "Hello kitty, who is a good cat?"], check=True, timeout=30
    )
    path = _write(
        tmp_path,
        "name: hi\nduration_ms: 5000\nevents:\n  - at_ms: 800\n    voice: {file: hello.wav}\n",
    )
    session = SimSession(load_scenario(path))
    assert session.audio is not None
    heard: list[dict[str, object]] = []
    session.audio.listeners.append(lambda t, o: heard.append(o.to_json()))
    session.run()
    voices = [h for h in heard if h.get("kind") == "voice"]
    assert len(voices) == 1
    start = voices[0]["t_ms"]
    assert isinstance(start, int | float) and 700 <= start <= 1200
    assert voices[0]["arousal"] is not None and voices[0]["emotion"]
    assert not [h for h in heard if h.get("kind") == "startle"]  # speech is not a bang


def test_a_trace_from_another_body_or_a_broken_one_is_refused_before_the_run(
    tmp_path: Path,
) -> None:
    good = (SCENARIO_DIR / "traces" / "stroke_with_fur.jsonl").read_text().splitlines()
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join([good[0].replace('"back_3"', '"spine_3"'), *good[1:]]) + "\n")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*good[:5], '{"t_ms": "soon"}']) + "\n")
    for trace, expected in ((other, "are not this body's"), (broken, f"{broken}:6:")):
        scenario = Scenario.model_validate(
            {
                "name": "t",
                "duration_ms": 1000,
                "events": [{"at_ms": 0, "touch_trace": {"file": str(trace)}}],
            }
        )
        with pytest.raises(UserError, match=expected):
            SimSession(scenario)
