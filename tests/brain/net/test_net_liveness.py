"""RemotePerception on loopback: observations on the core's clock, up and down said once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import zenoh

from brain.net.core import RemotePerception
from brain.net.perception import PerceptionPublisher
from brain.net.session import free_loopback_port, loopback_network, open_session
from sensors.audio.observations import AmbientLevel, SoundEvent

Pair = tuple[zenoh.Session, zenoh.Session]


def wait_until(done: Callable[[], bool], timeout_s: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.01)
    return done()


class Clock:
    """A hand-moved clock for the core (ms)."""

    def __init__(self, now_ms: float) -> None:
        self.now_ms = now_ms

    def __call__(self) -> float:
        return self.now_ms


@pytest.fixture
def pair() -> Iterator[Pair]:
    port = free_loopback_port()
    core = open_session(loopback_network("core", port, listen=True))
    node = open_session(loopback_network("perception", port, listen=False))
    yield core, node
    node.close()
    core.close()


def test_up_silent_gone_and_back_each_said_once(pair: Pair) -> None:
    core_session, node_session = pair
    core_clock = Clock(1_000_000.0)  # the core's clock and the node's differ wildly
    remote = RemotePerception(core_session, "cat", core_clock, timeout_ms=500)
    assert remote.check(core_clock()) is None and remote.state == "never-seen"
    node_clock = Clock(42.0)
    publisher = PerceptionPublisher(node_session, "cat", node_clock)
    assert wait_until(lambda: remote.node_present)
    publisher.publish(AmbientLevel(30.0, -60.0, False))  # 12 ms old when published
    assert wait_until(lambda: remote.received == 1)
    [observation] = remote.take()
    assert observation.value == AmbientLevel(1_000_000.0 - 12.0, -60.0, False)
    change = remote.check(core_clock())
    assert change is not None and change.up
    assert remote.check(core_clock()) is None  # said once
    # Present but silent past the timeout (a hung node): down, once.
    core_clock.now_ms += 600
    change = remote.check(core_clock())
    assert change is not None and not change.up and "nothing from" in change.why
    assert remote.check(core_clock()) is None
    # It speaks again: up.
    publisher.publish(AmbientLevel(42.0, -61.0, False))
    assert wait_until(lambda: remote.received == 2)
    change = remote.check(core_clock())
    assert change is not None and change.up
    # It leaves (its token goes): down at once, whatever the clock says.
    publisher.close()
    assert wait_until(lambda: not remote.node_present)
    change = remote.check(core_clock())
    assert change is not None and not change.up and "left" in change.why
    assert remote.decoder.stats.dropped == 0
    remote.close()


def test_garbage_on_the_perception_keys_is_counted_not_taken(pair: Pair) -> None:
    core_session, node_session = pair
    remote = RemotePerception(core_session, "cat", Clock(0.0))
    put = node_session.put
    time.sleep(0.3)  # the subscription reaches the node
    put("petbrain/cat/perception/face", b"\xff\xfe")
    put("petbrain/cat/perception/voice", b'{"schema_version": 1, "kind": "voice"}')
    put("petbrain/cat/perception/sound", b"{" + b" " * 8000 + b"}")
    put("petbrain/cat/perception/body", b'{"schema_version": 9, "kind": "body"}')
    assert wait_until(lambda: remote.decoder.stats.dropped == 4)
    stats = remote.stats()
    assert stats["malformed"] == 2 and stats["oversize"] == 1 and stats["unknown"] == 1
    assert remote.take() == [] and remote.received == 0
    remote.close()


def test_an_observation_outside_the_schema_is_not_sent_and_the_node_goes_on(pair: Pair) -> None:
    core_session, node_session = pair
    remote = RemotePerception(core_session, "cat", Clock(0.0))
    publisher = PerceptionPublisher(node_session, "cat", Clock(100.0))
    assert wait_until(lambda: remote.node_present)
    impossible = SoundEvent("startle", 90.0, 96.0, level_dbfs=40.0, rise_db=30.0, background_db=-50)
    assert publisher.publish(impossible) == 0 and publisher.refused == 1
    assert publisher.publish(AmbientLevel(90.0, -60.0, False)) == 1
    assert wait_until(lambda: remote.received == 1)
    assert [type(o.value) for o in remote.take()] == [AmbientLevel]
    publisher.close()
    remote.close()
