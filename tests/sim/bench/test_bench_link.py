"""The link benchmark group reports every figure with its reference (no timing asserted)."""

from __future__ import annotations

from brain.bench import BenchOptions, registry


def test_link_group_reports_codec_and_round_trip_with_references() -> None:
    results = registry()["link"](BenchOptions(quick=True))
    names = [r.name for r in results]
    assert names == [
        "link codec encode+decode",
        "link codec vs bare struct",
        "link command rtt p50",
        "link command rtt p99",
    ]
    assert all(r.reference is not None and r.value > 0 for r in results)
    assert results[2].details["failed"] == 0
