"""``petbrain bench --only fusion`` reports its figures with references (no timing asserted)."""

import json
import subprocess
import sys


def test_fusion_bench_reports_call_time_estimate_time_and_size() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "brain.cli", "bench", "--json", "--quick", "--only", "fusion"],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results = {r["name"]: r for r in json.loads(done.stdout)["results"]}
    assert set(results) == {"fusion_call_ms", "fusion_estimate_ms", "fusion_model_bytes"}
    call = results["fusion_call_ms"]
    assert call["value"] > 0 and call["reference"]["value"] > 0
    assert results["fusion_estimate_ms"]["reference"]["value"] == call["value"]
    assert 0 < results["fusion_model_bytes"]["value"] <= 100 * 1024
