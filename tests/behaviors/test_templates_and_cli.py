"""Templates expand like blueprints; the designer's CLI checks, exports, lists, explains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from behaviors.library import load_library
from behaviors.schema import SequenceStep, VibrateStep
from brain.cli import main

TEMPLATED = """\
templates:
  buzz:
    params:
      strength: {default: 0.5}
      length_ms: {}
    steps:
      - vibrate: {pattern: pulse, intensity: "${strength}", duration_ms: "${length_ms}"}
  reflex:
    params:
      joint_angle: {default: -40}
    behaviour:
      priority: 90
      reflex: true
      do:
        - pose: {joints: {ear_left: "${joint_angle}"}, duration_ms: 100}
behaviors:
  - name: buzz_twice
    when: [{touch: {gesture: poke}}]
    do:
      - use: buzz
        with: {length_ms: 200}
      - use: buzz
        with: {strength: 0.9, length_ms: 100}
  - name: flinch
    use: reflex
    with: {joint_angle: -55}
    when: [{touch: {gesture: hit}}]
    priority: 97
"""


def test_templates_expand_with_parameters_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATED)
    library = load_library([tmp_path])
    buzz = library.by_name("buzz_twice")
    first, second = buzz.do
    assert isinstance(first, SequenceStep) and isinstance(second, SequenceStep)
    a, b = first.sequence[0], second.sequence[0]
    assert isinstance(a, VibrateStep) and isinstance(b, VibrateStep)
    assert (a.vibrate.intensity, a.vibrate.duration_ms) == (0.5, 200)
    assert (b.vibrate.intensity, b.vibrate.duration_ms) == (0.9, 100)
    flinch = library.by_name("flinch")
    assert flinch.reflex and flinch.priority == 97  # the instance overrides the template
    assert library.templates == ("buzz", "reflex")


def test_check_passes_on_the_library_and_fails_with_located_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["behaviors", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    broken = Path(__file__).parent / "broken"
    assert main(["behaviors", "check", str(broken / "typo_field.yaml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{broken / 'typo_field.yaml'}:5:5: behaviors[0].priorty: unknown field 'priorty' "
        "(did you mean 'priority'?)",
        "1 error(s)",
    ]
    assert main(["behaviors", "check", "no/such/file.yaml"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_schema_prints_draft_07_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["behaviors", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")
    assert main(["behaviors", "schema", "--kind", "temperament", "--out", str(tmp_path / "s")]) == 0
    assert "half_life_ms" in (tmp_path / "s").read_text()


def test_list_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["behaviors", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) >= 25
    assert any(r["name"] == "startle_when_hit" and r["reflex"] for r in rows)
    assert main(["behaviors", "explain", "purr_when_stroked"]) == 0
    text = capsys.readouterr().out
    assert "when touch gesture=stroke zone=back direction=with_fur" in text
    assert "0 ms  vibrate purr 0.7 for 3500 ms" in text
    assert "sound purr" in text
    assert main(["behaviors", "explain", "purr_when_stroke"]) == 1
    assert "did you mean purr_when_stroked" in capsys.readouterr().err


def test_try_plays_events_and_prints_each_why(capsys: pytest.CaptureFixture[str]) -> None:
    events = ["touch:stroke@back/with_fur", "touch:pat", "touch:hit", "handling:picked_up"]
    assert main(["behaviors", "try", *events, "--mood", "affection=-0.2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "-> purr_when_stroked (score 60.0;" in lines[0]
    assert "look_at_pat held back, 'purr_when_stroked' (priority 60) outranks it" in lines[1]
    assert "-> startle_when_hit" in lines[2] and "cuts short purr_when_stroked" in lines[2]
    assert "picked_up_wriggle held back" in lines[3]
    assert lines[4].strip() == "lost: picked_up_relaxed: only_if mood affection>0.2 does not hold"


def test_try_json_and_quiet_time(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["behaviors", "try", "wait:700000", "--owner-present", "--json", "--seed", "2"]
    assert main([*argv, "--at", "10:00"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    names = [r["behaviour"] for r in rows if r["started"]]
    assert "idle_look_around" in names
    assert all(r["input"] == "(quiet)" for r in rows)


def test_try_rejects_bad_events_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["behaviors", "try", "touch:strok"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("petbrain: error: touch:strok: gesture 'strok' is not one of")
    assert main(["behaviors", "try", "tick", "--at", "25:00"]) == 1


def test_explain_samples_the_joints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["behaviors", "explain", "purr_when_stroked", "--sample-ms", "250"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    table = {r[0]: r for r in rows if r and r[0].isdigit()}
    header = next(r for r in rows if r and r[0] == "t_ms")
    spine = header.index("spine")
    assert float(table["250"][spine]) == pytest.approx(6.0)
    assert table["500"][-2:] == ["purr", "0.7"]


def test_play_previews_a_behaviour_on_the_virtual_body(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["behaviors", "play", "look_at_pat", "--headless", "--every-ms", "250"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    started = next(i for i, line in enumerate(lines) if "<- played on request" in line)
    header = lines[1].split()
    column = header.index("yaw") - len(header)  # counted from the right of each row
    rows = [line.split() for line in lines[started + 1 :]]
    yaws = [float(row[column]) for row in rows if row[column][0] in "+-"]
    assert max(yaws) > 25  # the head turned round towards the pat (look_back: 35 degrees)
    assert main(["behaviors", "play", "look_at_pet", "--headless"]) == 1
    assert "did you mean look_at_pat" in capsys.readouterr().err
