"""Labelled gesture scripts: a typical or randomised hand for each gesture.

:func:`gesture_hand` draws one hand per gesture from the ranges in
``docs/touch.md`` (for labelled traces); :func:`scripted_gesture` places a
typical hand on a named zone (for simulator scenarios).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sensors.touch.hands import Contact, Scratch, Stroke, Tickle, Touch, around_mm, combine
from sensors.touch.layout import DEFAULT_LAYOUT, Pad, PadLayout


@dataclass(frozen=True)
class HandStyle:
    """How this owner touches, as factors on typical values (1.0 = typical)."""

    speed: float = 1.0  # how fast strokes move and taps land
    pressure: float = 1.0  # how firmly the hand presses
    hand_size: float = 1.0  # palm and finger size


@dataclass(frozen=True)
class Recipe:
    """One gesture's script plus its label (gesture, zone, direction) and when it ends."""

    script: Contact
    end_ms: int
    label: dict[str, Any]


Maker = Callable[[PadLayout, random.Random, HandStyle, int], Recipe]
_MAKERS: dict[str, Maker] = {}


def _maker(name: str) -> Callable[[Maker], Maker]:
    def decorate(function: Maker) -> Maker:
        _MAKERS[name] = function
        return function

    return decorate


def _site(layout: PadLayout, rng: random.Random, zones: Sequence[str]) -> tuple[float, float, Pad]:
    """A spot near a random pad of ``zones``: (along, around, pad)."""
    pad = layout.pads[rng.choice(layout.indices(zones))]
    return (
        pad.position_mm + rng.uniform(-10, 10),
        around_mm(pad) + rng.uniform(-8, 8),
        pad,
    )


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


@_maker("stroke")
def _stroke(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    spine = [layout.pads[i].position_mm for i in layout.indices(_SPINE)]
    lo, hi = min(spine) - 15, max(spine) + 15
    length = rng.uniform(110, 360)
    a = rng.uniform(lo, max(lo, hi - length))
    b = min(hi, a + length)
    with_fur = rng.random() < 0.5
    stroke = Stroke(
        layout,
        start,
        a if with_fur else b,
        b if with_fur else a,
        speed_mm_per_s=_clip(rng.uniform(90, 550) * style.speed, 40, 900),
        pressure=_clip(rng.uniform(0.35, 0.9) * style.pressure, 0.2, 1.0),
        hand_width_mm=rng.uniform(40, 60) * style.hand_size,
        zones=_SPINE,
        ramp_ms=rng.uniform(20, 60),
    )
    label = {"gesture": "stroke", "direction": "with_fur" if with_fur else "against_fur"}
    return Recipe(stroke, stroke.end_ms, label)


def _touch(
    layout: PadLayout,
    rng: random.Random,
    style: HandStyle,
    start: int,
    gesture: str,
    zones: Sequence[str],
    *,
    count: int,
    duration: tuple[float, float],
    pressure: tuple[float, float],
    rise: tuple[float, float],
    radius_mm: float,
    tremor: float = 0.0,
    wander_mm: float = 0.0,
) -> Recipe:
    along, around, pad = _site(layout, rng, zones)
    taps: list[Contact] = []
    t = start
    for _ in range(count):
        length = int(rng.uniform(*duration) / style.speed)
        rise_ms = rng.uniform(*rise) / style.speed
        taps.append(
            Touch(
                layout,
                t,
                length,
                along + rng.uniform(-5, 5),
                around,
                radius_mm * style.hand_size,
                _clip(rng.uniform(*pressure) * style.pressure, 0.1, 1.0),
                rise_ms=rise_ms,
                fall_ms=rise_ms,
                tremor=tremor,
                wander_mm=wander_mm,
                seed=rng.randrange(1 << 30),
            )
        )
        t += length + int(rng.uniform(160, 380))
    end = t - 160
    return Recipe(combine(layout, taps), end, {"gesture": gesture, "zone": pad.zone})


_SPINE = ("head", "neck", "back", "tail_base")
_TOP = ("head", "neck", "back", "tail_base")


@_maker("pat")
def _pat(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    return _touch(
        layout, rng, style, start, "pat", _TOP, count=rng.randint(1, 3),
        duration=(90, 250), pressure=(0.35, 0.7), rise=(30, 60), radius_mm=55,
    )  # fmt: skip


@_maker("hit")
def _hit(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    return _touch(
        layout, rng, style, start, "hit", _TOP, count=1,
        duration=(40, 110), pressure=(0.85, 1.0), rise=(0, 8), radius_mm=60,
    )  # fmt: skip


@_maker("poke")
def _poke(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    zones = [p.zone for p in layout.pads]
    return _touch(
        layout, rng, style, start, "poke", zones, count=rng.randint(1, 2),
        duration=(60, 300), pressure=(0.3, 0.6), rise=(5, 25), radius_mm=12,
    )  # fmt: skip


@_maker("hold")
def _hold(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    return _touch(
        layout, rng, style, start, "hold", ("head", "neck", "back", "belly"), count=1,
        duration=(900, 4000), pressure=(0.35, 0.8), rise=(40, 120), radius_mm=55,
        tremor=rng.uniform(0.04, 0.1), wander_mm=rng.uniform(0, 6),
    )  # fmt: skip


@_maker("scratch")
def _scratch(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    along, around, pad = _site(layout, rng, ("chin", "cheeks", "head", "neck", "back"))
    rate_hz = _clip(rng.uniform(2.5, 6.0) * style.speed, 2.0, 8.0)
    scratch = Scratch(
        layout,
        start,
        int(max(rng.uniform(600, 2500), 3500.0 / rate_hz)),  # a few rakes at least
        along,
        around,
        rng.uniform(16, 24) * style.hand_size,
        _clip(rng.uniform(0.45, 0.85) * style.pressure, 0.2, 1.0),
        rate_hz=rate_hz,
        amplitude_mm=rng.uniform(6, 18),
        depth=rng.uniform(0.35, 0.6),
    )
    return Recipe(scratch, scratch.end_ms, {"gesture": "scratch", "zone": pad.zone})


@_maker("tickle")
def _tickle(layout: PadLayout, rng: random.Random, style: HandStyle, start: int) -> Recipe:
    # Tickling fingers play over several pads: centre between a pad and its
    # nearest neighbour on the same side of the body.
    along, around, pad = _site(layout, rng, ("belly", "back", "neck"))
    others = [
        p.position_mm
        for p in layout.pads
        if p.index != pad.index and abs(around_mm(p) - around_mm(pad)) < 20
    ]
    if others:
        nearest = min(others, key=lambda x: abs(x - pad.position_mm))
        along = (pad.position_mm + nearest) / 2 + rng.uniform(-10, 10)
    tickle = Tickle(
        layout,
        start,
        int(rng.uniform(700, 2000) / style.speed),
        along,
        around,
        rng.uniform(30, 60),
        _clip(rng.uniform(0.3, 0.55) * style.pressure, 0.15, 1.0),
        fingers=rng.randint(3, 5),
        radius_mm=rng.uniform(12, 18) * style.hand_size,
        seed=rng.randrange(1 << 30),
    )
    return Recipe(tickle, tickle.end_ms, {"gesture": "tickle", "zone": pad.zone})


def gesture_names() -> tuple[str, ...]:
    """Every gesture the generator can make (all of ``events.GESTURES``)."""
    return tuple(_MAKERS)


def gesture_hand(
    gesture: str,
    *,
    seed: int = 0,
    style: HandStyle | None = None,
    layout: PadLayout = DEFAULT_LAYOUT,
    start_ms: int = 0,
) -> Recipe:
    """The scripted hand of one ``gesture`` starting at ``start_ms`` (for traces and the simulator).

    ``recipe.script(t_ms)`` is the contact per pad, ``recipe.end_ms`` when the
    hand has gone, ``recipe.label`` what it was (gesture, zone or direction).
    """
    if gesture not in _MAKERS:
        raise ValueError(f"unknown gesture {gesture!r} (known: {', '.join(_MAKERS)})")
    rng = random.Random(f"{gesture}:{seed}")
    return _MAKERS[gesture](layout, rng, style or HandStyle(), start_ms)


def scripted_gesture(
    layout: PadLayout,
    gesture: str,
    zone: str,
    at_ms: int,
    *,
    direction: str = "with_fur",
    speed_mm_per_s: float | None = None,
    pressure: float | None = None,
    duration_ms: int | None = None,
) -> Recipe:
    """A typical hand doing ``gesture`` on ``zone`` (a zone or group) from ``at_ms``: scenarios.

    Unlike :class:`Press` (a flat step of contact on chosen pads), these land
    and lift like a hand: a pat lands over ~40 ms with the palm, a hit within
    a few ms, a poke is one fingertip. ``None`` picks the gesture's typical
    value. Raises ``ValueError`` for an unknown gesture or a zone with no pads.
    """
    pads = [layout.pads[i] for i in layout.indices([zone])]
    if not pads:
        raise ValueError(f"no pads in zone {zone!r}")
    along = sum(p.position_mm for p in pads) / len(pads)
    around = around_mm(pads[0])
    label: dict[str, Any] = {"gesture": gesture, "zone": zone}
    if gesture == "stroke":
        positions = [p.position_mm for p in pads]
        along_body = [p.position_mm for p in layout.pads if around_mm(p) == around]
        if max(along_body) - min(along_body) < 60.0:
            raise ValueError(f"a stroke is read along the body: {zone!r} is too short for one")
        lo, hi = min(positions) - 30.0, max(positions) + 30.0
        # A stroke on the head runs on down the neck; one on the tail base comes from the back.
        hi = min(max(hi, lo + 150.0), max(along_body) + 30.0)
        lo = min(lo, hi - 150.0)
        forward = direction == "with_fur"
        stroke = Stroke(
            layout,
            at_ms,
            lo if forward else hi,
            hi if forward else lo,
            speed_mm_per_s=speed_mm_per_s or 250.0,
            pressure=pressure or 0.7,
            zones=_SPINE if around == 0.0 else (zone,),
            ramp_ms=30.0,
        )
        label["direction"] = direction
        return Recipe(stroke, stroke.end_ms, label)
    typical = {
        # gesture: (duration_ms, pressure, radius_mm, rise_ms, tremor)
        "pat": (150, 0.6, 55.0, 40.0, 0.0),
        "hit": (80, 1.0, 60.0, 3.0, 0.0),
        "poke": (120, 0.45, 12.0, 15.0, 0.0),
        "hold": (2000, 0.6, 55.0, 80.0, 0.06),
    }
    if gesture in typical:
        length, firmness, radius, rise, tremor = typical[gesture]
        if gesture == "poke":
            along = pads[0].position_mm
        touch = Touch(
            layout,
            at_ms,
            duration_ms or length,
            along,
            around,
            radius,
            pressure or firmness,
            rise_ms=rise,
            fall_ms=rise,
            tremor=tremor,
        )
        return Recipe(touch, touch.end_ms, label)
    if gesture == "scratch":
        scratch = Scratch(
            layout, at_ms, duration_ms or 1200, pads[0].position_mm, around, 20.0, pressure or 0.65
        )
        return Recipe(scratch, scratch.end_ms, label)
    if gesture == "tickle":
        tickle = Tickle(
            layout, at_ms, duration_ms or 1200, along, around, 45.0, pressure or 0.4, fingers=5
        )
        return Recipe(tickle, tickle.end_ms, label)
    raise ValueError(f"unknown gesture {gesture!r} (known: {', '.join(_MAKERS)})")
