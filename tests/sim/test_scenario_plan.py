"""A scenario that could never pass is a located error before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from brain.errors import UserError
from sim.scenario import load_scenario

SCENARIO = """\
name: planned
duration_ms: 3000
events:
  - at_ms: 500
    touch: {gesture: pat, zone: head}
  - at_ms: 3500
    touch: {gesture: pat, zone: head}
expect:
  - behaviour: look_at_pet
    within_ms: 800
    after_ms: 500
"""


def test_events_after_the_end_and_unknown_expected_behaviours_are_located(
    tmp_path: Path,
) -> None:
    path = tmp_path / "planned.yaml"
    path.write_text(SCENARIO)
    with pytest.raises(UserError) as caught:
        load_scenario(path, ["look_at_pat", "purr_when_stroked"])
    messages = str(caught.value).splitlines()
    assert messages == [
        f"{path}:6:5: events[1].at_ms: 3500 ms is not before the scenario's end (duration_ms 3000)",
        f"{path}:9:5: expect[0].behaviour: no behaviour 'look_at_pet' in the library "
        "(did you mean 'look_at_pat'?)",
    ]
    fixed = SCENARIO.replace("3500", "2500").replace("look_at_pet", "look_at_pat")
    path.write_text(fixed)
    assert load_scenario(path, ["look_at_pat"]).expect[0].behaviour == "look_at_pat"


@pytest.mark.parametrize(
    ("action", "field", "content", "problem"),
    [
        ("face", "image", b"\x89PNG\r\n\x1a\nbroken", "not a JPEG, PNG, BMP or GIF image"),
        ("face", "image", b"GIF89a\x10\x00\x10\x00garbage", "not an image OpenCV can read"),
        ("touch_trace", "file", b"\x00\xff garbage\n{", ""),
        ("voice", "file", b"RIFF....WAVEjunk", "not a readable PCM wav file"),
    ],
)
def test_broken_media_are_located_errors_before_the_run(
    tmp_path: Path, action: str, field: str, content: bytes, problem: str
) -> None:
    media = tmp_path / "media.bin"
    media.write_bytes(content)
    path = tmp_path / "broken.yaml"
    path.write_text(
        "name: broken\nduration_ms: 3000\nevents:\n"
        f"  - at_ms: 100\n    {action}: {{{field}: media.bin}}\n"
    )
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    (message,) = str(caught.value).splitlines()
    assert message.startswith(f"{path}:5:") and f"{action}.{field}: {media}: " in message
    assert problem in message
