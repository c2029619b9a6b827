from brain.bench import BenchOptions, registry


def test_grid_bench_measures_the_whole_brain_path_beside_the_pad_reference() -> None:
    (result,) = registry()["touch_grid"](BenchOptions(quick=True))
    assert result.name == "grid_frame_ms" and result.unit == "ms"
    assert result.value > 0 and result.reference is not None and result.reference.value > 0
    details = result.details
    assert details["frames"] > 500 and details["events"] > 40  # every gesture was named
    assert details["model"] == 1.0
    assert 0 < details["decode_and_reassembly_ms"] < details["max_ms"]
    assert 500 < details["wire_bytes_per_frame"] < 2 * 512  # two chunks, COBS framed
