import numpy as np
import pytest

from sensors.audio.resample import resample_poly


@pytest.mark.parametrize(
    ("up", "down", "n"), [(160, 441, 4410), (1, 3, 4800), (2, 1, 800), (3, 2, 1001)]
)
def test_matches_scipy_resample_poly(up: int, down: int, n: int) -> None:
    signal = pytest.importorskip("scipy.signal")
    x = np.random.default_rng(n).normal(size=n)
    ours = resample_poly(x, up, down)
    theirs = signal.resample_poly(x, up, down)
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) < 1e-9


def test_a_tone_keeps_its_pitch_and_level() -> None:
    t = np.arange(44100) / 44100.0
    out = resample_poly(np.sin(2 * np.pi * 440.0 * t), 160, 441)
    assert out.size == 16000
    spectrum = np.abs(np.fft.rfft(out[1000:-1000] * np.hanning(14000)))
    assert np.argmax(spectrum) * 16000 / 14000 == pytest.approx(440.0, abs=2.0)
    assert np.sqrt(np.mean(out[1000:-1000] ** 2)) == pytest.approx(np.sqrt(0.5), rel=0.02)


def test_bad_ratios_and_empty_input() -> None:
    with pytest.raises(ValueError, match="positive"):
        resample_poly(np.zeros(4), 0, 1)
    assert resample_poly(np.zeros(0), 2, 1).size == 0
