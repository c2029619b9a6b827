"""The one clock: the only object in petbrain that reads the host's time or calendar.

Everything else takes time as an argument (``now_ms``) or asks a :class:`Clock`.
Two kinds exist:

* :class:`SystemClock` on the robot (and the live dashboard demo): the
  monotonic clock for the loop, the host's local date and time for the
  calendar (time of day, day of week).
* :class:`SimulatedClock` in the simulator, tests and previews: brain time is
  whatever the simulation says, and the calendar is a simulated start
  date-time plus that, so a run gives the same result at any hour, in any
  time zone, on any host.

Simulated date-times are the pet's *home* local time, without a time zone:
"07:30" in a scenario means half past seven where the pet lives.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Protocol

from brain.errors import UserError

# The documented default start of a simulation: Saturday 14 March 2026, 14:00
# (an afternoon, so no night-time rule is in force unless a scenario asks).
DEFAULT_SIM_START = datetime(2026, 3, 14, 14, 0)


class Clock(Protocol):
    """Where the brain's time and the home's calendar come from."""

    def monotonic_ms(self) -> float:
        """Milliseconds since the clock started, never going backwards."""
        ...

    def local_time(self, now_ms: int) -> datetime:
        """The home's local date and time (naive) at brain time ``now_ms``."""
        ...


class SystemClock:
    """The host's clocks: monotonic for the loop, local calendar for time of day."""

    def __init__(self) -> None:
        self._start_s = time.monotonic()

    def monotonic_ms(self) -> float:
        """Milliseconds since this clock was made."""
        return (time.monotonic() - self._start_s) * 1000.0

    def local_time(self, now_ms: int) -> datetime:
        """The host's local date and time now (the calendar is the host's, not ``now_ms``)."""
        return datetime.now().astimezone().replace(tzinfo=None)


class SimulatedClock:
    """Brain time set by the simulation; the calendar is ``start`` plus brain time."""

    def __init__(self, start: datetime = DEFAULT_SIM_START) -> None:
        self.start = start.replace(tzinfo=None) if start.tzinfo is not None else start
        self.now_ms = 0

    def monotonic_ms(self) -> float:
        """The simulation's current time."""
        return float(self.now_ms)

    def local_time(self, now_ms: int) -> datetime:
        """``start`` plus ``now_ms`` of simulated time."""
        return self.start + timedelta(milliseconds=now_ms)


def minute_of_day(moment: datetime) -> float:
    """Minutes after local midnight (0..1440), with seconds as a fraction."""
    return moment.hour * 60 + moment.minute + moment.second / 60.0


def parse_start(text: str) -> datetime:
    """A simulated start date-time from ISO text (``2026-03-14T07:30``), or one clear error."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--start {text!r} is not a date-time: write it like 2026-03-14T07:30"
        ) from None
    return moment.replace(tzinfo=None) if moment.tzinfo is not None else moment
