"""The acceptance figure: accuracy on fresh synthetic sets with realistic noise."""

import pytest

from sensors.touch.evaluate import TouchScore, finished_gestures
from sensors.touch.synthetic import realistic_set


@pytest.mark.parametrize("seed", [101, 202])
def test_accuracy_on_realistic_synthetic_sets_is_at_least_95_percent(seed: int) -> None:
    score = TouchScore()
    for index, trace in enumerate(realistic_set(seed, count=25)):
        label = trace.header.meta["label"]
        score.add(str(index), label, finished_gestures(trace))
    report = score.to_json()
    assert report["accuracy"] >= 0.95, report
    assert min(score.recall().values()) >= 0.8, report
    assert report["direction_accuracy"] == 1.0
