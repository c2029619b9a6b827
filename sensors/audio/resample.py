"""Polyphase resampling in numpy, the same filter as ``scipy.signal.resample_poly``.

The robot resamples only wav files and microphones that cannot give 16 kHz;
carrying SciPy (~140 MB installed) for this one function would break the
robot's install budget. The filter is SciPy's default: a Kaiser-windowed
(beta 5) sinc low-pass of ``20 * max(up, down) + 1`` taps with its cut-off at
the lower Nyquist rate, applied only at the output samples (polyphase), with
the filter's delay removed. ``tests/sensors/audio`` compares it with SciPy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BLOCK = 4096  # output samples computed at once (bounds the working memory)


def lowpass(up: int, down: int) -> npt.NDArray[np.float64]:
    """SciPy's default anti-aliasing filter for ``up``/``down``, gain ``up``."""
    max_rate = max(up, down)
    half = 10 * max_rate
    n = np.arange(-half, half + 1, dtype=np.float64)
    h = np.sinc(n / max_rate) * np.kaiser(2 * half + 1, 5.0)
    return np.asarray(h * (up / h.sum()), dtype=np.float64)


def resample_poly(samples: npt.ArrayLike, up: int, down: int) -> npt.NDArray[np.float64]:
    """``samples`` at ``up / down`` times the rate: ``ceil(len * up / down)`` samples."""
    x = np.asarray(samples, dtype=np.float64)
    if up < 1 or down < 1:
        raise ValueError("up and down must be positive integers")
    if up == down or x.size == 0:
        return x.copy()
    h = lowpass(up, down)
    half = (h.size - 1) // 2
    n_out = -(-x.size * up // down)
    taps = -(-h.size // up) + 1  # input samples under the filter, at most
    offsets = np.arange(taps)
    out = np.empty(n_out, dtype=np.float64)
    for start in range(0, n_out, BLOCK):
        m = np.arange(start, min(n_out, start + BLOCK))
        centre = m * down + half  # position in the zero-stuffed, filtered sequence
        first = -(-(centre - (h.size - 1)) // up)  # first input sample under the filter
        i = first[:, None] + offsets[None, :]
        k = centre[:, None] - i * up
        valid = (k >= 0) & (k < h.size) & (i >= 0) & (i < x.size)
        terms = x[np.clip(i, 0, x.size - 1)] * h[np.clip(k, 0, h.size - 1)]
        out[start : start + m.size] = np.where(valid, terms, 0.0).sum(axis=1)
    return out
