"""A trace played back through the simulated body (firmware scanner, pty link) reads the same."""

import pytest

from brain.body.link import BodyLink
from firmware import wire
from sensors.touch.classifier import TouchClassifier
from sensors.touch.evaluate import finished_gestures
from sensors.touch.events import TouchGesture
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.sensor_model import PadSensorModel
from sensors.touch.synthetic import generate_trace, replay_contact
from sim.body import VirtualBody


@pytest.mark.parametrize("gesture", ["stroke", "pat", "hold"])
def test_a_replayed_trace_reaches_the_classifier_through_the_virtual_body(gesture: str) -> None:
    trace = generate_trace(gesture, seed=5, sensor=PadSensorModel(noise_counts=2.0, seed=2))
    body = VirtualBody(14, 4, contact=replay_contact(trace))
    link = BodyLink(body.path)
    classifier = TouchClassifier(DEFAULT_LAYOUT)
    found: list[TouchGesture] = []
    end_ms = trace.frames[-1].t_ms + 300
    try:
        for now in range(0, end_ms):
            body.tick(now)
            link.tick(now)
            for message in link.poll(now):
                if isinstance(message, wire.TouchFrame):
                    for event in classifier.feed(int(message.t_ms), message.values):
                        if isinstance(event, TouchGesture) and not event.ongoing:
                            found.append(event)
    finally:
        link.close()
        body.close()
    direct = [g.gesture for g in finished_gestures(trace)]
    assert direct and set(direct) == {gesture}
    assert [g.gesture for g in found] == direct
