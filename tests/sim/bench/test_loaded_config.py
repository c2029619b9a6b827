from pathlib import Path

from brain.setup.config import load_robot_file
from sim.bench.loaded import write_config


def test_the_loaded_bench_runs_a_real_robot_yaml_with_file_camera_and_microphone(
    tmp_path: Path,
) -> None:
    config = load_robot_file(write_config(tmp_path, "/dev/ttyFAKE", camera_scale=1.5))
    assert config.camera.enabled and config.camera.fps == 22.5
    assert config.microphone.enabled and not config.dashboard.enabled
    assert len(list((tmp_path / "faces").glob("*.jpg"))) == 90
    assert (tmp_path / "voice.wav").stat().st_size > 6 * 16000 * 2
