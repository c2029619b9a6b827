"""Scripted hands through the body's own pad scanner (``firmware/touch.py``) on virtual pads.

This is the path the robot takes: raw counts with per-pad baseline, gain,
drift and noise, the firmware's baseline tracking and freezing, then the
brain's classifier on the deltas.
"""

import random

from firmware.touch import TouchScanner
from sensors.touch.classifier import TouchClassifier
from sensors.touch.evaluate import TouchScore
from sensors.touch.events import TouchGesture
from sensors.touch.layout import DEFAULT_LAYOUT
from sensors.touch.synthetic import gesture_hand, gesture_names, realistic_conditions
from sim.peripherals import VirtualTouchSensor


class _Clock:
    now_ms = 0

    def __call__(self) -> int:
        return self.now_ms


def test_gestures_read_right_through_the_firmware_scanner() -> None:
    rng = random.Random(77)
    score = TouchScore()
    for index in range(10):
        for gesture in gesture_names():
            style, sensor = realistic_conditions(rng)
            hand = gesture_hand(gesture, seed=index, style=style, start_ms=1500)
            clock = _Clock()
            pads = VirtualTouchSensor(
                14,
                hand.script,
                clock,
                seed=rng.randrange(1 << 30),
                noise_counts=sensor.noise_counts * (1.0 + sensor.humidity),
            )
            scanner = TouchScanner(pads, 14)
            classifier = TouchClassifier(DEFAULT_LAYOUT)
            found: list[TouchGesture] = []
            for t in range(0, hand.end_ms + 400, 10):
                clock.now_ms = t
                deltas = tuple(scanner.scan())
                found += [e for e in classifier.feed(t, deltas) if isinstance(e, TouchGesture)]
            score.add(f"{gesture}-{index}", hand.label, [g for g in found if not g.ongoing])
    report = score.to_json()
    assert report["accuracy"] >= 0.95, report
