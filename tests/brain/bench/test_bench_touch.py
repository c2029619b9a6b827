from brain.bench import BenchOptions, registry


def test_touch_bench_reports_figures_with_same_run_references() -> None:
    results = registry()["touch"](BenchOptions(quick=True))
    by_name = {r.name: r for r in results}
    assert set(by_name) == {"touch_frame_ms", "skin_frame_ms", "imu_sample_ms"}
    skin = by_name["skin_frame_ms"]
    assert skin.value > 0 and skin.reference is not None and skin.details["frames"] > 500
    frame = by_name["touch_frame_ms"]
    assert frame.reference is not None and frame.reference.value > 0
    assert frame.value > 0 and frame.budget
    assert frame.details["frames"] > 500
    assert frame.as_json()["ratio"] == frame.ratio
