"""What the pet believes about its owner, in plain words and numbers.

One document for ``petbrain memory show`` and the dashboard's "what I've
learned about you" panel: welcome per behaviour and context (with the
counts behind it), the usual arrival and departure times, the quiet times,
the favourite touches, and anything the owner must know about the file.
"""

from __future__ import annotations

from typing import Any

from brain.memory.owner import OwnerMemory
from brain.memory.rhythm import days_text
from brain.memory.welcome import Counts, counts_text, part_text

MIN_ANSWERS = 3  # a context with fewer answers is not worth a sentence


def beliefs(memory: OwnerMemory) -> dict[str, Any]:
    """The learned state as JSON: ``welcome``, ``rhythm``, ``touches``, ``notices``, ``lines``."""
    welcome: list[dict[str, Any]] = []
    lines: list[str] = []
    # Hours summed into parts of the week (weekday mornings...), as people say it.
    parts: dict[tuple[str, str], Counts] = {}
    for (behaviour, bucket, mood), counts in memory.welcome.items():
        total = parts.setdefault((behaviour, part_text(bucket, mood)), Counts())
        total.warm += counts.warm
        total.cold += counts.cold
        total.ignored += counts.ignored
    for (behaviour, where), counts in sorted(parts.items(), key=lambda item: -item[1].answers):
        if counts.answers < MIN_ANSWERS:
            continue
        if counts.mean > 0.55:
            verdict = "welcome"
        elif counts.mean < 0.45:
            verdict = "unwelcome"
        else:
            verdict = "not clear yet"
        welcome.append(
            {
                "behaviour": behaviour,
                "context": where,
                "welcome": round(counts.mean, 3),
                "warm": counts.warm,
                "cold": counts.cold,
                "ignored": counts.ignored,
            }
        )
        lines.append(f"{behaviour} is {verdict} on {where}: {counts_text(counts)}")
    rhythm: dict[str, Any] = {}
    for weekend, kind in ((False, "weekdays"), (True, "weekends")):
        arrivals = memory.rhythm.usual("arrivals", weekend)
        departures = memory.rhythm.usual("departures", weekend)
        quiet = memory.rhythm.quiet_spans(weekend)
        rhythm[kind] = {
            "arrivals": [{"at": t, "fraction": round(f, 2), "days": d} for t, f, d in arrivals],
            "departures": [{"at": t, "fraction": round(f, 2), "days": d} for t, f, d in departures],
            "quiet": [{"from": a, "to": b} for a, b in quiet],
        }
        for t, f, d in arrivals:
            lines.append(f"on {kind} you usually come home around {t} ({days_text(f, d)})")
        for t, f, d in departures:
            lines.append(f"on {kind} you usually leave around {t} ({days_text(f, d)})")
        if quiet:
            spans = ", ".join(f"{a}-{b}" for a, b in quiet)
            lines.append(f"on {kind} you are usually asleep or away {spans}")
    habits = memory.touch_habits()
    by_touch: dict[tuple[str, str], int] = {}
    for (zone, gesture, _bucket), n in habits.items():
        by_touch[(zone, gesture)] = by_touch.get((zone, gesture), 0) + n
    favourite = sorted(by_touch.items(), key=lambda item: -item[1])[:5]
    touches = [{"zone": z, "gesture": g, "count": n} for (z, g), n in favourite]
    if favourite:
        (zone, gesture), n = favourite[0]
        lines.append(f"your favourite touch: {gesture} on the {zone} ({n} times)")
    if not lines:
        lines.append("nothing learned yet")
    return {
        "learning": memory.learning,
        "welcome": welcome,
        "rhythm": rhythm,
        "touches": touches,
        "has_fusion_baseline": memory.load_baseline() is not None,
        "notices": list(memory.notices),
        "lines": lines,
        "size_bytes": memory.store.size_bytes(),
    }


_CACHE: dict[int, tuple[int, dict[str, Any]]] = {}


def cached_beliefs(memory: OwnerMemory) -> dict[str, Any]:
    """:func:`beliefs`, recomputed only after the memory changed (the dashboard asks often)."""
    key = id(memory)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == memory.version:
        return cached[1]
    doc = beliefs(memory)
    _CACHE.clear()  # one memory per brain: keep one entry
    _CACHE[key] = (memory.version, doc)
    return doc
