import pytest

from firmware import wire
from sensors.imu.events import HANDLING, HandlingEvent
from sensors.imu.handling import HandlingDetector
from sensors.imu.synthetic import SCENARIOS, imu_stream

EXPECTED = {
    "pick_up_hold_put_down": ["picked_up", "held", "put_down"],
    "cradle": ["picked_up", "cradled"],
    "shake": ["picked_up", "shaken", "held"],
    "drop": ["picked_up", "held", "falling", "dropped"],
    "upside_down": ["picked_up", "upside_down", "cradled"],
}


def run(scenario: str, seed: int) -> list[HandlingEvent]:
    detector = HandlingDetector()
    events: list[HandlingEvent] = []
    for s in imu_stream(scenario, seed=seed):
        events += detector.feed(s.t_ms, s.accel_mg, s.gyro_ddps, s.motion, s.events)
    return events


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_scenario_reads_as_what_happened(scenario: str, seed: int) -> None:
    events = run(scenario, seed)
    assert [e.handling for e in events] == EXPECTED[scenario]
    assert all(e.handling in HANDLING and e.source == "imu" for e in events)


def test_a_drop_reports_how_long_it_fell() -> None:
    dropped = [e for e in run("drop", 0) if e.handling == "dropped"]
    assert 200 <= dropped[0].duration_ms <= 300
    assert dropped[0].intensity > 0.3


def test_body_event_bits_are_reported_at_once_and_not_twice() -> None:
    detector = HandlingDetector()
    level = (0, 0, 1000)
    still = (0, 0, 0)
    events = detector.feed(0, level, still, 0, wire.IMU_PICKED_UP)
    assert [(e.handling, e.source) for e in events] == [("picked_up", "body")]
    assert detector.carried
    # The bit stays set: no repeat.
    assert detector.feed(20, level, still, 0, wire.IMU_PICKED_UP) == []
    events = detector.feed(40, (0, 0, 50), still, 0, wire.IMU_FALLING)
    assert [e.handling for e in events] == ["falling"]
    events = detector.feed(60, (0, 0, 4000), still, 0, wire.IMU_IMPACT)
    assert [e.handling for e in events] == ["dropped"]
    assert not detector.carried


def test_an_impact_without_a_fall_is_not_a_drop() -> None:
    detector = HandlingDetector()
    assert detector.feed(0, (0, 0, 1000), (0, 0, 0), 0, wire.IMU_IMPACT) == []


def test_feed_message_takes_the_wire_message() -> None:
    detector = HandlingDetector()
    events = detector.feed_message(wire.Imu(5, (0, 0, 1000), (0, 0, 0), 0, wire.IMU_UPSIDE_DOWN))
    assert [e.handling for e in events] == ["upside_down"]
    assert events[0].to_json()["type"] == "handling"


def test_malformed_vectors_are_ignored() -> None:
    detector = HandlingDetector()
    assert detector.feed(0, (1, 2), (0, 0, 0)) == []
    assert detector.feed(0, (0, 0, 0), (0, 0, 0)) == []  # zero vector: no division error


def test_a_calm_body_on_a_table_reports_nothing() -> None:
    detector = HandlingDetector()
    events = []
    for t in range(0, 10_000, 20):
        events += detector.feed(t, (3, -2, 1001), (5, -4, 2), 0, 0)
    assert events == []


def test_an_unknown_handling_name_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match="unknown handling event 'flying'"):
        HandlingEvent(0, "flying")
