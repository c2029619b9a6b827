from brain.bench import BenchOptions, registry


def test_grid_heat_map_bench_measures_encoding_beside_the_pad_reference() -> None:
    (result,) = registry()["dashboard_grid"](BenchOptions(quick=True))
    assert result.name == "dashboard_grid_ms" and result.unit == "ms"
    assert result.value > 0 and result.reference is not None and result.reference.value > 0
    details = result.details
    assert details["frames"] > 500
    # 513 cells as base64 (684 characters) plus names: the document stays small.
    assert 684 < details["json_bytes"] < 1200
    assert details["pooled_64x96_json_bytes"] < 1800  # pooled to at most 1024 cells
    assert details["cpu_ms_per_s"] == result.value * 10.0
