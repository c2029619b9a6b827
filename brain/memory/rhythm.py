"""The owner's weekly rhythm, learned from presence: when they come home, leave, are around.

The day is cut into quarter hours (96 slots). For every day the pet was on,
each slot records whether the owner arrived, left, or was there. Counts are
kept per day of week and pooled per day type (weekdays, weekend), so the
rhythm is usable after a few days. The pet cannot tell asleep from away: a
quarter hour in which the owner is usually not there (under
``QUIET_FRACTION`` of the days) is a *quiet* time, when the pet lets them be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

SLOT_MINUTES = 15
SLOTS = 24 * 60 // SLOT_MINUTES
MIN_DAYS = 2  # days of a day type (one weekend) before the rhythm says anything about it
DUE_FRACTION = 0.5  # a usual arrival: on at least half the days
CLUSTER_SLOTS = 3  # quarter hours either side of a peak gathered into one usual arrival
MIN_SPREAD_MIN = 10.0  # an arrival's spread is at least this (minutes)
SPREAD_PRIOR_MIN = 20.0  # ... and starts near this, weighing as many days as SPREAD_PRIOR_DAYS
SPREAD_PRIOR_DAYS = 2.0
WINDOW_SPREADS = 1.5  # the usual arrival window: its mean time +- this many spreads
QUIET_FRACTION = 0.15  # quiet: the owner was there in this quarter hour on under 15 % of days
WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)


def slot_of(moment: datetime) -> int:
    """The quarter hour of the day, 0..95."""
    return (moment.hour * 60 + moment.minute) // SLOT_MINUTES


def slot_clock(slot: int) -> str:
    """``HH:MM`` at the start of ``slot``."""
    minutes = (slot % SLOTS) * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def same_type(day_of_week: int) -> tuple[int, ...]:
    """The days of week pooled with ``day_of_week`` (weekdays, or the weekend)."""
    return WEEKEND if day_of_week >= 5 else WEEKDAYS


@dataclass
class DayPresence:
    """One day: the slots in which the owner arrived, left, was there."""

    day: date
    arrivals: set[int] = field(default_factory=set)
    departures: set[int] = field(default_factory=set)
    present: set[int] = field(default_factory=set)


def days_from_events(
    days: list[date], events: list[tuple[datetime, bool]], present_before: bool = False
) -> list[DayPresence]:
    """Per-day presence from arrival/departure events (in time order) for ``days``.

    ``present_before``: whether the owner was there before the first event.
    """
    by_day = {d: DayPresence(d) for d in days}
    state = present_before
    cursor: datetime | None = datetime.combine(days[0], datetime.min.time()) if days else None
    ends: list[tuple[datetime | None, bool]] = [*events, (None, False)]
    for moment, present in ends:
        end = moment
        if end is None and days:
            end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time())
        if cursor is not None and end is not None and state:
            _mark(by_day, cursor, end)
        if moment is None:
            break
        entry = by_day.get(moment.date())
        if entry is not None:
            (entry.arrivals if present else entry.departures).add(slot_of(moment))
            if present:
                entry.present.add(slot_of(moment))
        state = bool(present)
        cursor = moment
    return [by_day[d] for d in days]


def _mark(by_day: dict[date, DayPresence], start: datetime, end: datetime) -> None:
    """Mark the slots from ``start`` to ``end`` as present, on the days known."""
    day = start.date()
    first = slot_of(start)
    while True:
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time())
        last = SLOTS - 1 if end >= day_end else slot_of(end - timedelta(microseconds=1))
        entry = by_day.get(day)
        if entry is not None and last >= first:
            entry.present.update(range(first, last + 1))
        if end <= day_end:
            return
        day += timedelta(days=1)
        first = 0


@dataclass(frozen=True)
class ArrivalWindow:
    """A usual arrival: mean time (minutes after midnight), spread (sd, minutes), how often."""

    mean_min: float
    spread_min: float
    fraction: float
    days: float

    @property
    def clock(self) -> str:
        """``HH:MM`` of the mean time, to five minutes."""
        minutes = int(round(self.mean_min / 5) * 5) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Rhythm:
    """Counts per day of week and slot (days with an arrival, departure, presence)."""

    arrivals: list[list[float]] = field(default_factory=lambda: [[0.0] * SLOTS for _ in range(7)])
    departures: list[list[float]] = field(default_factory=lambda: [[0.0] * SLOTS for _ in range(7)])
    present: list[list[float]] = field(default_factory=lambda: [[0.0] * SLOTS for _ in range(7)])
    days: list[float] = field(default_factory=lambda: [0.0] * 7)

    def add_day(self, day: DayPresence) -> None:
        """Count one day in."""
        dow = day.day.weekday()
        self.days[dow] += 1
        for slot in day.arrivals:
            self.arrivals[dow][slot] += 1
        for slot in day.departures:
            self.departures[dow][slot] += 1
        for slot in day.present:
            self.present[dow][slot] += 1

    def _pooled(self, table: list[list[float]], dow: int, slot: int) -> float:
        return sum(table[d][slot % SLOTS] for d in same_type(dow))

    def _days(self, dow: int) -> float:
        return sum(self.days[d] for d in same_type(dow))

    def arrival_windows(self, day_of_week: int) -> list[ArrivalWindow]:
        """The usual arrivals on this day type, each with its spread; [] until known.

        Arrivals are gathered around each peak (``CLUSTER_SLOTS`` quarter hours
        either side, peaks first); a cluster reached on at least ``DUE_FRACTION``
        of the days is a usual arrival. Its spread is the standard deviation of the
        arrival times in it (the quarter hour's own width included), shrunk towards
        ``SPREAD_PRIOR_MIN`` while few days are known, and at least ``MIN_SPREAD_MIN``.
        """
        days = self._days(day_of_week)
        if days < MIN_DAYS:
            return []
        counts = [self._pooled(self.arrivals, day_of_week, s) for s in range(SLOTS)]
        found: list[ArrivalWindow] = []
        taken: set[int] = set()
        for slot in sorted(range(SLOTS), key=lambda s: -counts[s]):
            if slot in taken or counts[slot] <= 0:
                continue
            around = [
                (k, (slot + k) % SLOTS)
                for k in range(-CLUSTER_SLOTS, CLUSTER_SLOTS + 1)
                if (slot + k) % SLOTS not in taken
            ]
            mass = sum(counts[s] for _, s in around)
            if mass / days < DUE_FRACTION:
                break
            taken.update(s for _, s in around)
            offset = sum(k * counts[s] for k, s in around) / mass
            variance = sum((k - offset) ** 2 * counts[s] for k, s in around) / mass
            # The measured spread, shrunk towards SPREAD_PRIOR_MIN while there are few days.
            measured = (variance + 1 / 12) * SLOT_MINUTES**2
            spread = math.sqrt(
                (mass * measured + SPREAD_PRIOR_DAYS * SPREAD_PRIOR_MIN**2)
                / (mass + SPREAD_PRIOR_DAYS)
            )
            mean_min = ((slot + offset + 0.5) * SLOT_MINUTES) % (24 * 60)
            found.append(
                ArrivalWindow(mean_min, max(MIN_SPREAD_MIN, spread), min(1.0, mass / days), days)
            )
        return found

    def due(self, moment: datetime, within_ms: int) -> tuple[ArrivalWindow | None, float] | None:
        """The usual arrival the owner is due for now, if any, and the days known.

        Due: the arrival's window (its mean time ± ``WINDOW_SPREADS`` spreads)
        begins within ``within_ms`` or has begun and not ended. So a jittery
        arrival is waited for from a little before its earliest usual time until
        its latest, not only in the one quarter hour it most often falls in.
        None while fewer than ``MIN_DAYS`` of this day type are known.
        """
        days = self._days(moment.weekday())
        if days < MIN_DAYS:
            return None
        now_min = moment.hour * 60 + moment.minute + moment.second / 60
        within_min = within_ms / 60_000
        for window in self.arrival_windows(moment.weekday()):
            ahead = (window.mean_min - now_min + 720) % (24 * 60) - 720  # minutes until it
            half = WINDOW_SPREADS * window.spread_min
            if -half <= ahead <= half + within_min:
                return window, days
        return None, days

    def quiet(self, moment: datetime) -> tuple[bool, float, float] | None:
        """(usually not around now, fraction of days they were, days); None until known."""
        days = self._days(moment.weekday())
        if days < MIN_DAYS:
            return None
        there = self._pooled(self.present, moment.weekday(), slot_of(moment)) / days
        return there < QUIET_FRACTION, there, days

    def usual(self, kind: str, weekend: bool) -> list[tuple[str, float, float]]:
        """Usual arrival or departure times: (``HH:MM``, fraction of days, days), peaks first."""
        table = self.arrivals if kind == "arrivals" else self.departures
        dow = 5 if weekend else 0
        days = self._days(dow)
        if days < MIN_DAYS:
            return []
        # Sum neighbouring quarter hours (jitter spreads an arrival over two or three).
        counts = [self._pooled(table, dow, s) for s in range(SLOTS)]
        found: list[tuple[str, float, float]] = []
        taken: set[int] = set()
        for slot in sorted(range(SLOTS), key=lambda s: -counts[s]):
            if slot in taken or counts[slot] <= 0:
                continue
            around = [(slot + k) % SLOTS for k in (-2, -1, 0, 1, 2)]
            mass = sum(counts[s] for s in around if s not in taken)
            if mass / days < 0.3:
                break
            taken.update(around)
            found.append((slot_clock(slot), min(1.0, mass / days), days))
        return found

    def quiet_spans(self, weekend: bool) -> list[tuple[str, str]]:
        """Spans (``HH:MM``..``HH:MM``) in which the owner is usually not around."""
        dow = 5 if weekend else 0
        days = self._days(dow)
        if days < MIN_DAYS:
            return []
        quiet = [self._pooled(self.present, dow, s) / days < QUIET_FRACTION for s in range(SLOTS)]
        spans: list[tuple[str, str]] = []
        start: int | None = None
        for s in range(SLOTS + 1):
            q = quiet[s] if s < SLOTS else False
            if q and start is None:
                start = s
            elif not q and start is not None:
                spans.append((slot_clock(start), slot_clock(s)))
                start = None
        return spans


def days_text(fraction: float, days: float) -> str:
    """``8 of 10 days``."""
    total = round(days)
    return f"{math.floor(fraction * total + 0.5)} of {total} days"
