import json
import subprocess
import sys


def test_bench_json_has_the_promised_shape() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "brain.cli", "bench", "--json", "--quick", "--only", "memory"],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    (result,) = payload["results"]
    assert set(result) >= {"name", "value", "unit", "reference"}
    assert result["name"] == "brain_rss_mib"
    assert result["value"] > result["reference"]["value"] > 0
