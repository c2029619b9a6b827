"""Retention of the owner memory: old raw rows folded into aggregates, and the rhythm rebuilt.

Raw episodes, presence events and per-day touch counts older than
``retention_days`` are folded into aggregates (welcome counts, presence per
day-of-week slot, touch totals) and deleted, once per day, by
:meth:`brain.memory.owner.OwnerMemory.fold`. The weekly rhythm is the folded
slots plus the raw days not folded yet. Nothing here reads the host clock:
``at`` comes from the caller's injected clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from brain.memory.rhythm import DayPresence, Rhythm, days_from_events
from brain.memory.store import MemoryStore, from_wall_ms, wall_ms


def build_rhythm(store: MemoryStore) -> Rhythm:
    """The weekly rhythm: the folded slots plus the days not folded yet."""
    rhythm = Rhythm()
    for dow, slot, arrivals, departures, present in store.query(
        "SELECT day_of_week, slot, arrivals, departures, present FROM presence_slots"
    ):
        rhythm.arrivals[dow][slot] += arrivals
        rhythm.departures[dow][slot] += departures
        rhythm.present[dow][slot] += present
    for dow, n in store.query(
        "SELECT day_of_week, COUNT(*) FROM days WHERE folded = 1 GROUP BY day_of_week"
    ):
        rhythm.days[dow] += n
    for day in raw_days(store):
        rhythm.add_day(day)
    return rhythm


def raw_days(store: MemoryStore, before: date | None = None) -> list[DayPresence]:
    """Per-day presence of the days not folded yet (all, or those before ``before``)."""
    rows = store.query("SELECT date FROM days WHERE folded = 0 ORDER BY date")
    days = [date.fromisoformat(r[0]) for r in rows]
    if before is not None:
        days = [d for d in days if d < before]
    if not days:
        return []
    start = wall_ms(datetime.combine(days[0], datetime.min.time()))
    prior = store.query(
        "SELECT present FROM presence WHERE wall_ms < ? ORDER BY wall_ms DESC LIMIT 1",
        (start,),
    )
    events = [
        (from_wall_ms(t), bool(p))
        for t, p in store.query(
            "SELECT wall_ms, present FROM presence WHERE wall_ms >= ? ORDER BY wall_ms",
            (start,),
        )
    ]
    return days_from_events(days, events, bool(prior and prior[0][0]))


def fold_statements(
    store: MemoryStore, at: datetime, retention_days: int
) -> list[tuple[str, tuple[Any, ...]]]:
    """The one transaction that folds everything older than ``retention_days`` before ``at``.

    Episodes go into the welcome counts, per-day touch counts into the ``folded``
    totals, the presence of old days into the day-of-week slots; the raw rows go.
    """
    horizon = datetime.combine(at.date() - timedelta(days=retention_days), datetime.min.time())
    cut = wall_ms(horizon)
    old_days = raw_days(store, before=horizon.date())
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "INSERT INTO welcome (behaviour, bucket, owner_mood, warm, cold, ignored) "
            "SELECT behaviour, bucket, owner_mood, SUM(answer = 'warm'), "
            "SUM(answer = 'cold'), SUM(answer = 'ignored') FROM episodes WHERE wall_ms < ? "
            "GROUP BY behaviour, bucket, owner_mood "
            "ON CONFLICT (behaviour, bucket, owner_mood) DO UPDATE SET "
            "warm = warm + excluded.warm, cold = cold + excluded.cold, "
            "ignored = ignored + excluded.ignored",
            (cut,),
        ),
        ("DELETE FROM episodes WHERE wall_ms < ?", (cut,)),
        (
            "INSERT INTO touches (day, zone, gesture, bucket, count) "
            "SELECT 'folded', zone, gesture, bucket, SUM(count) FROM touches "
            "WHERE day != 'folded' AND day < ? GROUP BY zone, gesture, bucket "
            "ON CONFLICT (day, zone, gesture, bucket) DO UPDATE SET "
            "count = count + excluded.count",
            (horizon.date().isoformat(),),
        ),
        (
            "DELETE FROM touches WHERE day != 'folded' AND day < ?",
            (horizon.date().isoformat(),),
        ),
    ]
    for day in old_days:
        dow = day.day.weekday()
        for column, slots in (
            ("arrivals", day.arrivals),
            ("departures", day.departures),
            ("present", day.present),
        ):
            for slot in slots:
                statements.append(
                    (
                        f"INSERT INTO presence_slots (day_of_week, slot, {column}) "
                        f"VALUES (?, ?, 1) ON CONFLICT (day_of_week, slot) "
                        f"DO UPDATE SET {column} = {column} + 1",
                        (dow, slot),
                    )
                )
        statements.append(("UPDATE days SET folded = 1 WHERE date = ?", (day.day.isoformat(),)))
    # Keep the last event before the horizon: it says whether the owner was there.
    statements.append(
        (
            "DELETE FROM presence WHERE wall_ms < ? AND id != (SELECT id FROM presence "
            "WHERE wall_ms < ? ORDER BY wall_ms DESC LIMIT 1)",
            (cut, cut),
        )
    )
    return statements
