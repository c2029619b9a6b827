import io
import json
from pathlib import Path

import numpy as np
import pytest

from brain.body.link import BodyLink
from brain.cli import main
from brain.cli.touch import record
from sensors.imu.synthetic import imu_stream
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.synthetic import Stroke, generate_trace
from sensors.touch.trace import Trace, read_trace, write_trace
from sim.body import VirtualBody


def test_perceive_prints_gestures_and_handling_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    touch = generate_trace("pat", seed=3)
    imu = imu_stream("drop", seed=0, start_ms=5)
    samples = tuple(sorted([*touch.samples, *imu], key=lambda s: s.t_ms))
    path = tmp_path / "both.jsonl"
    write_trace(path, Trace(touch.header, samples))
    assert main(["perceive", str(path), "--json"]) == 0
    record_ = json.loads(capsys.readouterr().out)
    assert record_["path"] == str(path)
    events = record_["touch"]["events"]
    kinds = {e["type"] for e in events}
    assert {"onset", "gesture", "release", "handling"} <= kinds
    assert [e["gesture"] for e in events if e["type"] == "gesture"] == ["pat"] * len(
        [e for e in events if e["type"] == "gesture"]
    )
    assert "dropped" in [e["handling"] for e in events if e["type"] == "handling"]
    times = [e["t_ms"] for e in events]
    assert times == sorted(times) or len(times) > 0


def test_perceive_reports_a_broken_trace_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    good = tmp_path / "good.jsonl"
    write_trace(good, generate_trace("poke", seed=1))
    assert main(["perceive", str(bad), str(good)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "not a touch trace" in lines[0]["error"]
    assert lines[1]["touch"]["label"]["gesture"] == "poke"


def test_eval_touch_synthetic_saves_a_set_that_eval_dir_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "set"
    assert (
        main(
            [
                "eval",
                "touch",
                "--synthetic",
                "--seed",
                "4",
                "--count",
                "2",
                "--save",
                str(out),
                "--json",
            ]
        )
        == 0
    )
    synthetic = json.loads(capsys.readouterr().out)
    assert synthetic["traces"] == 14
    assert set(synthetic["recall"]) == {"stroke", "pat", "scratch", "hold", "poke", "hit", "tickle"}
    assert len(list(out.glob("*/*.jsonl"))) == 14
    assert main(["eval", "touch", str(out), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["accuracy"] == synthetic["accuracy"]
    assert again["confusion"] == synthetic["confusion"]


def test_eval_touch_table_and_min_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "stroke"
    folder.mkdir()
    write_trace(folder / "a.jsonl", generate_trace("pat", seed=1))  # mislabelled on purpose
    assert main(["eval", "touch", str(tmp_path), "--min-accuracy", "0.5"]) == 1
    out = capsys.readouterr().out
    assert "accuracy  0.000" in out and "recall and confusion" in out


def test_eval_touch_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "touch"]) == 1
    assert main(["eval", "touch", str(tmp_path / "none")]) == 1
    assert main(["eval", "touch", str(tmp_path)]) == 1
    assert "no labelled traces" in capsys.readouterr().err


def test_touch_synth_writes_a_labelled_trace(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    assert (
        main(["touch", "synth", "scratch", "--out", str(out), "--seed", "2", "--humidity", "0.5"])
        == 0
    )
    trace = read_trace(out)
    assert trace.header.meta["label"]["gesture"] == "scratch"
    assert main(["touch", "synth", "wave", "--out", str(out)]) == 1


def test_record_writes_what_a_virtual_body_sends_over_a_pty() -> None:
    stroke = Stroke(DEFAULT_LAYOUT, 1500, 100, 380, speed_mm_per_s=250)
    body = VirtualBody(14, 4, contact=stroke)
    link = BodyLink(body.path)
    now = [0]

    def clock() -> int:
        now[0] += 1
        return now[0]

    stream = io.StringIO()
    try:
        writer = record(
            link,
            DEFAULT_LAYOUT,
            stream,
            duration_ms=3000,
            connect_timeout_ms=2000,
            clock_ms=clock,
            on_idle=body.tick,
            pad_count=lambda: None if link.info is None else link.info.pad_count,
        )
    finally:
        link.close()
        body.close()
    assert writer.frames > 200
    lines = stream.getvalue().splitlines()
    header = json.loads(lines[0])
    assert header["source"] == "robot" and len(header["pads"]) == 14
    frames = [json.loads(line) for line in lines[1:]]
    touched = [f for f in frames if "values" in f and max(f["values"]) > 100]
    assert touched, "the stroke reached the trace"


def test_record_without_a_body_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        [
            "touch", "record", "--port", str(tmp_path / "no-such-port"),
            "--out", str(tmp_path / "r.jsonl"), "--seconds", "1", "--connect-timeout", "0.3",
        ]
    )  # fmt: skip
    assert code == 1
    assert "no body answered" in capsys.readouterr().err


def test_record_rejects_a_broken_layout_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    layout = tmp_path / "layout.json"
    layout.write_text('{"pads": [{"name": "x", "zone": "paw", "position_mm": 1}]}')
    code = main(
        [
            "touch",
            "record",
            "--port",
            "loop://",
            "--out",
            str(tmp_path / "r.jsonl"),
            "--layout",
            str(layout),
        ]
    )
    assert code == 1
    assert "unknown zone" in capsys.readouterr().err


def test_record_to_a_labelled_recording_from_a_virtual_body(tmp_path: Path) -> None:
    from brain.cli.touch import save_recording
    from sensors.touch.recording import instances, load_folder

    stroke = Stroke(DEFAULT_LAYOUT, 800, 100, 380, speed_mm_per_s=250)
    body = VirtualBody(14, 4, contact=stroke)
    link = BodyLink(body.path)
    now = [0]

    def clock() -> int:
        now[0] += 1
        return now[0]

    trace = tmp_path / "raw.jsonl"
    with open(trace, "w", encoding="utf-8") as stream:
        try:
            record(
                link,
                DEFAULT_LAYOUT,
                stream,
                duration_ms=2500,
                connect_timeout_ms=2000,
                clock_ms=clock,
                on_idle=body.tick,
            )
        finally:
            link.close()
            body.close()
    folder = tmp_path / "mine"
    folder.mkdir()
    frames = save_recording(trace, folder / "stroke_1.npz", DEFAULT_LAYOUT, "stroke", "me")
    assert frames > 150
    loaded = load_folder(folder)
    assert loaded.errors == []
    (recording,) = loaded.recordings
    assert recording.frames.shape == (frames, 1, 14) and recording.subject == "me"
    assert [i.gesture for i in instances(recording)] == ["stroke"]
    assert recording.frames.max() > 100  # the stroke reached the pads


def test_record_refuses_an_unknown_label_before_it_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "wave_1.npz"
    code = main(
        ["touch", "record", "--port", "loop://", "--out", str(out), "--label", "wave"]
    )  # fmt: skip
    assert code == 1
    assert "labels.yaml: add 'wave'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_record_a_taxel_grid_to_a_labelled_recording_from_a_virtual_body(tmp_path: Path) -> None:
    from brain.body.joints import BACK_GRID, GRID_BACK_ROBOT
    from brain.cli._touch_grid import record_grid, save_grid_recording
    from sensors.touch.grid_hands import GridStroke
    from sensors.touch.recording import instances, load_folder

    stroke = GridStroke(BACK_GRID, 600, 160.0, 400.0, speed_mm_per_s=300.0, radius_mm=60.0)
    body = VirtualBody(
        GRID_BACK_ROBOT.layout.pad_count, 4, grids=[BACK_GRID], grid_pressure=[stroke]
    )
    link = BodyLink(body.path)
    now = [0]

    def clock() -> int:
        now[0] += 1
        return now[0]

    try:
        frames = record_grid(
            link,
            0,
            BACK_GRID,
            duration_ms=2500,
            connect_timeout_ms=2000,
            clock_ms=clock,
            on_idle=body.tick,
        )
    finally:
        link.close()
        body.close()
    assert 20 <= len(frames) <= 26  # 10 Hz for 2.5 s
    out = tmp_path / "stroke_01.npz"
    assert save_grid_recording(frames, out, BACK_GRID, "stroke", "anna") == len(frames)
    folder = load_folder(tmp_path)
    assert not folder.errors
    (recording,) = folder.recordings
    assert recording.frames.shape == (len(frames), 19, 27)
    assert recording.subject == "anna" and folder.skin.grid == BACK_GRID
    pressed = [f for f in recording.frames if f.max() > 50]
    peaks = [np.unravel_index(int(np.argmax(f)), f.shape)[1] for f in pressed]
    assert peaks[0] < peaks[-1]  # the palm went head to tail along the columns
    assert [i.gesture for i in instances(recording)] == ["stroke"]


def test_record_grid_needs_a_config_that_declares_the_grid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        [
            "touch", "record", "--port", "loop://", "--out", str(tmp_path / "r.npz"),
            "--grid", "0",
        ]
    )  # fmt: skip
    assert code == 1
    assert "--grid needs --layout" in capsys.readouterr().err
