"""The browser's hand on the pads: timing kept from the browser, palm shape, playback."""

from __future__ import annotations

import pytest

from sensors.touch.layout import DEFAULT_LAYOUT
from sim.hands import (
    HARD_LAND_MS,
    LAND_MS,
    BrowserHand,
    ContactLog,
    HandSample,
    PlayedContact,
    pad_points,
)

BACK_3 = DEFAULT_LAYOUT.by_name("back_3").index


def _at(hand: BrowserHand, t_ms: int) -> list[float]:
    return list(hand(t_ms))


def test_a_palm_lands_over_tens_of_ms_is_felt_most_under_it_and_lifts_again() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=40)
    x, y = pad_points(DEFAULT_LAYOUT)[BACK_3]
    assert max(_at(hand, 0)) == 0.0
    hand.feed([HandSample(1000.0, x, y, 0.6)])
    assert max(_at(hand, 30)) == 0.0  # placed 40 ms after the present
    landing = _at(hand, 40)[BACK_3]
    assert 0.0 < landing < 0.1
    contact = _at(hand, 40 + LAND_MS)
    assert contact[BACK_3] == pytest.approx(0.6)
    assert contact.index(max(contact)) == BACK_3
    assert contact[DEFAULT_LAYOUT.by_name("back_2").index] > 0.15 * contact[BACK_3]  # a palm
    assert contact[DEFAULT_LAYOUT.by_name("belly_rear").index] < 0.02
    hand.feed([HandSample(1200.0, x, y, 0.0)])
    assert _at(hand, 239) == contact
    assert 0.0 < _at(hand, 240 + LAND_MS // 2)[BACK_3] < contact[BACK_3]
    assert max(_at(hand, 240 + LAND_MS)) == 0.0


def test_a_slap_lands_within_a_few_ms() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=0)
    x, y = pad_points(DEFAULT_LAYOUT)[BACK_3]
    hand(0)
    hand.feed([HandSample(0.0, x, y, 0.95)])
    assert _at(hand, HARD_LAND_MS)[BACK_3] > 0.8


def test_a_drag_keeps_the_browsers_spacing_and_moves_in_between() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=20)
    hand(500)  # the simulator's present
    hand.feed(
        [
            HandSample(10_000.0, 200.0, 145.0, 0.6),
            HandSample(10_400.0, 400.0, 145.0, 0.6),
            HandSample(10_500.0, 400.0, 145.0, 0.0),
        ]
    )
    assert hand.position(720) == pytest.approx((300.0, 145.0, 0.6, False))
    assert hand.position(1020 + LAND_MS) is None


def test_late_samples_are_moved_to_the_present_not_into_the_past() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=0)
    hand(100)
    hand.feed([HandSample(0.0, 300.0, 145.0, 0.6)])
    hand(400)
    hand.feed([HandSample(50.0, 320.0, 145.0, 0.6)])  # stamped 50 ms later, arrives 300 ms late
    assert hand.position(400) == pytest.approx((320.0, 145.0, 0.6, False))


def test_scribbling_fingers_dab_on_and_off_over_several_pads() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=0)
    x, y = pad_points(DEFAULT_LAYOUT)[BACK_3]
    hand(0)
    hand.feed([HandSample(0.0, x, y, 0.55, fingers=True)])
    frames = [_at(hand, t) for t in range(100, 400, 10)]
    touched = {i for frame in frames for i, v in enumerate(frame) if v > 0.15}
    assert len(touched) >= 2
    levels = [frame[BACK_3] for frame in frames]
    # Between dabs the pad reads free (under the classifier's 60 of ~420 counts).
    assert max(levels) > 0.3 and min(levels) < 60 / 420


def test_contact_log_reports_touching_readings_and_the_first_free_one() -> None:
    seen: list[tuple[int, tuple[float, ...]]] = []
    values = {0: (0.0, 0.0), 10: (0.5, 0.0), 20: (0.0, 0.0), 30: (0.0, 0.0)}
    log = ContactLog(lambda t: values[t])
    log.listeners.append(lambda t, v: seen.append((t, v)))
    for t in (0, 10, 20, 30):
        log(t)
    assert seen == [(10, (0.5, 0.0)), (20, (0.0, 0.0))]
    played = PlayedContact(2, seen)
    assert [played(t) for t in (0, 10, 20)] == [(0.0, 0.0), (0.5, 0.0), (0.0, 0.0)]
    with pytest.raises(ValueError, match="has 2 pads, body has 3"):
        PlayedContact(3, seen)


def test_the_pointer_on_the_drawings_back_presses_a_taxel_grid_there() -> None:
    import numpy as np

    from brain.body.joints import BACK_GRID, GRID_BACK_ROBOT
    from brain.dashboard.document import DRAWING_X_OFFSET, ZONE_Y
    from sim.hands import grid_hand

    hand = BrowserHand(GRID_BACK_ROBOT.layout, delay_ms=0)
    mat = grid_hand(hand, BACK_GRID)
    hand(0)
    y = ZONE_Y["back_middle"]
    # A drag from 200 mm to 350 mm along the spine over 300 ms, then lifted.
    hand.feed(
        [
            HandSample(0.0, DRAWING_X_OFFSET + 200.0, y, 0.7),
            HandSample(300.0, DRAWING_X_OFFSET + 350.0, y, 0.7),
            HandSample(400.0, DRAWING_X_OFFSET + 350.0, y, 0.0),
        ]
    )
    early, late = mat(60), mat(290)
    assert early.shape == (19, 27) and early.max() == pytest.approx(1.0, abs=0.02)  # full scale
    col = BACK_GRID.surface().positions_mm[:27, 0]  # along the spine, by column

    def centre(frame: np.ndarray) -> float:
        return float((frame.sum(axis=0) * col).sum() / frame.sum())

    assert centre(early) == pytest.approx(200.0 + 150.0 * 60 / 300, abs=15.0)
    assert centre(late) > centre(early) + 100.0  # the palm went towards the tail
    assert mat(400 + LAND_MS).max() == 0.0  # lifted
    head = BrowserHand(GRID_BACK_ROBOT.layout, delay_ms=0)
    on_head = grid_hand(head, BACK_GRID)
    head(0)
    head.feed([HandSample(0.0, DRAWING_X_OFFSET + 40.0, ZONE_Y["head"], 0.7)])
    assert on_head(50).max() == 0.0 and max(head(50)) > 0.5  # the head pad feels it, not the mat
