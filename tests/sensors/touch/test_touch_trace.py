import json
from pathlib import Path

import pytest

from sensors.touch.layout import DEFAULT_LAYOUT, PadLayout
from sensors.touch.synthetic import generate_trace
from sensors.touch.trace import (
    ImuSample,
    TouchSample,
    Trace,
    TraceError,
    TraceHeader,
    read_trace,
    write_trace,
)


def test_a_trace_round_trips_with_touch_and_imu_lines(tmp_path: Path) -> None:
    header = TraceHeader(DEFAULT_LAYOUT, "robot", {"note": "test"})
    samples = (
        TouchSample(0, (0,) * 14),
        ImuSample(5, (1, 2, 1000), (0, -3, 4), 7, 1),
        TouchSample(10, tuple(range(14))),
    )
    path = tmp_path / "t.jsonl"
    write_trace(path, Trace(header, samples))
    back = read_trace(path)
    assert back.samples == samples
    assert back.header.layout == DEFAULT_LAYOUT
    assert back.header.meta == {"note": "test"}
    assert [f.t_ms for f in back.frames] == [0, 10]
    assert len(back.imu) == 1


def test_the_header_names_pads_zones_positions_and_frame_rate(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write_trace(path, generate_trace("pat", seed=1))
    header = json.loads(path.read_text().splitlines()[0])
    assert header["format"] == "petbrain-touch-trace"
    assert header["frame_rate_hz"] == 100.0
    assert header["pads"][0] == {"index": 0, "name": "head", "zone": "head", "position_mm": 40.0}
    assert header["meta"]["label"]["gesture"] == "pat"
    frame = json.loads(path.read_text().splitlines()[1])
    assert set(frame) == {"t_ms", "values"} and len(frame["values"]) == 14


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "empty file"),
        (["not json"], "header is not JSON"),
        (['{"format": "other"}'], "not a touch trace"),
        (['{"format": "petbrain-touch-trace", "version": 9, "pads": []}'], "unsupported"),
        (['{"format": "petbrain-touch-trace", "version": 1, "pads": []}'], "bad header"),
        (["HEADER", '{"t_ms": 0, "values": [1, 2]}'], ":2: 'values' must list 14 pads"),
        (
            [
                "HEADER",
                '{"t_ms": 10, "values": [0,0,0,0,0,0,0,0,0,0,0,0,0,0]}',
                '{"t_ms": 5, "imu": {}}',
            ],
            ":3: time goes backwards",
        ),
        (["HEADER", '{"t_ms": 1}'], "neither 'values' nor 'imu'"),
        (["HEADER", "{broken"], ":2:"),
    ],
)
def test_broken_traces_give_one_clear_line_with_the_place(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    header = json.dumps(TraceHeader(DEFAULT_LAYOUT).to_json())
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(header if line == "HEADER" else line for line in lines) + "\n")
    with pytest.raises(TraceError, match=message) as info:
        read_trace(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_a_missing_file_is_a_trace_error(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="cannot open"):
        read_trace(tmp_path / "nope.jsonl")


def test_layout_from_json_rejects_unknown_zones_and_bad_fields() -> None:
    with pytest.raises(ValueError, match="unknown zone"):
        PadLayout.from_json([{"name": "a", "zone": "paw", "position_mm": 1}])
    with pytest.raises(ValueError, match="pad 0"):
        PadLayout.from_json([{"name": "a", "zone": "head"}])
    assert PadLayout.from_json(DEFAULT_LAYOUT.to_json()) == DEFAULT_LAYOUT


def test_layouts_load_from_json_or_a_robot_config_yaml(tmp_path: Path) -> None:
    from sensors.touch.layout import load_layout

    as_json = tmp_path / "pads.json"
    as_json.write_text(json.dumps({"frame_rate_hz": 50, "pads": DEFAULT_LAYOUT.to_json()}))
    layout = load_layout(as_json)
    assert layout.pads == DEFAULT_LAYOUT.pads and layout.frame_rate_hz == 50.0
    robot = tmp_path / "robot.yaml"
    robot.write_text(
        "board: pico\ntouch:\n  pads:\n"
        "    - {name: crown, zone: head, position_mm: 30}\n"
        "    - {name: spine, zone: back_middle, position_mm: 250}\n"
    )
    assert [p.name for p in load_layout(robot).pads] == ["crown", "spine"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("touch: [unclosed\n")
    with pytest.raises(ValueError, match="cannot parse layout"):
        load_layout(broken)
    with pytest.raises(ValueError, match="cannot read layout"):
        load_layout(tmp_path / "missing.json")
