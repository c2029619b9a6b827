"""Skins: taxel grids and pads as one touch surface, features, direction, onset, layouts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from skin_fakes import blob, gesture_frames

from sensors.touch.events import TouchGesture, TouchOnset
from sensors.touch.features import FEATURE_NAMES, ContactTracker, episode_features
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.skin import (
    TaxelGrid,
    TouchSurface,
    body_skin_from_json,
    load_body_skin,
    load_skin,
    write_skin,
)
from sensors.touch.skin_classifier import SkinClassifier, rule_gesture
from sensors.touch.synthetic import Stroke, generate_trace

TRAVEL = FEATURE_NAMES.index("travel_along_mm")


def test_grid_cells_sit_along_the_body_as_declared() -> None:
    grid = TaxelGrid("back_middle", 2, 3, 10.0, 20.0, along="cols", origin_mm=200.0)
    pos = grid.surface().positions_mm.reshape(2, 3, 2)
    assert pos[0, :, 0].tolist() == [200.0, 210.0, 220.0]  # along the body by column
    assert pos[:, 0, 1].tolist() == [0.0, 10.0]  # across it by row
    flipped = TaxelGrid("back_middle", 2, 3, 10.0, 20.0, head_at="last").surface()
    assert flipped.positions_mm.reshape(2, 3, 2)[0, :, 0].tolist() == [20.0, 10.0, 0.0]
    by_rows = TaxelGrid("back_middle", 2, 3, 10.0, 20.0, along="rows").surface()
    assert by_rows.positions_mm.reshape(2, 3, 2)[:, 0, 0].tolist() == [0.0, 10.0]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"zone": "paw", "rows": 2, "cols": 2, "pitch_mm": 5, "rate_hz": 10}, "unknown zone"),
        ({"zone": "head", "rows": 2, "cols": 2, "pitch_mm": 5}, "lacks rate_hz"),
        ({"zone": "head", "rows": 2, "cols": 2, "pitch_mm": 5, "rate_hz": 10, "x": 1}, "unknown"),
        (
            {"zone": "head", "rows": 2, "cols": 2, "pitch_mm": 5, "rate_hz": 10, "along": "z"},
            "along",
        ),
    ],
)
def test_bad_grids_are_one_clear_line(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TaxelGrid.from_json(raw)


def test_skin_yaml_round_trips_grids_and_pads(tmp_path: Path) -> None:
    grid = TaxelGrid("belly", 8, 8, 12.5, 50.0, along="rows", head_at="last", full_scale=4095)
    write_skin(tmp_path / "skin.yaml", grid, notes='made "here"')
    skin = load_skin(tmp_path / "skin.yaml")
    assert skin.grid == grid and skin.notes == 'made "here"' and skin.shape == (8, 8)
    write_skin(tmp_path / "pads.yaml", DEFAULT_LAYOUT)
    pads = load_skin(tmp_path / "pads.yaml")
    assert pads.pads == DEFAULT_LAYOUT and pads.shape == (1, 14) and pads.rate_hz == 100.0
    with pytest.raises(ValueError, match=r"nothere\.yaml: missing"):
        load_skin(tmp_path / "nothere.yaml")


def test_a_body_declares_pads_or_a_grid_per_zone(tmp_path: Path) -> None:
    config = tmp_path / "robot.yaml"
    config.write_text(
        "touch:\n"
        "  pads:\n"
        "    - {name: head, zone: head, position_mm: 40}\n"
        "  grids:\n"
        "    - {zone: back_middle, rows: 19, cols: 27, pitch_mm: 10, rate_hz: 10,"
        " origin_mm: 150, along: cols, head_at: first}\n"
    )
    body = load_body_skin(config)
    assert body.pads.pad_count == 1
    grid = body.grid_for("back_middle")
    assert grid is not None and grid.shape == (19, 27) and body.grid_for("head") is None
    with pytest.raises(ValueError, match="has pads and a taxel grid"):
        body_skin_from_json(
            {
                "pads": [{"name": "b", "zone": "back_middle", "position_mm": 200}],
                "grids": [
                    {"zone": "back_middle", "rows": 2, "cols": 2, "pitch_mm": 5, "rate_hz": 9}
                ],
            }
        )


@pytest.mark.parametrize(("head_at", "expected"), [("first", 1.0), ("last", -1.0)])
def test_stroke_direction_comes_from_the_centroid_path_on_a_grid(
    head_at: str, expected: float
) -> None:
    grid = TaxelGrid("back_middle", 8, 12, 10.0, 50.0, head_at=head_at, full_scale=1.0)
    frames = gesture_frames("stroke", 8, 12, 50.0, np.random.default_rng(1))
    features = episode_features(np.concatenate([np.zeros((1, 8, 12)), frames]), grid.surface())
    assert np.sign(features[TRAVEL]) == expected
    assert abs(features[TRAVEL]) > 60.0  # most of the 110 mm the palm slid


def test_stroke_direction_comes_from_the_centroid_path_on_pads() -> None:
    surface = TouchSurface.from_pads(DEFAULT_LAYOUT)
    for start, end, sign in ((150, 370, 1.0), (370, 150, -1.0)):
        trace = generate_trace("stroke", seed=0)
        stroke = Stroke(DEFAULT_LAYOUT, 0, start, end, speed_mm_per_s=250)
        frames = np.array([[stroke(t)[i] * 420 for i in range(14)] for t in range(0, 1200, 10)])
        features = episode_features(np.concatenate([np.zeros((1, 14)), frames]), surface)
        assert np.sign(features[TRAVEL]) == sign, (start, end)
        assert trace.frames  # the synthetic hands and the surface agree on the layout


def test_skin_classifier_reports_the_onset_on_the_very_first_frame() -> None:
    grid = TaxelGrid("back_middle", 8, 12, 10.0, 50.0, full_scale=1.0)
    classifier = SkinClassifier(grid.surface())
    quiet = np.zeros((8, 12))
    assert classifier.feed(0, quiet) == []
    first = blob(8, 12, 4, 2, 1.5, 0.7)
    events = classifier.feed(20, first)
    assert len(events) == 1 and isinstance(events[0], TouchOnset)
    assert events[0].zone == "back_middle" and events[0].t_ms == 20
    assert events[0].pad == 4 * 12 + 2  # the firmest cell
    t = 40
    for frame in gesture_frames("stroke", 8, 12, 50.0, np.random.default_rng(0)):
        assert not any(isinstance(e, TouchOnset) for e in classifier.feed(t, frame))
        t += 20
    out: list[object] = []
    while t < 5000 and not out:
        out = classifier.feed(t, quiet)
        t += 20
    gesture = next(e for e in out if isinstance(e, TouchGesture))
    assert gesture.gesture == "stroke" and gesture.direction == "with_fur"
    assert gesture.length_mm > 50.0


def test_tracker_treats_nan_as_no_contact_and_follows_a_drifting_floor() -> None:
    surface = TaxelGrid("head", 2, 2, 10.0, 10.0, full_scale=100.0).surface()
    tracker = ContactTracker(surface, floor_time_constant_ms=500.0)
    for k in range(40):  # the resting reading creeps up by 10 counts, slowly
        summary = tracker.update(np.full((2, 2), 20.0 + k * 0.25))
    assert summary[0] == 0.0
    assert tracker.update(np.array([[np.nan, 60.0], [30.0, 30.0]]))[0] > 0
    assert tracker.touched.tolist() == [False, True, False, False]


def test_rules_name_a_short_firm_landing_a_hit_and_a_long_wide_press_a_hug() -> None:
    grid = TaxelGrid("back_middle", 10, 10, 20.0, 50.0, full_scale=1.0)
    hit = [np.zeros((10, 10)), *[blob(10, 10, 5, 5, 1.5, 0.95)] * 5]
    assert rule_gesture(episode_features(np.stack(hit), grid.surface())) == "hit"
    hug = [np.zeros((10, 10)), *[np.full((10, 10), 0.8)] * 100]
    assert rule_gesture(episode_features(np.stack(hug), grid.surface())) == "hug"


def test_windows_follow_time_not_frames() -> None:
    from sensors.touch.features import window_spans

    assert window_spans(5, 10.0) == [(0, 5)]  # shorter than 800 ms: one window
    assert window_spans(16, 10.0) == [(0, 8), (4, 12), (8, 16)]
    at_50_hz = window_spans(60, 50.0)
    assert at_50_hz[0] == (0, 40) and at_50_hz[1] == (20, 60)


def test_the_shipped_model_names_each_episode_once_from_its_windows() -> None:
    from sensors.touch.skin_classifier import OnnxGestureModel

    model = OnnxGestureModel()
    grid = TaxelGrid("back_middle", 19, 27, 10.0, 10.0)
    classifier = SkinClassifier(grid.surface(), model)
    rng = np.random.default_rng(3)
    frames = [np.zeros((19, 27))] * 3
    frames += [255 * f for f in gesture_frames("stroke", 19, 27, 10.0, rng)]  # 1.2 s: 2 windows
    frames += [np.zeros((19, 27))] * 5
    frames += [255 * f for f in gesture_frames("pat", 19, 27, 10.0, rng)]  # one short window
    frames += [np.zeros((19, 27))] * 5
    gestures = []
    for i, frame in enumerate(frames):
        gestures += [e for e in classifier.feed(i * 100, frame) if isinstance(e, TouchGesture)]
    assert len(gestures) == 2
    assert all(g.gesture in model.classes for g in gestures)


def test_the_shipped_model_does_not_care_which_way_round_the_grid_is() -> None:
    from sensors.touch.features import mirrored
    from sensors.touch.skin_classifier import OnnxGestureModel

    model = OnnxGestureModel()
    grid = TaxelGrid("back_middle", 19, 27, 10.0, 10.0, full_scale=1.0)
    rng = np.random.default_rng(5)
    rows = []
    for gesture in ("stroke", "hug", "pat"):
        frames = gesture_frames(gesture, 19, 27, 10.0, rng)
        rows.append(
            episode_features(np.concatenate([np.zeros((1, 19, 27)), frames]), grid.surface())
        )
    x = np.stack(rows)
    assert abs(x[0, TRAVEL]) > 50.0  # the stroke did travel
    # No stump of the shipped model asks the signed travel: both ways round agree exactly.
    assert np.allclose(model.scores(x), model.scores(mirrored(x)), rtol=0.0, atol=1e-6)
