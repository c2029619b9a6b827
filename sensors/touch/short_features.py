"""The touch features of a short stretch of frames, in plain Python.

:func:`sensors.touch.features.gesture_features` sums up an episode with
NumPy, whose fixed cost per call (a few microseconds each, some fifty calls)
dominates when the stretch is one 800 ms window of a 10 Hz grid: eight
frames. :func:`short_gesture_features` computes the very same numbers, in
the same order, with plain floats, about ten times faster on such windows;
``gesture_features`` hands every stretch of at most :data:`SHORT_FRAMES`
frames to it. ``tests/sensors/touch/test_touch_features.py`` checks that
both agree.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

SHORT_FRAMES = 40  # up to this many frames plain Python beats NumPy

# Columns of a frame summary (sensors.touch.features.FRAME_FIELDS).
_TOTAL, _AREA, _ALONG, _ACROSS, _VA, _VX, _COV, _PEAK, _FIRM = range(9)
_FEATURES = 33


def _log(x: float) -> float:
    return math.log1p(x) if x > 0.0 else 0.0


def count_pulses(series: Sequence[float], depth: float = 0.25) -> int:
    """Maxima of ``series`` separated by dips of at least ``depth`` x its maximum."""
    top = max(series) if series else 0.0
    if top <= 0:
        return 0
    drop = depth * top
    count = 0
    high = low = series[0]
    rising = True
    for v in series:
        if rising:
            if v > high:
                high = v
            elif v < high - drop:
                count += 1
                rising, low = False, v
        elif v < low:
            low = v
        elif v > low + drop:
            rising, high = True, v
    return count + (1 if rising else 0)


def _sign(x: float) -> float:
    return (x > 0.0) - (x < 0.0)


def short_gesture_features(
    rows: Sequence[Sequence[float]], rate_hz: float, coverage_cm2: float | None = None
) -> list[float]:
    """:data:`~sensors.touch.features.FEATURE_NAMES` of frame summaries ``rows`` (lists of 9).

    The same numbers as :func:`sensors.touch.features.gesture_features`.
    """
    t_count = len(rows)
    period_ms = 1000.0 / rate_hz
    duration_ms = max(1, t_count) * period_ms
    out = [0.0] * _FEATURES
    out[0] = _log(duration_ms)
    if t_count == 0:
        return out
    # One pass over the frames: everything but the spreads and the sweep.
    sqrt, hypot = math.sqrt, math.hypot
    total: list[float] = []
    area_c: list[float] = []
    total_c: list[float] = []
    xs: list[float] = []  # the contact's centroid, along and across, frames in contact
    ys: list[float] = []
    area_max = peak_max = top = 0.0
    peak_sum = elong = spread = root_va = root_vx = 0.0
    pressure_sum = pressure_max = firm = path = change = 0.0
    recontacts = 0
    previous = 0.0
    for r in rows:
        tot = r[_TOTAL]
        total.append(tot)
        area_max = max(area_max, r[_AREA])
        peak_max = max(peak_max, r[_PEAK])
        top = max(top, tot)
        change += abs(tot - previous)
        if tot > 0:
            if not previous > 0:
                recontacts += 1
            a = r[_AREA]
            area_c.append(a)
            total_c.append(tot)
            peak_sum += r[_PEAK]
            va, vx, cov = r[_VA], r[_VX], r[_COV]
            half = (va + vx) / 2.0
            root = sqrt(max(0.0, ((va - vx) / 2.0) ** 2 + cov * cov))
            elong += sqrt((half + root + 1.0) / (max(half - root, 0.0) + 1.0))
            spread += sqrt(va + vx)
            root_va += sqrt(va)
            root_vx += sqrt(vx)
            p = tot / max(a, 1e-9)
            pressure_sum += p
            pressure_max = max(pressure_max, p)
            firm += r[_FIRM]
            x, y = r[_ALONG], r[_ACROSS]
            if xs:
                path += hypot(x - xs[-1], y - ys[-1])
            xs.append(x)
            ys.append(y)
        previous = tot
    n = len(area_c)
    out[1] = n / t_count
    if n == 0:
        return out
    change -= abs(total[0])  # the first frame has no predecessor
    if total[0] > 0:
        recontacts -= 1  # ... and is no re-contact
    mean_area = sum(area_c) / n
    mean_total = sum(total_c) / n
    sd_area = sqrt(sum([(a - mean_area) ** 2 for a in area_c]) / n)
    sd_total = sqrt(sum([(a - mean_total) ** 2 for a in total_c]) / n)
    out[2] = _log(area_max)
    out[3] = _log(mean_area)
    out[4] = sd_area / max(mean_area, 1e-9)
    out[5] = _log(top * 100.0)
    out[6] = _log(mean_total * 100.0)
    out[7] = sd_total / max(mean_total, 1e-9)
    out[8] = peak_max
    out[9] = peak_sum / n
    out[10] = elong / n
    out[11] = _log(spread / n)
    k = min(3, n)
    travel_along = (sum(xs[n - k :]) - sum(xs[:k])) / k
    travel_across = (sum(ys[n - k :]) - sum(ys[:k])) / k
    out[12] = _log(path)
    out[13] = travel_along
    out[14] = _log(abs(travel_along))
    out[15] = _log(abs(travel_across))
    out[16] = hypot(travel_along, travel_across) / max(path, 1.0)
    out[17] = _log(path * 1000.0 / (n * period_ms))
    high = 0.8 * top
    first_high = 0
    while total[first_high] < high:
        first_high += 1
    last_high = t_count - 1
    while total[last_high] < high:
        last_high -= 1
    out[18] = _log(first_high * period_ms)
    out[19] = _log((t_count - 1 - last_high) * period_ms)
    per_s = 1000.0 / duration_ms
    out[20] = count_pulses(total) * per_s
    if t_count > 1:
        out[21] = change / top * per_s
    out[22] = recontacts * per_s
    coverage = area_max if coverage_cm2 is None else coverage_cm2
    out[23] = _log(coverage / max(area_max, 1e-9) - 1.0)
    out[24] = pressure_sum / n
    out[25] = pressure_max
    out[26] = firm / max(sum(area_c), 1e-9)
    half_top = 0.5 * top
    out[27] = len([v for v in total if v >= half_top]) / t_count
    out[28] = _log(root_va / n)
    out[29] = _log(root_vx / n)
    out[30] = _log(area_max * 1000.0 / (first_high * period_ms + period_ms))
    if n >= 5:
        # Back-and-forth strokes: the centroid sweeps along its main axis and turns round.
        sx = [(xs[i] + xs[i + 1] + xs[i + 2]) / 3.0 for i in range(n - 2)]
        sy = [(ys[i] + ys[i + 1] + ys[i + 2]) / 3.0 for i in range(n - 2)]
        mx, my = sum(sx) / len(sx), sum(sy) / len(sy)
        sx = [x - mx for x in sx]
        sy = [y - my for y in sy]
        sxx = sum([x * x for x in sx])
        syy = sum([y * y for y in sy])
        sxy = sum([x * y for x, y in zip(sx, sy, strict=True)])
        angle = 0.5 * math.atan2(2.0 * sxy, sxx - syy)
        ca, sa = math.cos(angle), math.sin(angle)
        main = [x * ca + y * sa for x, y in zip(sx, sy, strict=True)]
        steps = [b - a for a, b in itertools.pairwise(main)]
        out[31] = _log(sum([abs(s) for s in steps]) / len(steps) * 1000.0 / period_ms)
        moving = [_sign(s) for s in steps if abs(s) > 2.0]
        turns = len([1 for a, b in itertools.pairwise(moving) if a != b])
        out[32] = turns * per_s
    return out
