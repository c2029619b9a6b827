"""The browser's hand on the pads: timing kept from the browser, palm shape, playback."""

from __future__ import annotations

import pytest

from sensors.touch.layout import DEFAULT_LAYOUT
from sim.hands import BrowserHand, ContactLog, HandSample, PlayedContact, pad_points

BACK_3 = DEFAULT_LAYOUT.by_name("back_3").index


def _at(hand: BrowserHand, t_ms: int) -> list[float]:
    return list(hand(t_ms))


def test_a_press_on_a_pad_is_felt_there_most_and_fades_with_distance() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=40)
    x, y = pad_points(DEFAULT_LAYOUT)[BACK_3]
    assert max(_at(hand, 0)) == 0.0
    hand.feed([HandSample(1000.0, x, y, 0.6)])
    assert max(_at(hand, 30)) == 0.0  # placed 40 ms after the present
    contact = _at(hand, 40)
    assert contact[BACK_3] == pytest.approx(0.6)
    assert contact.index(max(contact)) == BACK_3
    assert contact[DEFAULT_LAYOUT.by_name("belly_rear").index] < 0.01
    hand.feed([HandSample(1100.0, x, y, 0.0)])
    assert contact == _at(hand, 139)
    assert max(_at(hand, 140)) == 0.0


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
    assert hand.position(520) == pytest.approx((200.0, 145.0, 0.6))
    assert hand.position(720) == pytest.approx((300.0, 145.0, 0.6))
    assert hand.position(1020) is None


def test_late_samples_are_moved_to_the_present_not_into_the_past() -> None:
    hand = BrowserHand(DEFAULT_LAYOUT, delay_ms=0)
    hand(100)
    hand.feed([HandSample(0.0, 300.0, 145.0, 0.6)])
    hand(400)
    hand.feed([HandSample(50.0, 320.0, 145.0, 0.6)])  # stamped 50 ms later, arrives 300 ms late
    assert hand.position(400) == pytest.approx((320.0, 145.0, 0.6))


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
