"""Owner presence: debounced arrivals and departures from per-frame sightings."""

from brain.app.presence import PresenceTracker
from brain.events import OwnerPresence


def run(tracker: PresenceTracker, start_ms: int, end_ms: int, seen: bool) -> list[OwnerPresence]:
    out = []
    for t in range(start_ms, end_ms, 66):  # 15 frames a second
        event = tracker.feed(t, seen)
        if event is not None:
            out.append(event)
    return out


def test_arrival_after_a_steady_sighting_and_departure_after_a_long_absence() -> None:
    tracker = PresenceTracker()
    arrived = run(tracker, 0, 2000, True)
    assert len(arrived) == 1 and arrived[0].present and arrived[0].away_ms is None
    assert 800 <= arrived[0].t_ms <= 900
    assert run(tracker, 2000, 15_000, False) == []  # out of view a while: still home
    left = run(tracker, 15_000, 30_000, False)
    assert len(left) == 1 and not left[0].present
    back = run(tracker, 600_000, 602_000, True)
    assert len(back) == 1 and back[0].away_ms is not None and back[0].away_ms > 590_000


def test_detector_flicker_is_not_an_arrival() -> None:
    tracker = PresenceTracker()
    events = []
    for t in range(0, 10_000, 66):
        seen = (t // 66) % 10 == 0  # one frame in ten: a false detection now and then
        event = tracker.feed(t, seen)
        if event is not None:
            events.append(event)
    assert events == []
